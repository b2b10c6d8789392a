import type { Selectable } from "kysely";

import type { Db, Dialect } from "../store/db.js";
import type { JobsTable } from "../store/tables/jobs.table.js";

import type { Job, JobStatus } from "./job.types.js";

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // reported by the worker as a permanent failure of that job
  }
}

function toJob(row: Selectable<JobsTable>): Job {
  return {
    id: row.id,
    type: row.type,
    payload: parsePayload(row.payload),
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: new Date(row.run_at),
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at === null ? null : new Date(row.lease_expires_at),
    lastError: row.last_error,
    scheduleId: row.schedule_id,
    dedupeKey: row.dedupe_key,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
  };
}

export interface NewJobRow {
  id: string;
  type: string;
  payload: string;
  maxAttempts: number;
  runAt: Date;
  dedupeKey: string | null;
  scheduleId: string | null;
  now: Date;
}

/**
 * Inserts a queued job; false when a pending job holds the same dedupe key. ON CONFLICT DO
 * NOTHING (rather than catching the violation) keeps the caller's PostgreSQL transaction usable.
 */
export async function insertJob(db: Db, job: NewJobRow): Promise<boolean> {
  const inserted = await db
    .insertInto("jobs")
    .values({
      id: job.id,
      type: job.type,
      payload: job.payload,
      status: "queued",
      attempts: 0,
      max_attempts: job.maxAttempts,
      run_at: job.runAt.getTime(),
      lease_owner: null,
      lease_expires_at: null,
      last_error: null,
      schedule_id: job.scheduleId,
      dedupe_key: job.dedupeKey,
      created_at: job.now.getTime(),
      updated_at: job.now.getTime(),
      finished_at: null,
    })
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findPendingIdByDedupeKey(db: Db, dedupeKey: string): Promise<string | null> {
  const row = await db
    .selectFrom("jobs")
    .select("id")
    .where("dedupe_key", "=", dedupeKey)
    .where("status", "in", ["queued", "running"])
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function findJobById(db: Db, id: string): Promise<Job | null> {
  const row = await db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toJob(row) : null;
}

/**
 * Claims up to `limit` due jobs for `owner` in one statement: status → running, attempts + 1,
 * lease until `leaseExpiresAt`. On PostgreSQL the inner SELECT locks its rows FOR UPDATE SKIP
 * LOCKED, so concurrent workers take disjoint sets without waiting on each other; SQLite runs
 * one writer at a time, so the UPDATE … WHERE id IN (SELECT …) is atomic as it is.
 */
export async function claimDueJobs(
  db: Db,
  dialect: Dialect,
  claim: { owner: string; now: Date; leaseExpiresAt: Date; limit: number },
): Promise<Job[]> {
  const now = claim.now.getTime();
  let due = db
    .selectFrom("jobs")
    .select("id")
    .where("status", "=", "queued")
    .where("run_at", "<=", now)
    .orderBy("run_at")
    .orderBy("id")
    .limit(claim.limit);
  if (dialect === "postgres") due = due.forUpdate().skipLocked();
  const rows = await db
    .updateTable("jobs")
    .set((eb) => ({
      status: "running",
      attempts: eb("attempts", "+", 1),
      lease_owner: claim.owner,
      lease_expires_at: claim.leaseExpiresAt.getTime(),
      updated_at: now,
    }))
    .where("id", "in", due)
    .returningAll()
    .execute();
  return rows.map(toJob).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * Jobs whose lease ran out (their worker died or hung) go back to the queue, or to `dead` when
 * that was their last attempt. Safe to run from every worker at once: each UPDATE re-checks the
 * status on every row it takes, so a row is reclaimed once.
 */
export async function reclaimExpiredLeases(
  db: Db,
  now: Date,
): Promise<{ requeued: number; dead: number }> {
  const at = now.getTime();
  const expired = () =>
    db
      .updateTable("jobs")
      .where("status", "=", "running")
      .where("lease_expires_at", "<", at)
      .set({ lease_owner: null, lease_expires_at: null, updated_at: at });
  const lastError = (attempt: string) =>
    `lease expired: the worker running ${attempt} stopped or lost the database`;

  const dead = await expired()
    .where("attempts", ">=", (eb) => eb.ref("max_attempts"))
    .set({ status: "dead", finished_at: at, last_error: lastError("the final attempt") })
    .executeTakeFirst();
  const requeued = await expired()
    .set({ status: "queued", run_at: at, last_error: lastError("an attempt") })
    .executeTakeFirst();
  return { requeued: Number(requeued.numUpdatedRows), dead: Number(dead.numUpdatedRows) };
}

/** A claim is (id, owner, attempt): a stale worker can never touch a later claim of the job. */
export interface ClaimRef {
  id: string;
  owner: string;
  attempt: number;
}

function whereClaimed(db: Db, claim: ClaimRef) {
  return db
    .updateTable("jobs")
    .where("id", "=", claim.id)
    .where("status", "=", "running")
    .where("lease_owner", "=", claim.owner)
    .where("attempts", "=", claim.attempt);
}

/** False when the lease was lost (reclaimed by another worker). */
export async function extendLease(db: Db, claim: ClaimRef, until: Date, now: Date) {
  const result = await whereClaimed(db, claim)
    .set({ lease_expires_at: until.getTime(), updated_at: now.getTime() })
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markSucceeded(db: Db, claim: ClaimRef, now: Date): Promise<boolean> {
  const result = await whereClaimed(db, claim)
    .set({
      status: "succeeded",
      lease_owner: null,
      lease_expires_at: null,
      last_error: null,
      finished_at: now.getTime(),
      updated_at: now.getTime(),
    })
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markForRetry(
  db: Db,
  claim: ClaimRef,
  failure: { error: string; runAt: Date; now: Date },
): Promise<boolean> {
  const result = await whereClaimed(db, claim)
    .set({
      status: "queued",
      lease_owner: null,
      lease_expires_at: null,
      last_error: failure.error,
      run_at: failure.runAt.getTime(),
      updated_at: failure.now.getTime(),
    })
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markDead(
  db: Db,
  claim: ClaimRef,
  failure: { error: string; now: Date },
): Promise<boolean> {
  const result = await whereClaimed(db, claim)
    .set({
      status: "dead",
      lease_owner: null,
      lease_expires_at: null,
      last_error: failure.error,
      finished_at: failure.now.getTime(),
      updated_at: failure.now.getTime(),
    })
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function countJobsByStatus(db: Db): Promise<Map<JobStatus, number>> {
  const rows = await db
    .selectFrom("jobs")
    .select((eb) => ["status", eb.fn.countAll<number | string>().as("count")])
    .groupBy("status")
    .execute();
  return new Map(rows.map((r) => [r.status, Number(r.count)]));
}

/** Deletes succeeded jobs finished before `before`; returns how many. */
export async function deleteSucceededBefore(db: Db, before: Date): Promise<number> {
  const result = await db
    .deleteFrom("jobs")
    .where("status", "=", "succeeded")
    .where("finished_at", "<", before.getTime())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
