import type { Selectable } from "kysely";

import { isRevocationReason, type RevocationReason } from "../../pki/revocation/index.js";
import type { Db } from "../../store/db.js";
import type { CasTable } from "../../store/tables/pki.table.js";

import { parseRevocationSettings } from "./revocation-settings.fns.js";
import type {
  CertificateRevocation,
  OcspResponderRecord,
  RevocationCa,
  RevocationState,
  SerialStatus,
  StoredOcspResponse,
} from "./revocation.types.js";

/*
 * Queries of the revocation domain. It owns the revocation columns of `certificates` and its own
 * tables (`ca_revocation_states`, `ocsp_responders`, `ocsp_responses`); `cas` is only read.
 */

function toReason(value: string | null): RevocationReason | null {
  return value !== null && isRevocationReason(value) ? value : null;
}

function dateOrNull(ms: number | null): Date | null {
  return ms === null ? null : new Date(Number(ms));
}

function toCa(row: Selectable<CasTable>): RevocationCa {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    status: row.status,
    keyRef: row.key_ref,
    certificateDer: row.certificate_der && new Uint8Array(row.certificate_der),
    chainPem: row.chain_pem,
    notAfter: dateOrNull(row.not_after),
    settings: parseRevocationSettings(row.settings),
  };
}

export async function findCa(db: Db, caId: string): Promise<RevocationCa | undefined> {
  const row = await db.selectFrom("cas").selectAll().where("id", "=", caId).executeTakeFirst();
  return row && toCa(row);
}

/** CAs that can publish (a key here and a certificate), for the scheduled refresh. */
export async function listPublishingCaIds(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom("cas")
    .select("id")
    .where("key_ref", "is not", null)
    .where("certificate_der", "is not", null)
    .orderBy("id")
    .execute();
  return rows.map((r) => r.id);
}

const CERTIFICATE_COLUMNS = [
  "id",
  "project_id",
  "ca_id",
  "serial_number",
  "status",
  "revoked_at",
  "revocation_reason",
  "invalidity_date",
  "certificate_der",
] as const;

type CertificateRow = {
  id: string;
  project_id: string;
  ca_id: string | null;
  serial_number: string;
  status: string;
  revoked_at: number | null;
  revocation_reason: string | null;
  invalidity_date: number | null;
  certificate_der: Buffer;
};

function toCertificate(row: CertificateRow): CertificateRevocation {
  return {
    id: row.id,
    projectId: row.project_id,
    caId: row.ca_id,
    serialNumber: row.serial_number,
    status: row.status,
    revokedAt: dateOrNull(row.revoked_at),
    reason: toReason(row.revocation_reason),
    invalidityDate: dateOrNull(row.invalidity_date),
    certificateDer: new Uint8Array(row.certificate_der),
  };
}

/** A certificate of the project by id, or by serial (any of its spellings) among issued ones. */
export async function findProjectCertificate(
  db: Db,
  projectId: string,
  by: { id: string } | { serials: string[] },
): Promise<CertificateRevocation | undefined> {
  let query = db
    .selectFrom("certificates")
    .select(CERTIFICATE_COLUMNS)
    .where("project_id", "=", projectId);
  query =
    "id" in by
      ? query.where("id", "=", by.id)
      : query.where("serial_number", "in", by.serials).where("ca_id", "is not", null);
  const row = await query.orderBy("id").executeTakeFirst();
  return row && toCertificate(row);
}

/** Whether a later certificate renewed this one (then a lifted hold leaves it superseded). */
export async function hasSuccessor(db: Db, certificateId: string): Promise<boolean> {
  const row = await db
    .selectFrom("certificates")
    .select("id")
    .where("predecessor_id", "=", certificateId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Revokes unless already revoked; false when another request got there first. */
export async function markRevoked(
  db: Db,
  certificateId: string,
  change: { revokedAt: Date; reason: RevocationReason; invalidityDate: Date | null },
): Promise<boolean> {
  const result = await db
    .updateTable("certificates")
    .set({
      status: "revoked",
      revoked_at: change.revokedAt.getTime(),
      revocation_reason: change.reason,
      invalidity_date: change.invalidityDate?.getTime() ?? null,
      updated_at: change.revokedAt.getTime(),
    })
    .where("id", "=", certificateId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Lifts a certificateHold (RFC 5280 §5.3.1); false when it is not on hold any more. */
export async function liftHold(
  db: Db,
  certificateId: string,
  status: "active" | "superseded",
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable("certificates")
    .set({
      status,
      revoked_at: null,
      revocation_reason: null,
      invalidity_date: null,
      updated_at: now.getTime(),
    })
    .where("id", "=", certificateId)
    .where("revocation_reason", "=", "certificateHold")
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * The status of each serial (canonical hex → every stored spelling) among the CA's
 * certificates; serials the CA never issued are absent from the result.
 */
export async function findSerialStatuses(
  db: Db,
  caId: string,
  spellings: readonly string[],
): Promise<Map<string, SerialStatus>> {
  const out = new Map<string, SerialStatus>();
  if (spellings.length === 0) return out;
  const rows = await db
    .selectFrom("certificates")
    .select(["serial_number", "revoked_at", "revocation_reason", "invalidity_date"])
    .where("ca_id", "=", caId)
    .where("serial_number", "in", [...spellings])
    .execute();
  for (const row of rows) {
    out.set(row.serial_number, {
      serialNumber: row.serial_number,
      revokedAt: dateOrNull(row.revoked_at),
      reason: toReason(row.revocation_reason),
      invalidityDate: dateOrNull(row.invalidity_date),
    });
  }
  return out;
}

/** The CA's revoked certificates after `afterId`, by id: a CRL streams them in batches. */
export async function revokedBatch(
  db: Db,
  caId: string,
  afterId: string | null,
  limit: number,
): Promise<(SerialStatus & { id: string })[]> {
  let query = db
    .selectFrom("certificates")
    .select(["id", "serial_number", "revoked_at", "revocation_reason", "invalidity_date"])
    .where("ca_id", "=", caId)
    .where("revoked_at", "is not", null);
  if (afterId !== null) query = query.where("id", ">", afterId);
  const rows = await query.orderBy("id").limit(limit).execute();
  return rows.map((row) => ({
    id: row.id,
    serialNumber: row.serial_number,
    revokedAt: dateOrNull(row.revoked_at),
    reason: toReason(row.revocation_reason),
    invalidityDate: dateOrNull(row.invalidity_date),
  }));
}

// --- ca_revocation_states ---

export async function ensureState(db: Db, caId: string, now: Date): Promise<void> {
  await db
    .insertInto("ca_revocation_states")
    .values({ ca_id: caId, created_at: now.getTime(), updated_at: now.getTime() })
    .onConflict((oc) => oc.column("ca_id").doNothing())
    .execute();
}

export async function findState(db: Db, caId: string): Promise<RevocationState | undefined> {
  const row = await db
    .selectFrom("ca_revocation_states")
    .select([
      "ca_id",
      "status_version",
      "crl_number",
      "crl_this_update",
      "crl_next_update",
      "crl_status_version",
    ])
    .where("ca_id", "=", caId)
    .executeTakeFirst();
  return (
    row && {
      caId: row.ca_id,
      statusVersion: Number(row.status_version),
      crlNumber: Number(row.crl_number),
      crlThisUpdate: dateOrNull(row.crl_this_update),
      crlNextUpdate: dateOrNull(row.crl_next_update),
      crlStatusVersion: Number(row.crl_status_version),
    }
  );
}

/** The stored CRL with its bytes, as one consistent row. */
export async function findCrl(
  db: Db,
  caId: string,
): Promise<{ der: Uint8Array; crlNumber: number; thisUpdate: Date; nextUpdate: Date } | undefined> {
  const row = await db
    .selectFrom("ca_revocation_states")
    .select(["crl_der", "crl_number", "crl_this_update", "crl_next_update"])
    .where("ca_id", "=", caId)
    .executeTakeFirst();
  if (!row?.crl_der || row.crl_this_update === null || row.crl_next_update === null) {
    return undefined;
  }
  return {
    der: new Uint8Array(row.crl_der),
    crlNumber: Number(row.crl_number),
    thisUpdate: new Date(Number(row.crl_this_update)),
    nextUpdate: new Date(Number(row.crl_next_update)),
  };
}

/** The CA's status version alone: what OCSP polls to notice another node's revocation. */
export async function findStatusVersion(db: Db, caId: string): Promise<number> {
  const row = await db
    .selectFrom("ca_revocation_states")
    .select("status_version")
    .where("ca_id", "=", caId)
    .executeTakeFirst();
  return row ? Number(row.status_version) : 0;
}

export async function bumpStatusVersion(db: Db, caId: string, now: Date): Promise<void> {
  await ensureState(db, caId, now);
  await db
    .updateTable("ca_revocation_states")
    .set((eb) => ({
      status_version: eb("status_version", "+", 1),
      updated_at: now.getTime(),
    }))
    .where("ca_id", "=", caId)
    .execute();
}

/**
 * Stores a new CRL if nobody published one since `previousNumber` was read (optimistic: the
 * CRL number only ever grows, RFC 5280 §5.2.3). False when another node won.
 */
export async function saveCrl(
  db: Db,
  caId: string,
  previousNumber: number,
  crl: { number: number; der: Uint8Array; thisUpdate: Date; nextUpdate: Date; version: number },
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable("ca_revocation_states")
    .set({
      crl_number: crl.number,
      crl_der: Buffer.from(crl.der),
      crl_this_update: crl.thisUpdate.getTime(),
      crl_next_update: crl.nextUpdate.getTime(),
      crl_status_version: crl.version,
      updated_at: now.getTime(),
    })
    .where("ca_id", "=", caId)
    .where("crl_number", "=", previousNumber)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

// --- ocsp_responders ---

export async function findResponder(
  db: Db,
  caId: string,
): Promise<OcspResponderRecord | undefined> {
  const row = await db
    .selectFrom("ocsp_responders")
    .selectAll()
    .where("ca_id", "=", caId)
    .executeTakeFirst();
  return (
    row && {
      caId: row.ca_id,
      keyRef: row.key_ref,
      certificateDer: new Uint8Array(row.certificate_der),
      notBefore: new Date(Number(row.not_before)),
      notAfter: new Date(Number(row.not_after)),
    }
  );
}

/**
 * Installs a responder in place of `previousKeyRef` (null: where none exists yet). False when
 * another node installed one first; the caller then discards its own key.
 */
export async function installResponder(
  db: Db,
  responder: OcspResponderRecord,
  previousKeyRef: string | null,
  now: Date,
): Promise<boolean> {
  const values = {
    key_ref: responder.keyRef,
    certificate_der: Buffer.from(responder.certificateDer),
    not_before: responder.notBefore.getTime(),
    not_after: responder.notAfter.getTime(),
    created_at: now.getTime(),
  };
  if (previousKeyRef === null) {
    const result = await db
      .insertInto("ocsp_responders")
      .values({ ca_id: responder.caId, ...values })
      .onConflict((oc) => oc.column("ca_id").doNothing())
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }
  const result = await db
    .updateTable("ocsp_responders")
    .set(values)
    .where("ca_id", "=", responder.caId)
    .where("key_ref", "=", previousKeyRef)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

// --- ocsp_responses ---

export async function findStoredResponse(
  db: Db,
  caId: string,
  hashAlgorithm: string,
  serialNumber: string,
): Promise<StoredOcspResponse | undefined> {
  const row = await db
    .selectFrom("ocsp_responses")
    .selectAll()
    .where("ca_id", "=", caId)
    .where("serial_number", "=", serialNumber)
    .where("hash_algorithm", "=", hashAlgorithm)
    .executeTakeFirst();
  return (
    row && {
      caId: row.ca_id,
      hashAlgorithm: row.hash_algorithm === "SHA-256" ? "SHA-256" : "SHA-1",
      serialNumber: row.serial_number,
      statusStamp: row.status_stamp,
      responderKeyRef: row.responder_key_ref,
      der: new Uint8Array(row.response_der),
      etag: row.etag,
      thisUpdate: new Date(Number(row.this_update)),
      nextUpdate: new Date(Number(row.next_update)),
    }
  );
}

/**
 * Stores a pre-signed response. Without `replace` an existing row wins (false is returned), so
 * two nodes that signed at once both end up serving the first one stored.
 */
export async function storeResponse(
  db: Db,
  response: StoredOcspResponse,
  replace: boolean,
): Promise<boolean> {
  const values = {
    status_stamp: response.statusStamp,
    responder_key_ref: response.responderKeyRef,
    response_der: Buffer.from(response.der),
    etag: response.etag,
    this_update: response.thisUpdate.getTime(),
    next_update: response.nextUpdate.getTime(),
  };
  const result = await db
    .insertInto("ocsp_responses")
    .values({
      ca_id: response.caId,
      hash_algorithm: response.hashAlgorithm,
      serial_number: response.serialNumber,
      ...values,
    })
    .onConflict((oc) => {
      const target = oc.columns(["ca_id", "serial_number", "hash_algorithm"]);
      return replace ? target.doUpdateSet(values) : target.doNothing();
    })
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

/** Drops the pre-signed responses of one serial: its status just changed. */
export async function deleteStoredResponses(
  db: Db,
  caId: string,
  serialNumber: string,
): Promise<void> {
  await db
    .deleteFrom("ocsp_responses")
    .where("ca_id", "=", caId)
    .where("serial_number", "=", serialNumber)
    .execute();
}
