/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from "kysely";

import { binaryType } from "./_dialect.js";

/**
 * Private CAs, issuance profiles, project policies and the certificate inventory (issue 4).
 * Times are epoch milliseconds (BIGINT), booleans 0/1, JSON is text, DER is BLOB/BYTEA.
 * The certificate indexes serve the inventory's list queries at 10M rows: every sort key is
 * followed by `id`, so keyset pagination on (sort key, id) is an index range scan.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const binary = binaryType(db);

  await db.schema
    .createTable("cas")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) =>
      c.notNull().references("projects.id").onDelete("cascade"),
    )
    .addColumn("name", "text", (c) => c.notNull())
    // root | intermediate | external
    .addColumn("type", "text", (c) => c.notNull())
    // active | disabled | pending_certificate
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("parent_ca_id", "text", (c) => c.references("cas.id"))
    // Null for an external issuer known only by its certificate.
    .addColumn("key_backend", "text")
    .addColumn("key_ref", "text")
    .addColumn("key_type", "text", (c) => c.notNull())
    // Null while an intermediate waits for its certificate; csr_der is what was exported.
    .addColumn("certificate_der", binary)
    .addColumn("csr_der", binary)
    // Issuer chain above this CA (PEM, nearest issuer first); empty for a root.
    .addColumn("chain_pem", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("subject_dn", "text", (c) => c.notNull())
    .addColumn("serial_number", "text")
    // Hex SubjectKeyIdentifier: links issued and imported certificates (their AKI) to this CA.
    .addColumn("subject_key_id", "text")
    .addColumn("not_before", "bigint")
    .addColumn("not_after", "bigint")
    .addColumn("path_length", "integer")
    .addColumn("name_constraints", "text")
    // CRL validity / next-update hours, OCSP settings: JSON owned by the revocation service.
    .addColumn("settings", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("cas_project_name_uq")
    .on("cas")
    .columns(["project_id", "name"])
    .unique()
    .execute();
  await db.schema.createIndex("cas_parent_idx").on("cas").column("parent_ca_id").execute();
  await db.schema.createIndex("cas_subject_key_idx").on("cas").column("subject_key_id").execute();

  await db.schema
    .createTable("profiles")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) =>
      c.notNull().references("projects.id").onDelete("cascade"),
    )
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("ca_id", "text", (c) => c.references("cas.id"))
    // JSON arrays; null means "any".
    .addColumn("allowed_key_types", "text")
    .addColumn("default_key_type", "text")
    .addColumn("validity_days", "integer", (c) => c.notNull())
    .addColumn("max_validity_days", "integer")
    .addColumn("key_usage", "text", (c) => c.notNull())
    .addColumn("extended_key_usage", "text", (c) => c.notNull())
    .addColumn("subject_defaults", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("san_rules", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("renewal_window_days", "integer", (c) => c.notNull())
    .addColumn("is_key_downloadable", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("profiles_project_name_uq")
    .on("profiles")
    .columns(["project_id", "name"])
    .unique()
    .execute();
  await db.schema.createIndex("profiles_ca_idx").on("profiles").column("ca_id").execute();

  await db.schema
    .createTable("project_policies")
    .addColumn("project_id", "text", (c) =>
      c.primaryKey().references("projects.id").onDelete("cascade"),
    )
    // JSON arrays; null means "any".
    .addColumn("allowed_key_types", "text")
    .addColumn("max_validity_days", "integer")
    .addColumn("allowed_domains", "text")
    .addColumn("allow_wildcards", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("require_san", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated_by", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("certificates")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) =>
      c.notNull().references("projects.id").onDelete("cascade"),
    )
    .addColumn("ca_id", "text", (c) => c.references("cas.id"))
    .addColumn("profile_id", "text", (c) => c.references("profiles.id").onDelete("set null"))
    // issued | imported | self_signed | acme | discovered
    .addColumn("issuer_type", "text", (c) => c.notNull())
    // Lifecycle facts only (active | revoked | renewal_failed | superseded); "expired" is
    // computed from expires_at when read, so it is never stale.
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("common_name", "text", (c) => c.notNull().defaultTo(""))
    // JSON array of typed SANs as issued ({type, value}).
    .addColumn("sans", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("subject_dn", "text", (c) => c.notNull())
    .addColumn("issuer_dn", "text", (c) => c.notNull())
    // Hex AuthorityKeyIdentifier, so an imported certificate can be linked to its issuer.
    .addColumn("issuer_key_id", "text")
    // Lower-case hex without leading zero octets (as OpenSSL prints it, minus colons).
    .addColumn("serial_number", "text", (c) => c.notNull())
    .addColumn("fingerprint_sha256", "text", (c) => c.notNull())
    .addColumn("fingerprint_sha1", "text", (c) => c.notNull())
    .addColumn("key_type", "text", (c) => c.notNull())
    .addColumn("key_size", "integer")
    .addColumn("not_before", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("certificate_der", binary, (c) => c.notNull())
    // Issuer chain above the certificate (PEM, nearest issuer first).
    .addColumn("chain_pem", "text", (c) => c.notNull().defaultTo(""))
    // A server-generated key under custody (keys/); null when the requester holds the key.
    .addColumn("key_ref", "text")
    .addColumn("is_key_downloadable", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("revoked_at", "bigint")
    .addColumn("revocation_reason", "text")
    .addColumn("invalidity_date", "bigint")
    .addColumn("predecessor_id", "text", (c) =>
      c.references("certificates.id").onDelete("set null"),
    )
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  // A serial number is never reused by one of our CAs (RFC 5280 §4.1.2.2). NULL ca_id
  // (imported, self-signed) never conflicts, on both dialects.
  await db.schema
    .createIndex("certificates_ca_serial_uq")
    .on("certificates")
    .columns(["ca_id", "serial_number"])
    .unique()
    .execute();
  for (const [name, columns] of [
    ["certificates_project_expires_idx", ["project_id", "expires_at", "id"]],
    ["certificates_project_created_idx", ["project_id", "created_at", "id"]],
    ["certificates_project_cn_idx", ["project_id", "common_name", "id"]],
    ["certificates_project_status_expires_idx", ["project_id", "status", "expires_at", "id"]],
    ["certificates_project_serial_idx", ["project_id", "serial_number"]],
    ["certificates_fp256_idx", ["fingerprint_sha256"]],
    ["certificates_fp1_idx", ["fingerprint_sha1"]],
    ["certificates_issuer_key_serial_idx", ["issuer_key_id", "serial_number"]],
    ["certificates_profile_idx", ["profile_id"]],
    ["certificates_predecessor_idx", ["predecessor_id"]],
    ["certificates_ca_revoked_idx", ["ca_id", "revoked_at"]],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on("certificates")
      .columns([...columns])
      .execute();
  }

  // One row per lower-cased name a certificate carries (CN and every SAN value), so `q`
  // finds a certificate by any of its names with an index range scan instead of a LIKE over
  // a JSON column (exact match and prefix match both use the index).
  await db.schema
    .createTable("certificate_names")
    .addColumn("certificate_id", "text", (c) =>
      c.notNull().references("certificates.id").onDelete("cascade"),
    )
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("certificate_names_pk", ["certificate_id", "name"])
    .execute();
  await db.schema
    .createIndex("certificate_names_lookup_idx")
    .on("certificate_names")
    .columns(["project_id", "name", "certificate_id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "certificate_names",
    "certificates",
    "project_policies",
    "profiles",
    "cas",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
