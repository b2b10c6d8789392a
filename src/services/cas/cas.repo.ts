import type { Selectable } from "kysely";

import type { KeyBackendName } from "../../keys/key-store.js";
import type { Page } from "../../lib/cursor.js";
import type { NameConstraints } from "../../pki/extensions.js";
import type { Db } from "../../store/db.js";
import { keysetOrder, keysetWhere, toPage, type KeysetSpec } from "../../store/keyset.js";
import type { CasTable } from "../../store/tables/pki.table.js";

import type { Ca, CaStatus } from "./cas.types.js";

const BY_ID: KeysetSpec = { column: null, idColumn: "id", direction: "asc", sortTag: "id:asc" };

function bytes(value: Buffer | null): Uint8Array | null {
  return value === null ? null : new Uint8Array(value);
}

function toCa(row: Selectable<CasTable>): Ca {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    type: row.type,
    status: row.status,
    parentCaId: row.parent_ca_id,
    keyBackend: row.key_backend as KeyBackendName | null,
    keyRef: row.key_ref,
    keyType: row.key_type,
    certificateDer: bytes(row.certificate_der),
    csrDer: bytes(row.csr_der),
    chainPem: row.chain_pem,
    subjectDn: row.subject_dn,
    serialNumber: row.serial_number,
    subjectKeyId: row.subject_key_id,
    notBefore: row.not_before === null ? null : new Date(row.not_before),
    notAfter: row.not_after === null ? null : new Date(row.not_after),
    pathLength: row.path_length,
    nameConstraints:
      row.name_constraints === null ? null : (JSON.parse(row.name_constraints) as NameConstraints),
    settings: JSON.parse(row.settings) as Record<string, unknown>,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

function buffer(value: Uint8Array | null): Buffer | null {
  return value === null ? null : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

export async function insertCa(db: Db, ca: Ca): Promise<void> {
  await db
    .insertInto("cas")
    .values({
      id: ca.id,
      project_id: ca.projectId,
      name: ca.name,
      type: ca.type,
      status: ca.status,
      parent_ca_id: ca.parentCaId,
      key_backend: ca.keyBackend,
      key_ref: ca.keyRef,
      key_type: ca.keyType,
      certificate_der: buffer(ca.certificateDer),
      csr_der: buffer(ca.csrDer),
      chain_pem: ca.chainPem,
      subject_dn: ca.subjectDn,
      serial_number: ca.serialNumber,
      subject_key_id: ca.subjectKeyId,
      not_before: ca.notBefore?.getTime() ?? null,
      not_after: ca.notAfter?.getTime() ?? null,
      path_length: ca.pathLength,
      name_constraints: ca.nameConstraints === null ? null : JSON.stringify(ca.nameConstraints),
      settings: JSON.stringify(ca.settings),
      created_by: ca.createdBy,
      created_at: ca.createdAt.getTime(),
      updated_at: ca.updatedAt.getTime(),
    })
    .execute();
}

/** A CA of `projectId` (another project's CA is "not found"). */
export async function findCa(db: Db, projectId: string, id: string): Promise<Ca | undefined> {
  const row = await db
    .selectFrom("cas")
    .selectAll()
    .where("id", "=", id)
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  return row && toCa(row);
}

/** A CA by id alone, for public surfaces (CRL, OCSP, CA certificate) that carry no project. */
export async function findCaById(db: Db, id: string): Promise<Ca | undefined> {
  const row = await db.selectFrom("cas").selectAll().where("id", "=", id).executeTakeFirst();
  return row && toCa(row);
}

export async function caNameTaken(db: Db, projectId: string, name: string): Promise<boolean> {
  const row = await db
    .selectFrom("cas")
    .select("id")
    .where("project_id", "=", projectId)
    .where("name", "=", name)
    .executeTakeFirst();
  return row !== undefined;
}

export async function listCas(
  db: Db,
  projectId: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page<Ca>> {
  let query = db.selectFrom("cas").selectAll().where("project_id", "=", projectId);
  const after = keysetWhere(BY_ID, cursor);
  if (after) query = query.where(after);
  for (const { column, direction } of keysetOrder(BY_ID)) {
    query = query.orderBy(column as "id", direction);
  }
  const rows = await query.limit(limit + 1).execute();
  return toPage(rows, limit, BY_ID, (r) => ({ key: null, id: r.id }), toCa);
}

export async function updateCa(
  db: Db,
  id: string,
  changes: { name?: string; status?: CaStatus; updatedAt: Date },
): Promise<void> {
  await db
    .updateTable("cas")
    .set({
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(changes.status === undefined ? {} : { status: changes.status }),
      updated_at: changes.updatedAt.getTime(),
    })
    .where("id", "=", id)
    .execute();
}

/** Completes a pending intermediate with the certificate its parent CA signed. */
export async function setCaCertificate(
  db: Db,
  id: string,
  values: {
    certificateDer: Uint8Array;
    chainPem: string;
    subjectDn: string;
    serialNumber: string;
    subjectKeyId: string | null;
    notBefore: Date;
    notAfter: Date;
    pathLength: number | null;
    nameConstraints: NameConstraints | null;
    updatedAt: Date;
  },
): Promise<number> {
  const result = await db
    .updateTable("cas")
    .set({
      status: "active",
      certificate_der: buffer(values.certificateDer),
      chain_pem: values.chainPem,
      subject_dn: values.subjectDn,
      serial_number: values.serialNumber,
      subject_key_id: values.subjectKeyId,
      not_before: values.notBefore.getTime(),
      not_after: values.notAfter.getTime(),
      path_length: values.pathLength,
      name_constraints:
        values.nameConstraints === null ? null : JSON.stringify(values.nameConstraints),
      updated_at: values.updatedAt.getTime(),
    })
    .where("id", "=", id)
    .where("status", "=", "pending_certificate")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
