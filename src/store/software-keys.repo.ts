import type { Selectable } from "kysely";

import type { Db } from "./db.js";
import type { MasterKeyChecksTable, SoftwareKeysTable } from "./tables/keys.table.js";

/*
 * Storage for the software key backend. The shapes mirror `keys/software/software-key-repository.ts`
 * structurally (store/ may not import keys/); the composition root checks they match.
 */

export interface SoftwareKeyRow {
  keyRef: string;
  keyType: string;
  label: string | null;
  isExportable: boolean;
  publicKeySpki: Uint8Array;
  masterKeyId: string;
  wrappedDataKey: Uint8Array;
  sealedPrivateKey: Uint8Array;
  createdAt: Date;
}

export interface MasterKeyCheckRow {
  id: string;
  checkValue: string;
  createdAt: Date;
}

function toKey(row: Selectable<SoftwareKeysTable>): SoftwareKeyRow {
  return {
    keyRef: row.key_ref,
    keyType: row.key_type,
    label: row.label,
    isExportable: row.is_exportable === 1,
    publicKeySpki: new Uint8Array(row.public_key_spki),
    masterKeyId: row.master_key_id,
    wrappedDataKey: new Uint8Array(row.wrapped_data_key),
    sealedPrivateKey: new Uint8Array(row.sealed_private_key),
    createdAt: new Date(row.created_at),
  };
}

function toCheck(row: Selectable<MasterKeyChecksTable>): MasterKeyCheckRow {
  return { id: row.id, checkValue: row.check_value, createdAt: new Date(row.created_at) };
}

export function createSoftwareKeysRepository(db: Db) {
  return {
    async insertKey(key: SoftwareKeyRow): Promise<void> {
      await db
        .insertInto("software_keys")
        .values({
          key_ref: key.keyRef,
          key_type: key.keyType,
          label: key.label,
          is_exportable: key.isExportable ? 1 : 0,
          public_key_spki: Buffer.from(key.publicKeySpki),
          master_key_id: key.masterKeyId,
          wrapped_data_key: Buffer.from(key.wrappedDataKey),
          sealed_private_key: Buffer.from(key.sealedPrivateKey),
          created_at: key.createdAt.getTime(),
        })
        .execute();
    },

    async findKey(keyRef: string): Promise<SoftwareKeyRow | undefined> {
      const row = await db
        .selectFrom("software_keys")
        .selectAll()
        .where("key_ref", "=", keyRef)
        .executeTakeFirst();
      return row && toKey(row);
    },

    async deleteKey(keyRef: string): Promise<void> {
      await db.deleteFrom("software_keys").where("key_ref", "=", keyRef).execute();
    },

    async listMasterKeyChecks(): Promise<MasterKeyCheckRow[]> {
      const rows = await db
        .selectFrom("master_key_checks")
        .selectAll()
        .orderBy("created_at")
        .execute();
      return rows.map(toCheck);
    },

    async insertMasterKeyCheck(check: MasterKeyCheckRow): Promise<void> {
      await db
        .insertInto("master_key_checks")
        .values({
          id: check.id,
          check_value: check.checkValue,
          created_at: check.createdAt.getTime(),
        })
        .onConflict((oc) => oc.column("id").doNothing())
        .execute();
    },
  };
}

export type SoftwareKeysRepository = ReturnType<typeof createSoftwareKeysRepository>;
