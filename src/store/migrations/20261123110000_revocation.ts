/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from "kysely";

import { binaryType } from "./_dialect.js";

/**
 * Revocation publication state (issue 5): per CA the latest CRL and a status version, the
 * delegated OCSP responder, and pre-signed OCSP responses shared by every node. The CA and
 * certificate rows themselves (with their revocation columns) live in the PKI migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const binary = binaryType(db);

  // One row per CA. `status_version` grows with every revocation change of any of the CA's
  // certificates; `crl_status_version` is the version the stored CRL reflects, so a CRL job can
  // tell whether it must build again. The CRL number only ever grows (RFC 5280 §5.2.3).
  await db.schema
    .createTable("ca_revocation_states")
    .addColumn("ca_id", "text", (c) => c.primaryKey().references("cas.id").onDelete("cascade"))
    .addColumn("status_version", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("crl_number", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("crl_der", binary)
    .addColumn("crl_this_update", "bigint")
    .addColumn("crl_next_update", "bigint")
    .addColumn("crl_status_version", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  // The CA's current delegated OCSP responder (RFC 6960 §4.2.2.2); replaced on rotation.
  await db.schema
    .createTable("ocsp_responders")
    .addColumn("ca_id", "text", (c) => c.primaryKey().references("cas.id").onDelete("cascade"))
    .addColumn("key_ref", "text", (c) => c.notNull())
    .addColumn("certificate_der", binary, (c) => c.notNull())
    .addColumn("not_before", "bigint", (c) => c.notNull())
    .addColumn("not_after", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  // Pre-signed responses (RFC 5019 §2.2.2 "pre-produced"), one per CertID hash and serial.
  // `status_stamp` is the certificate's revocation state the response reflects and
  // `responder_key_ref` the key that signed it: a row is served only while both still match.
  await db.schema
    .createTable("ocsp_responses")
    .addColumn("ca_id", "text", (c) => c.notNull().references("cas.id").onDelete("cascade"))
    .addColumn("hash_algorithm", "text", (c) => c.notNull())
    .addColumn("serial_number", "text", (c) => c.notNull())
    .addColumn("status_stamp", "text", (c) => c.notNull())
    .addColumn("responder_key_ref", "text", (c) => c.notNull())
    .addColumn("response_der", binary, (c) => c.notNull())
    .addColumn("etag", "text", (c) => c.notNull())
    .addColumn("this_update", "bigint", (c) => c.notNull())
    .addColumn("next_update", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("ocsp_responses_pk", ["ca_id", "serial_number", "hash_algorithm"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("ocsp_responses").execute();
  await db.schema.dropTable("ocsp_responders").execute();
  await db.schema.dropTable("ca_revocation_states").execute();
}
