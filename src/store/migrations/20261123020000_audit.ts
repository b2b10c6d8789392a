/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("audit_entries")
    .addColumn("sequence", "bigint", (c) => c.primaryKey())
    .addColumn("id", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("actor_type", "text", (c) => c.notNull())
    .addColumn("actor_id", "text", (c) => c.notNull())
    .addColumn("actor_name", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_type", "text", (c) => c.notNull())
    .addColumn("target_id", "text")
    .addColumn("project_id", "text")
    .addColumn("result", "text", (c) => c.notNull())
    .addColumn("error_code", "text")
    .addColumn("request_id", "text")
    .addColumn("source_ip", "text")
    .addColumn("details", "text", (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();
  // One index per filter of GET /api/v1/audit-logs.
  for (const [name, columns] of [
    ["audit_entries_created_idx", ["created_at"]],
    ["audit_entries_action_idx", ["action"]],
    ["audit_entries_actor_idx", ["actor_id"]],
    ["audit_entries_target_idx", ["target_type", "target_id"]],
    ["audit_entries_project_idx", ["project_id"]],
    ["audit_entries_request_idx", ["request_id"]],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on("audit_entries")
      .columns([...columns])
      .execute();
  }

  await db.schema
    .createTable("audit_head")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("last_sequence", "bigint", (c) => c.notNull())
    .addColumn("last_hash", "text", (c) => c.notNull())
    .execute();
  await db
    .insertInto("audit_head")
    .values({ id: 1, last_sequence: 0, last_hash: "0".repeat(64) })
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("audit_head").execute();
  await db.schema.dropTable("audit_entries").execute();
}
