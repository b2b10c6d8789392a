import type { Selectable } from "kysely";

import type { Db } from "../../store/db.js";
import type { IdempotencyKeysTable } from "../../store/tables/idempotency.table.js";

import type { IdempotencyRecord } from "./idempotency.types.js";

function toRecord(row: Selectable<IdempotencyKeysTable>): IdempotencyRecord {
  return {
    scope: row.scope,
    key: row.key,
    requestHash: row.request_hash,
    state: row.state,
    response:
      row.state === "complete"
        ? {
            status: row.response_status ?? 200,
            headers: JSON.parse(row.response_headers ?? "{}") as Record<string, string>,
            body: row.response_body ?? "",
          }
        : null,
    expiresAt: new Date(row.expires_at),
  };
}

/** Inserts an in-progress claim; false when the (scope, key) row already exists. */
export async function tryInsertClaim(
  db: Db,
  claim: {
    scope: string;
    key: string;
    method: string;
    path: string;
    requestHash: string;
    now: Date;
    expiresAt: Date;
  },
): Promise<boolean> {
  const result = await db
    .insertInto("idempotency_keys")
    .values({
      scope: claim.scope,
      key: claim.key,
      method: claim.method,
      path: claim.path,
      request_hash: claim.requestHash,
      state: "in_progress",
      created_at: claim.now.getTime(),
      expires_at: claim.expiresAt.getTime(),
    })
    .onConflict((oc) => oc.columns(["scope", "key"]).doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

export async function findRecord(
  db: Db,
  scope: string,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  const row = await db
    .selectFrom("idempotency_keys")
    .selectAll()
    .where("scope", "=", scope)
    .where("key", "=", key)
    .executeTakeFirst();
  return row && toRecord(row);
}

export async function completeRecord(
  db: Db,
  scope: string,
  key: string,
  response: { status: number; headers: Record<string, string>; body: string },
): Promise<void> {
  await db
    .updateTable("idempotency_keys")
    .set({
      state: "complete",
      response_status: response.status,
      response_headers: JSON.stringify(response.headers),
      response_body: response.body,
    })
    .where("scope", "=", scope)
    .where("key", "=", key)
    .where("state", "=", "in_progress")
    .execute();
}

export async function deleteRecord(db: Db, scope: string, key: string): Promise<void> {
  await db
    .deleteFrom("idempotency_keys")
    .where("scope", "=", scope)
    .where("key", "=", key)
    .execute();
}

export async function deleteExpired(db: Db, now: Date): Promise<number> {
  const result = await db
    .deleteFrom("idempotency_keys")
    .where("expires_at", "<", now.getTime())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Removes one expired record so its key can be claimed afresh. */
export async function deleteIfExpired(
  db: Db,
  scope: string,
  key: string,
  now: Date,
): Promise<void> {
  await db
    .deleteFrom("idempotency_keys")
    .where("scope", "=", scope)
    .where("key", "=", key)
    .where("expires_at", "<", now.getTime())
    .execute();
}
