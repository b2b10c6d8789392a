import { sql, type Selectable, type SqlBool } from "kysely";

import type { Page } from "../../lib/cursor.js";
import type { Db } from "../../store/db.js";
import { keysetOrder, keysetWhere, toPage, type KeysetSpec } from "../../store/keyset.js";
import type { ApiKeysTable } from "../../store/tables/identity.table.js";

import type { ApiKey, ApiKeyFilters, ApiKeySummary } from "./api-keys.types.js";
import type { Grant } from "./permissions.js";

const BY_ID: KeysetSpec = { column: null, idColumn: "id", direction: "asc", sortTag: "id:asc" };

export interface ApiKeyRow extends ApiKey {
  secretHash: string;
}

function toApiKey(row: Selectable<ApiKeysTable>): ApiKeyRow {
  const date = (v: number | null) => (v === null ? null : new Date(Number(v)));
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    prefix: row.key_prefix,
    permissions: JSON.parse(row.permissions) as Grant[],
    projectIds: row.project_ids === null ? null : (JSON.parse(row.project_ids) as string[]),
    rateLimit:
      row.rate_limit_requests === null || row.rate_limit_per === null
        ? null
        : { requests: Number(row.rate_limit_requests), per: row.rate_limit_per },
    ipAllowlist: JSON.parse(row.ip_allowlist) as string[],
    expiresAt: date(row.expires_at),
    revokedAt: date(row.revoked_at),
    createdBy: row.created_by,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
    lastUsedAt: date(row.last_used_at),
    requestCount: Number(row.request_count),
    errorCount: Number(row.error_count),
    secretHash: row.secret_hash,
  };
}

export function withoutSecret(row: ApiKeyRow): ApiKey {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { secretHash, ...apiKey } = row;
  return apiKey;
}

function columnsOf(key: Partial<ApiKeyRow>) {
  return {
    ...(key.name === undefined ? {} : { name: key.name }),
    ...(key.description === undefined ? {} : { description: key.description }),
    ...(key.permissions === undefined ? {} : { permissions: JSON.stringify(key.permissions) }),
    ...(key.projectIds === undefined
      ? {}
      : { project_ids: key.projectIds === null ? null : JSON.stringify(key.projectIds) }),
    ...(key.rateLimit === undefined
      ? {}
      : {
          rate_limit_requests: key.rateLimit?.requests ?? null,
          rate_limit_per: key.rateLimit?.per ?? null,
        }),
    ...(key.ipAllowlist === undefined ? {} : { ip_allowlist: JSON.stringify(key.ipAllowlist) }),
    ...(key.updatedAt === undefined ? {} : { updated_at: key.updatedAt.getTime() }),
  };
}

export async function insertApiKey(db: Db, key: ApiKeyRow): Promise<void> {
  await db
    .insertInto("api_keys")
    .values({
      id: key.id,
      name: key.name,
      description: key.description,
      key_prefix: key.prefix,
      secret_hash: key.secretHash,
      permissions: JSON.stringify(key.permissions),
      project_ids: key.projectIds === null ? null : JSON.stringify(key.projectIds),
      rate_limit_requests: key.rateLimit?.requests ?? null,
      rate_limit_per: key.rateLimit?.per ?? null,
      ip_allowlist: JSON.stringify(key.ipAllowlist),
      expires_at: key.expiresAt?.getTime() ?? null,
      revoked_at: null,
      created_by: key.createdBy,
      created_at: key.createdAt.getTime(),
      updated_at: key.updatedAt.getTime(),
      last_used_at: null,
      request_count: 0,
      error_count: 0,
    })
    .execute();
}

export async function findApiKeyById(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  const row = await db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirst();
  return row && toApiKey(row);
}

export async function findApiKeyBySecretHash(
  db: Db,
  secretHash: string,
): Promise<ApiKeyRow | undefined> {
  const row = await db
    .selectFrom("api_keys")
    .selectAll()
    .where("secret_hash", "=", secretHash)
    .executeTakeFirst();
  return row && toApiKey(row);
}

export async function listApiKeys(
  db: Db,
  filters: ApiKeyFilters & { createdBy?: string | undefined; now: number },
  limit: number,
  cursor: string | undefined,
): Promise<Page<ApiKey>> {
  let query = db.selectFrom("api_keys").selectAll();
  if (filters.createdBy !== undefined) query = query.where("created_by", "=", filters.createdBy);
  if (filters.q !== undefined && filters.q !== "") {
    const like = `%${filters.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // ESCAPE is spelled out: SQLite has no default escape character for LIKE.
    query = query.where(
      sql<SqlBool>`(lower(name) like ${like} escape '\\' or lower(description) like ${like} escape '\\' or key_prefix like ${like} escape '\\')`,
    );
  }
  if (filters.status === "revoked") query = query.where("revoked_at", "is not", null);
  if (filters.status === "expired") {
    query = query.where("revoked_at", "is", null).where("expires_at", "<=", filters.now);
  }
  if (filters.status === "active") {
    query = query
      .where("revoked_at", "is", null)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", filters.now)]));
  }
  if (filters.permission !== undefined) {
    const permission = filters.permission;
    query = query.where((eb) =>
      eb.or([eb("permissions", "like", `%"${permission}"%`), eb("permissions", "like", `%"*"%`)]),
    );
  }
  if (filters.usedSince !== undefined) {
    query = query.where("last_used_at", ">=", filters.usedSince.getTime());
  }
  if (filters.neverUsed === true) query = query.where("last_used_at", "is", null);
  const after = keysetWhere(BY_ID, cursor);
  if (after) query = query.where(after);
  for (const { column, direction } of keysetOrder(BY_ID)) {
    query = query.orderBy(column as "id", direction);
  }
  const rows = await query.limit(limit + 1).execute();
  return toPage(
    rows,
    limit,
    BY_ID,
    (r) => ({ key: null, id: r.id }),
    (r) => withoutSecret(toApiKey(r)),
  );
}

export async function summarizeApiKeys(
  db: Db,
  now: number,
  createdBy: string | undefined,
): Promise<ApiKeySummary> {
  let query = db.selectFrom("api_keys").select((eb) => [
    eb.fn.coalesce(eb.fn.sum<number>("request_count"), eb.lit(0)).as("requests"),
    eb.fn.coalesce(eb.fn.sum<number>("error_count"), eb.lit(0)).as("errors"),
    eb.fn
      .sum<number>(
        eb
          .case()
          .when(
            eb.and([
              eb("revoked_at", "is", null),
              eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]),
            ]),
          )
          .then(1)
          .else(0)
          .end(),
      )
      .as("active"),
  ]);
  if (createdBy !== undefined) query = query.where("created_by", "=", createdBy);
  const row = await query.executeTakeFirstOrThrow();
  const requests = Number(row.requests);
  const errors = Number(row.errors);
  return {
    totalRequests: requests,
    activeKeys: Number(row.active ?? 0),
    errorRate: requests === 0 ? 0 : errors / requests,
  };
}

export async function updateApiKey(
  db: Db,
  id: string,
  changes: Partial<ApiKeyRow> & { updatedAt: Date },
): Promise<ApiKeyRow | undefined> {
  const row = await db
    .updateTable("api_keys")
    .set({
      ...columnsOf(changes),
      ...(changes.secretHash === undefined ? {} : { secret_hash: changes.secretHash }),
      ...(changes.prefix === undefined ? {} : { key_prefix: changes.prefix }),
      ...(changes.revokedAt === undefined
        ? {}
        : { revoked_at: changes.revokedAt?.getTime() ?? null }),
    })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  return row && toApiKey(row);
}

export async function deleteApiKey(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom("api_keys").where("id", "=", id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Adds aggregated usage (flushed about once a second, not per request). */
export async function addUsage(
  db: Db,
  id: string,
  usage: { requests: number; errors: number; lastUsedAt: number },
): Promise<void> {
  await db
    .updateTable("api_keys")
    .set((eb) => ({
      request_count: eb("request_count", "+", usage.requests),
      error_count: eb("error_count", "+", usage.errors),
      last_used_at: usage.lastUsedAt,
    }))
    .where("id", "=", id)
    .execute();
}
