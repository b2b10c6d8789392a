import type { Insertable } from "kysely";

import { dialectOf, type Db } from "../../store/db.js";
import type { CertificatesTable } from "../../store/tables/pki.table.js";

import { searchNamesOf, type CertificateRecord } from "./certificate-record.fns.js";

function buffer(value: Uint8Array): Buffer {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function certificateRow(record: CertificateRecord): Insertable<CertificatesTable> {
  return {
    id: record.id,
    project_id: record.projectId,
    ca_id: record.caId,
    profile_id: record.profileId,
    issuer_type: record.issuerType,
    status: record.status,
    common_name: record.commonName,
    sans: JSON.stringify(record.sans),
    subject_dn: record.subjectDn,
    issuer_dn: record.issuerDn,
    issuer_key_id: record.issuerKeyId,
    serial_number: record.serialNumber,
    fingerprint_sha256: record.fingerprintSha256,
    fingerprint_sha1: record.fingerprintSha1,
    key_type: record.keyType,
    key_size: record.keySize,
    not_before: record.notBefore.getTime(),
    expires_at: record.expiresAt.getTime(),
    certificate_der: buffer(record.certificateDer),
    chain_pem: record.chainPem,
    key_ref: record.keyRef,
    is_key_downloadable: record.isKeyDownloadable ? 1 : 0,
    revoked_at: null,
    revocation_reason: null,
    invalidity_date: null,
    predecessor_id: record.predecessorId,
    created_by: record.createdBy,
    created_at: record.createdAt.getTime(),
    updated_at: record.createdAt.getTime(),
  };
}

/**
 * Writes a certificate and its search names. A serial already used by the same CA violates
 * `certificates_ca_serial_uq` (`isUniqueViolation`); the caller draws a new serial.
 */
export async function insertCertificate(db: Db, record: CertificateRecord): Promise<void> {
  const nameRows = searchNamesOf(record).map((name) => ({
    certificate_id: record.id,
    project_id: record.projectId,
    name,
    created_at: record.createdAt.getTime(),
    expires_at: record.expiresAt.getTime(),
    common_name: record.commonName,
  }));
  if (nameRows.length > 0 && dialectOf(db) === "postgres") {
    // One round trip for both (a data-modifying CTE); the names' foreign key is checked at the
    // end of the statement, when the certificate row exists.
    await db
      .with("certificate", (qb) =>
        qb.insertInto("certificates").values(certificateRow(record)).returning("id"),
      )
      .insertInto("certificate_names")
      .values(nameRows)
      .execute();
    return;
  }
  await db.insertInto("certificates").values(certificateRow(record)).execute();
  if (nameRows.length > 0) await db.insertInto("certificate_names").values(nameRows).execute();
}

/**
 * Whether `predecessorId` already has a successor, checked so that two renewals racing for one
 * certificate cannot both write one. Call inside the transaction that inserts the successor: on
 * PostgreSQL the predecessor's row is locked first (FOR UPDATE), so the second renewal waits for
 * the first to commit and then sees its successor (READ COMMITTED re-reads per statement); on
 * SQLite the audited transaction already holds the database write lock.
 */
export async function hasSuccessor(db: Db, predecessorId: string): Promise<boolean> {
  if (dialectOf(db) === "postgres") {
    await db
      .selectFrom("certificates")
      .select("id")
      .where("id", "=", predecessorId)
      .forUpdate()
      .execute();
  }
  const successor = await db
    .selectFrom("certificates")
    .select("id")
    .where("predecessor_id", "=", predecessorId)
    .limit(1)
    .executeTakeFirst();
  return successor !== undefined;
}
