/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from "kysely";

import { binaryType } from "./_dialect.js";

/**
 * Cisco IP-phone security (issue 6): CAPF device records (spec §5.2), the TVS trust list (§6),
 * the project's signers (SAST, TFTP, CAPF issuer) and its Cisco settings.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const binary = binaryType(db);

  await db.schema
    .createTable("cisco_devices")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) =>
      c.notNull().references("projects.id").onDelete("cascade"),
    )
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("operation", "text", (c) => c.notNull())
    .addColumn("authentication", "text", (c) => c.notNull())
    .addColumn("password_hash", "text")
    .addColumn("key_type", "text", (c) => c.notNull())
    .addColumn("key_size", "integer")
    .addColumn("curve", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("certificate_der", binary)
    .addColumn("certificate_kind", "text")
    .addColumn("serial_number", "text")
    .addColumn("not_valid_before", "bigint")
    .addColumn("not_valid_after", "bigint")
    .addColumn("config_enc_sgn", binary)
    .addColumn("config_stub_sgn", binary)
    .addColumn("config_updated_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("cisco_devices_project_name_uq", ["project_id", "name"])
    .execute();

  await db.schema
    .createTable("cisco_trust_entries")
    .addColumn("project_id", "text", (c) =>
      c.notNull().references("projects.id").onDelete("cascade"),
    )
    .addColumn("fingerprint", "text", (c) => c.notNull())
    .addColumn("certificate_der", binary, (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("roles", "text", (c) => c.notNull())
    .addColumn("ttl_seconds", "integer", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("cisco_trust_entries_pk", ["project_id", "fingerprint"])
    .execute();

  await db.schema
    .createTable("cisco_signers")
    .addColumn("project_id", "text", (c) =>
      c.notNull().references("projects.id").onDelete("cascade"),
    )
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("certificate_der", binary, (c) => c.notNull())
    .addColumn("key_ref", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("cisco_signers_pk", ["project_id", "purpose"])
    .execute();

  await db.schema
    .createTable("cisco_settings")
    .addColumn("project_id", "text", (c) =>
      c.primaryKey().references("projects.id").onDelete("cascade"),
    )
    .addColumn("capf_issuer_ca_id", "text")
    .addColumn("lsc_validity_days", "integer", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("cisco_settings").execute();
  await db.schema.dropTable("cisco_signers").execute();
  await db.schema.dropTable("cisco_trust_entries").execute();
  await db.schema.dropTable("cisco_devices").execute();
}
