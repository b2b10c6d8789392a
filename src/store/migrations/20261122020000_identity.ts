/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("username", "text", (c) => c.notNull().unique())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("org_role", "text", (c) => c.notNull())
    .addColumn("is_disabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("must_change_password", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("last_login_at", "bigint")
    .execute();

  await db.schema
    .createTable("project_members")
    .addColumn("project_id", "text", (c) =>
      c.notNull().references("projects.id").onDelete("cascade"),
    )
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("project_members_pk", ["project_id", "user_id"])
    .execute();
  await db.schema
    .createIndex("project_members_user_idx")
    .on("project_members")
    .column("user_id")
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_seen_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("source_ip", "text")
    .addColumn("user_agent", "text")
    .execute();
  await db.schema.createIndex("sessions_user_idx").on("sessions").column("user_id").execute();
  await db.schema.createIndex("sessions_expiry_idx").on("sessions").column("expires_at").execute();

  await db.schema
    .createTable("api_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("key_prefix", "text", (c) => c.notNull())
    .addColumn("secret_hash", "text", (c) => c.notNull().unique())
    .addColumn("permissions", "text", (c) => c.notNull())
    .addColumn("project_ids", "text")
    .addColumn("rate_limit_requests", "integer")
    .addColumn("rate_limit_per", "text")
    .addColumn("ip_allowlist", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("expires_at", "bigint")
    .addColumn("revoked_at", "bigint")
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("last_used_at", "bigint")
    .addColumn("request_count", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("error_count", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable("rate_limit_counters")
    .addColumn("bucket", "text", (c) => c.notNull())
    .addColumn("window_start", "bigint", (c) => c.notNull())
    .addColumn("count", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("rate_limit_counters_pk", ["bucket", "window_start"])
    .execute();
  await db.schema
    .createIndex("rate_limit_counters_window_idx")
    .on("rate_limit_counters")
    .column("window_start")
    .execute();

  await db.schema
    .createTable("setup_state")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("organization_name", "text")
    .addColumn("admin_user_id", "text", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("first_project_id", "text", (c) => c.references("projects.id").onDelete("set null"))
    .addColumn("completed_at", "bigint")
    .execute();
  await db.schema
    .createIndex("setup_state_admin_idx")
    .on("setup_state")
    .column("admin_user_id")
    .execute();
  await db.schema
    .createIndex("setup_state_project_idx")
    .on("setup_state")
    .column("first_project_id")
    .execute();
  await db.insertInto("setup_state").values({ id: 1 }).execute();

  await db.schema
    .createTable("setup_tokens")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "setup_tokens",
    "setup_state",
    "rate_limit_counters",
    "api_keys",
    "sessions",
    "project_members",
    "users",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
