/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from "kysely";

import { binaryType } from "./_dialect.js";

/** CSC remote signing (issue 7): credentials, service tokens, SADs, the service configuration. */
export async function up(db: Kysely<any>): Promise<void> {
  const binary = binaryType(db);
  await db.schema
    .createTable("csc_credentials")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("credential_id", "text", (c) => c.notNull().unique())
    .addColumn("project_id", "text", (c) =>
      c.notNull().references("projects.id").onDelete("cascade"),
    )
    .addColumn("owner_user_id", "text", (c) =>
      c.notNull().references("users.id").onDelete("cascade"),
    )
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("key_ref", "text", (c) => c.notNull())
    .addColumn("key_type", "text", (c) => c.notNull())
    .addColumn("certificate_der", binary)
    .addColumn("chain", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("not_after", "bigint")
    .addColumn("ca_id", "text")
    .addColumn("auth_mode", "text", (c) => c.notNull())
    .addColumn("pin_hash", "text")
    .addColumn("pin_failed_attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("pin_locked_at", "bigint")
    .addColumn("allowed_algorithms", "text", (c) => c.notNull())
    .addColumn("multisign", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("scal", "text", (c) => c.notNull().defaultTo("1"))
    .addColumn("is_enabled", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("csc_credentials_project_idx")
    .on("csc_credentials")
    .columns(["project_id", "id"])
    .execute();
  await db.schema
    .createIndex("csc_credentials_owner_idx")
    .on("csc_credentials")
    .column("owner_user_id")
    .execute();
  await db.schema
    .createIndex("csc_credentials_ca_idx")
    .on("csc_credentials")
    .column("ca_id")
    .execute();

  await db.schema
    .createTable("csc_tokens")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("grant_id", "text", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("revoked_at", "bigint")
    .execute();
  await db.schema.createIndex("csc_tokens_grant_idx").on("csc_tokens").column("grant_id").execute();
  await db.schema.createIndex("csc_tokens_user_idx").on("csc_tokens").column("user_id").execute();
  await db.schema
    .createIndex("csc_tokens_expiry_idx")
    .on("csc_tokens")
    .column("expires_at")
    .execute();

  await db.schema
    .createTable("csc_sads")
    .addColumn("sad_hash", "text", (c) => c.primaryKey())
    .addColumn("transaction_id", "text", (c) => c.notNull().unique())
    .addColumn("credential_pk", "text", (c) =>
      c.notNull().references("csc_credentials.id").onDelete("cascade"),
    )
    .addColumn("caller", "text", (c) => c.notNull())
    .addColumn("remaining_signatures", "integer", (c) => c.notNull())
    .addColumn("hash_algorithm_oid", "text")
    .addColumn("hashes", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("csc_sads_credential_idx")
    .on("csc_sads")
    .column("credential_pk")
    .execute();
  await db.schema.createIndex("csc_sads_expiry_idx").on("csc_sads").column("expires_at").execute();

  await db.schema
    .createTable("csc_config")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("region", "text", (c) => c.notNull())
    .addColumn("lang", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("auth_types", "text", (c) => c.notNull())
    .addColumn("logo", binary)
    .addColumn("logo_content_type", "text")
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db
    .insertInto("csc_config")
    .values({
      id: 1,
      name: "Certsmith",
      region: "ZZ",
      lang: "en-US",
      description: "Remote signing with keys managed in Certsmith",
      auth_types: JSON.stringify(["basic"]),
      updated_at: 0,
    })
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["csc_config", "csc_sads", "csc_tokens", "csc_credentials"]) {
    await db.schema.dropTable(table).execute();
  }
}
