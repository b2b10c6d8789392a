/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from "kysely";

/**
 * A CRL reads a CA's revoked certificates in batches, keyset by id (docs/revocation.md). Over
 * `(ca_id, revoked_at)` every batch had to find and sort all the CA's revoked rows again
 * (100,000 revoked: 20 batches of a 100,000-row sort on PostgreSQL); this partial index holds
 * only revoked rows, in id order, so each batch is one range read.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("certificates_ca_revoked_id_idx")
    .on("certificates")
    .columns(["ca_id", "id"])
    .where(sql.ref("revoked_at"), "is not", null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("certificates_ca_revoked_id_idx").execute();
}
