import type { Db } from "../../store/db.js";

import type { CiscoSettings, SignerPurpose } from "./cisco.types.js";

export interface SignerRecord {
  projectId: string;
  purpose: SignerPurpose;
  certificateDer: Uint8Array;
  keyRef: string;
  createdAt: Date;
}

export async function findSigner(
  db: Db,
  projectId: string,
  purpose: SignerPurpose,
): Promise<SignerRecord | undefined> {
  const row = await db
    .selectFrom("cisco_signers")
    .selectAll()
    .where("project_id", "=", projectId)
    .where("purpose", "=", purpose)
    .executeTakeFirst();
  return (
    row && {
      projectId: row.project_id,
      purpose: row.purpose as SignerPurpose,
      certificateDer: new Uint8Array(row.certificate_der),
      keyRef: row.key_ref,
      createdAt: new Date(row.created_at),
    }
  );
}

export async function listSigners(db: Db, projectId: string): Promise<SignerRecord[]> {
  const rows = await db
    .selectFrom("cisco_signers")
    .selectAll()
    .where("project_id", "=", projectId)
    .orderBy("purpose")
    .execute();
  return rows.map((row) => ({
    projectId: row.project_id,
    purpose: row.purpose as SignerPurpose,
    certificateDer: new Uint8Array(row.certificate_der),
    keyRef: row.key_ref,
    createdAt: new Date(row.created_at),
  }));
}

/** Inserts or replaces the signer of `purpose`. */
export async function putSigner(db: Db, record: SignerRecord): Promise<void> {
  await db
    .deleteFrom("cisco_signers")
    .where("project_id", "=", record.projectId)
    .where("purpose", "=", record.purpose)
    .execute();
  await db
    .insertInto("cisco_signers")
    .values({
      project_id: record.projectId,
      purpose: record.purpose,
      certificate_der: Buffer.from(record.certificateDer),
      key_ref: record.keyRef,
      created_at: record.createdAt.getTime(),
    })
    .execute();
}

export async function removeSigner(
  db: Db,
  projectId: string,
  purpose: SignerPurpose,
): Promise<boolean> {
  const result = await db
    .deleteFrom("cisco_signers")
    .where("project_id", "=", projectId)
    .where("purpose", "=", purpose)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function findSettings(db: Db, projectId: string): Promise<CiscoSettings | undefined> {
  const row = await db
    .selectFrom("cisco_settings")
    .selectAll()
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  return (
    row && {
      projectId: row.project_id,
      capfIssuerCaId: row.capf_issuer_ca_id,
      lscValidityDays: row.lsc_validity_days,
    }
  );
}

export async function putSettings(db: Db, settings: CiscoSettings, now: Date): Promise<void> {
  await db.deleteFrom("cisco_settings").where("project_id", "=", settings.projectId).execute();
  await db
    .insertInto("cisco_settings")
    .values({
      project_id: settings.projectId,
      capf_issuer_ca_id: settings.capfIssuerCaId,
      lsc_validity_days: settings.lscValidityDays,
      updated_at: now.getTime(),
    })
    .execute();
}
