/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from "kysely";

import { binaryType } from "./_dialect.js";

export async function up(db: Kysely<any>): Promise<void> {
  const binary = binaryType(db);
  await db.schema
    .createTable("master_key_checks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("check_value", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("software_keys")
    .addColumn("key_ref", "text", (c) => c.primaryKey())
    .addColumn("key_type", "text", (c) => c.notNull())
    .addColumn("label", "text")
    .addColumn("is_exportable", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("public_key_spki", binary, (c) => c.notNull())
    .addColumn("master_key_id", "text", (c) => c.notNull().references("master_key_checks.id"))
    .addColumn("wrapped_data_key", binary, (c) => c.notNull())
    .addColumn("sealed_private_key", binary, (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  // Master key rotation re-wraps data keys one master key at a time.
  await db.schema
    .createIndex("software_keys_master_key_idx")
    .on("software_keys")
    .column("master_key_id")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("software_keys").execute();
  await db.schema.dropTable("master_key_checks").execute();
}
