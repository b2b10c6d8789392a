/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from "kysely";

/**
 * Jobs gain an optional de-duplication key: while one job with a key is queued or running, a
 * second enqueue with the same key is a no-op. A partial unique index (SQLite ≥ 3.8 and
 * PostgreSQL both have them) lets finished jobs keep their key for the record.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("jobs").addColumn("dedupe_key", "text").execute();
  await db.schema
    .createIndex("jobs_dedupe_pending_idx")
    .on("jobs")
    .column("dedupe_key")
    .unique()
    .where(sql.ref("status"), "in", ["queued", "running"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("jobs_dedupe_pending_idx").execute();
  await db.schema.alterTable("jobs").dropColumn("dedupe_key").execute();
}
