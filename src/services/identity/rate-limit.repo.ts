import { sql } from "kysely";

import type { Db } from "../../store/db.js";

/**
 * Adds one hit to a fixed-window counter and returns the new count, in one statement so that
 * concurrent requests on several nodes never lose an increment (INSERT … ON CONFLICT DO UPDATE
 * … RETURNING works on SQLite ≥ 3.35 and PostgreSQL alike).
 */
export async function incrementCounter(
  db: Db,
  bucket: string,
  windowStart: number,
): Promise<number> {
  const row = await db
    .insertInto("rate_limit_counters")
    .values({ bucket, window_start: windowStart, count: 1 })
    .onConflict((oc) =>
      oc
        .columns(["bucket", "window_start"])
        .doUpdateSet({ count: sql<number>`rate_limit_counters.count + 1` }),
    )
    .returning("count")
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function readCounter(db: Db, bucket: string, windowStart: number): Promise<number> {
  const row = await db
    .selectFrom("rate_limit_counters")
    .select("count")
    .where("bucket", "=", bucket)
    .where("window_start", "=", windowStart)
    .executeTakeFirst();
  return row ? Number(row.count) : 0;
}

export async function deleteCountersBefore(db: Db, windowStart: number): Promise<number> {
  const result = await db
    .deleteFrom("rate_limit_counters")
    .where("window_start", "<", windowStart)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
