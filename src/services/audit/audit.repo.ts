import { sql, type ExpressionBuilder, type Insertable, type Selectable } from "kysely";

import type { Database } from "../../store/database.js";
import { dialectOf, type Db } from "../../store/db.js";
import type { AuditEntriesTable } from "../../store/tables/audit.table.js";

import { toAuditRecord } from "./audit-record.fns.js";
import type { AuditEntry, AuditFilter, AuditOrder, ChainHead } from "./audit.types.js";
import { canonicalJson } from "./canonical-json.fns.js";

type EntriesBuilder = ExpressionBuilder<Database, "audit_entries">;

/** An entry with the details text exactly as stored, for verification. */
export interface StoredAuditEntry {
  entry: AuditEntry;
  detailsText: string;
}

function parseDetails(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    // Only a hand-edited row holds invalid JSON; verification reports it as a hash mismatch.
    return {};
  }
}

function toEntry(row: Selectable<AuditEntriesTable>): AuditEntry {
  return {
    sequence: Number(row.sequence),
    id: row.id,
    createdAt: new Date(Number(row.created_at)),
    actorType: row.actor_type,
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    projectId: row.project_id,
    result: row.result,
    errorCode: row.error_code,
    requestId: row.request_id,
    sourceIp: row.source_ip,
    details: parseDetails(row.details),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Claims the next sequence number. The UPDATE locks the single head row until the caller's
 * transaction ends (a row lock on PostgreSQL, the database write lock on SQLite), so every
 * concurrent appender, on any node, waits and then sees the head its predecessor left: under READ
 * COMMITTED PostgreSQL re-reads the updated row before applying a blocked UPDATE.
 */
export async function advanceHead(db: Db): Promise<{ sequence: number; prevHash: string }> {
  const row = await db
    .updateTable("audit_head")
    .set((eb) => ({ last_sequence: eb("last_sequence", "+", 1) }))
    .where("id", "=", 1)
    .returning(["last_sequence", "last_hash"])
    .executeTakeFirstOrThrow();
  return { sequence: Number(row.last_sequence), prevHash: row.last_hash };
}

/**
 * The head, plus the highest stored sequence read in the same statement (one snapshot), so
 * entries inserted behind the head's back are told apart from appends racing the read.
 */
export async function readHead(db: Db): Promise<ChainHead & { maxStoredSequence: number }> {
  const row = await db
    .selectFrom("audit_head")
    .select((eb) => [
      "last_sequence",
      "last_hash",
      eb
        .selectFrom("audit_entries")
        .select((inner) => inner.fn.max("sequence").as("max_sequence"))
        .as("max_sequence"),
    ])
    .where("id", "=", 1)
    .executeTakeFirstOrThrow();
  return {
    sequence: Number(row.last_sequence),
    hash: row.last_hash,
    maxStoredSequence: Number(row.max_sequence ?? 0),
  };
}

/** The stored row: the exported record's fields, with the time as epoch ms and details as text. */
function entryRow(entry: AuditEntry): Insertable<AuditEntriesTable> {
  return {
    ...toAuditRecord(entry),
    created_at: entry.createdAt.getTime(),
    details: canonicalJson(entry.details),
  };
}

/**
 * Stores `entry` and makes its hash the head's. On PostgreSQL both happen in one statement (a
 * data-modifying CTE): the head row stays locked from `advanceHead` to COMMIT, so every round
 * trip saved there is time other appenders, on any node, no longer wait.
 */
export async function insertEntryAsHead(db: Db, entry: AuditEntry): Promise<void> {
  const setHead = { last_hash: entry.hash };
  if (dialectOf(db) === "sqlite") {
    // SQLite's WITH cannot hold an INSERT; the whole transaction holds the write lock anyway.
    await db.insertInto("audit_entries").values(entryRow(entry)).execute();
    await db.updateTable("audit_head").set(setHead).where("id", "=", 1).execute();
    return;
  }
  await db
    .with("entry", (qb) =>
      qb.insertInto("audit_entries").values(entryRow(entry)).returning("sequence"),
    )
    .updateTable("audit_head")
    .set(setHead)
    .where("id", "=", 1)
    .execute();
}

export async function findEntryBySequence(
  db: Db,
  sequence: number,
): Promise<AuditEntry | undefined> {
  const row = await db
    .selectFrom("audit_entries")
    .selectAll()
    .where("sequence", "=", sequence)
    .executeTakeFirst();
  return row && toEntry(row);
}

/** Entries from..to in sequence order, at most `limit`, as stored (verification reads these). */
export async function entriesInRange(
  db: Db,
  fromSequence: number,
  toSequence: number,
  limit: number,
): Promise<StoredAuditEntry[]> {
  const rows = await db
    .selectFrom("audit_entries")
    .selectAll()
    .where("sequence", ">=", fromSequence)
    .where("sequence", "<=", toSequence)
    .orderBy("sequence", "asc")
    .limit(limit)
    .execute();
  return rows.map((row) => ({ entry: toEntry(row), detailsText: row.details }));
}

/** `prefix` itself, or any action under it: `project` → `project`, `project.create`… */
function actionMatches(eb: EntriesBuilder, prefix: string) {
  const under = `${prefix}.`;
  return eb.or([
    eb("action", "=", prefix),
    eb(sql<string>`substr(action, 1, ${sql.lit(under.length)})`, "=", under),
  ]);
}

function filterWhere(
  eb: EntriesBuilder,
  filter: AuditFilter,
  projectScope: readonly string[] | null,
) {
  const conditions = [];
  if (filter.actions?.length) {
    conditions.push(eb.or(filter.actions.map((a) => actionMatches(eb, a))));
  }
  if (filter.actors?.length) {
    conditions.push(
      eb.or([eb("actor_id", "in", filter.actors), eb("actor_name", "in", filter.actors)]),
    );
  }
  if (filter.targetTypes?.length) conditions.push(eb("target_type", "in", filter.targetTypes));
  if (filter.targetId !== undefined) conditions.push(eb("target_id", "=", filter.targetId));
  if (filter.projectIds?.length) conditions.push(eb("project_id", "in", filter.projectIds));
  if (filter.result !== undefined) conditions.push(eb("result", "=", filter.result));
  if (filter.requestId !== undefined) conditions.push(eb("request_id", "=", filter.requestId));
  if (filter.since !== undefined) conditions.push(eb("created_at", ">=", filter.since.getTime()));
  if (filter.until !== undefined) conditions.push(eb("created_at", "<", filter.until.getTime()));
  if (projectScope !== null) {
    // A project-restricted reader sees only its projects' entries (seed 004 §03: no cross-project reads).
    conditions.push(
      projectScope.length === 0
        ? eb(sql.lit(1), "=", sql.lit(0))
        : eb("project_id", "in", projectScope),
    );
  }
  return eb.and(conditions);
}

export interface EntryQuery {
  filter: AuditFilter;
  projectScope: readonly string[] | null;
  order: AuditOrder;
  /** Resume strictly after this sequence (in `order`). */
  afterSequence?: number | undefined;
  /** Never read past this sequence (an export's fixed end). */
  maxSequence?: number | undefined;
  limit: number;
  /** Matching entries to skip first (offset paging for compatibility adapters). */
  offset?: number | undefined;
}

export async function findEntries(db: Db, query: EntryQuery): Promise<AuditEntry[]> {
  let select = db
    .selectFrom("audit_entries")
    .selectAll()
    .where((eb) => filterWhere(eb, query.filter, query.projectScope));
  if (query.afterSequence !== undefined) {
    select = select.where("sequence", query.order === "asc" ? ">" : "<", query.afterSequence);
  }
  if (query.maxSequence !== undefined) select = select.where("sequence", "<=", query.maxSequence);
  select = select.orderBy("sequence", query.order).limit(query.limit);
  if (query.offset) select = select.offset(query.offset);
  const rows = await select.execute();
  return rows.map(toEntry);
}
