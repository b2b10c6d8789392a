/**
 * What the software backend needs from storage, defined here and implemented in `store/`
 * (`store/software-keys.repo.ts`) so that `keys/` never imports the store: the composition root
 * injects it. Every field is either public or sealed; nothing here is ever plaintext key material.
 */

export interface SealedKeyRecord {
  keyRef: string;
  /** A `KeyType`; checked again when read, since the table is outside this module's control. */
  keyType: string;
  label: string | null;
  isExportable: boolean;
  /** DER SubjectPublicKeyInfo (public). */
  publicKeySpki: Uint8Array;
  /** Which master key wraps `wrappedDataKey` (see `MasterKeyCheck.id`). */
  masterKeyId: string;
  /** The per-key AES-256 data key, sealed under the master key. */
  wrappedDataKey: Uint8Array;
  /** PKCS#8 PrivateKeyInfo DER, sealed under the data key. */
  sealedPrivateKey: Uint8Array;
  createdAt: Date;
}

/**
 * A key-check value: lets start-up tell a wrong master key from a right one before any key is
 * used. `id` is a short prefix of `checkValue`, both from an HMAC of a constant under the
 * master key, which reveals nothing about the key.
 */
export interface MasterKeyCheck {
  id: string;
  checkValue: string;
  createdAt: Date;
}

export interface SoftwareKeyRepository {
  /** Stores a new key; the key ref is unique. */
  insertKey(record: SealedKeyRecord): Promise<void>;
  findKey(keyRef: string): Promise<SealedKeyRecord | undefined>;
  /** Removes the row; no error when there is none. */
  deleteKey(keyRef: string): Promise<void>;
  listMasterKeyChecks(): Promise<MasterKeyCheck[]>;
  /** Records a check; a second insert of the same id is ignored (nodes starting together). */
  insertMasterKeyCheck(check: MasterKeyCheck): Promise<void>;
}
