import type { Selectable } from "kysely";

import type { Page } from "../../lib/cursor.js";
import type { Db } from "../../store/db.js";
import { keysetOrder, keysetWhere, toPage, type KeysetSpec } from "../../store/keyset.js";
import type { CiscoTrustEntriesTable } from "../../store/tables/cisco.table.js";

import type { TrustEntry } from "./cisco.types.js";

const BY_FINGERPRINT: KeysetSpec = {
  column: null,
  idColumn: "fingerprint",
  direction: "asc",
  sortTag: "fingerprint:asc",
};

function toEntry(row: Selectable<CiscoTrustEntriesTable>): TrustEntry {
  return {
    projectId: row.project_id,
    fingerprint: row.fingerprint,
    certificateDer: new Uint8Array(row.certificate_der),
    subject: row.subject,
    roles: JSON.parse(row.roles) as TrustEntry["roles"],
    ttlSeconds: row.ttl_seconds,
    description: row.description,
    createdAt: new Date(row.created_at),
  };
}

export async function insertTrustEntry(db: Db, entry: TrustEntry): Promise<void> {
  await db
    .insertInto("cisco_trust_entries")
    .values({
      project_id: entry.projectId,
      fingerprint: entry.fingerprint,
      certificate_der: Buffer.from(entry.certificateDer),
      subject: entry.subject,
      roles: JSON.stringify(entry.roles),
      ttl_seconds: entry.ttlSeconds,
      description: entry.description,
      created_at: entry.createdAt.getTime(),
    })
    .execute();
}

export async function findTrustEntry(
  db: Db,
  projectId: string,
  fingerprint: string,
): Promise<TrustEntry | undefined> {
  const row = await db
    .selectFrom("cisco_trust_entries")
    .selectAll()
    .where("project_id", "=", projectId)
    .where("fingerprint", "=", fingerprint)
    .executeTakeFirst();
  return row && toEntry(row);
}

export async function deleteTrustEntry(
  db: Db,
  projectId: string,
  fingerprint: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom("cisco_trust_entries")
    .where("project_id", "=", projectId)
    .where("fingerprint", "=", fingerprint)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listTrustEntries(
  db: Db,
  projectId: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page<TrustEntry>> {
  let query = db.selectFrom("cisco_trust_entries").selectAll().where("project_id", "=", projectId);
  const after = keysetWhere(BY_FINGERPRINT, cursor);
  if (after) query = query.where(after);
  for (const { direction } of keysetOrder(BY_FINGERPRINT)) {
    query = query.orderBy("fingerprint", direction);
  }
  const rows = await query.limit(limit + 1).execute();
  return toPage(rows, limit, BY_FINGERPRINT, (r) => ({ key: null, id: r.fingerprint }), toEntry);
}

/** Every entry of the project (bounded by the caller's use: ITL files hold at most ~39). */
export async function allTrustEntries(db: Db, projectId: string): Promise<TrustEntry[]> {
  const rows = await db
    .selectFrom("cisco_trust_entries")
    .selectAll()
    .where("project_id", "=", projectId)
    .orderBy("created_at")
    .orderBy("fingerprint")
    .execute();
  return rows.map(toEntry);
}

export async function countTrustEntries(db: Db, projectId: string): Promise<number> {
  const row = await db
    .selectFrom("cisco_trust_entries")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("project_id", "=", projectId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listTrustEntriesByOffset(
  db: Db,
  projectId: string,
  limit: number,
  offset: number,
): Promise<TrustEntry[]> {
  const rows = await db
    .selectFrom("cisco_trust_entries")
    .selectAll()
    .where("project_id", "=", projectId)
    .orderBy("fingerprint")
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map(toEntry);
}
