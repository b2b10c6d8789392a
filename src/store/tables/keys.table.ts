/** Software key custody (`keys/software/`): only public or sealed values, never a plaintext key. */
export interface SoftwareKeysTable {
  key_ref: string;
  key_type: string;
  label: string | null;
  /** 0/1; also bound into the sealed key's AAD, so editing it here breaks the key. */
  is_exportable: number;
  public_key_spki: Buffer;
  master_key_id: string;
  /** The per-key data key, AES-256-GCM-sealed under the master key. */
  wrapped_data_key: Buffer;
  /** PKCS#8 DER, AES-256-GCM-sealed under the data key. */
  sealed_private_key: Buffer;
  created_at: number;
}

/** Key-check values of the master keys that sealed `software_keys` (an HMAC, not the key). */
export interface MasterKeyChecksTable {
  id: string;
  check_value: string;
  created_at: number;
}
