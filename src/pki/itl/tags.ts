/** Tag numbers and codes of Cisco `.tlv` / `.sgn` / `.enc.sgn` files (spec §1.1, §2.1, §3.3). */

/** Header tags, shared by every signed file (spec §1.1). */
export const HeaderTag = {
  VERSION: 1,
  HEADER_LENGTH: 2,
  SIGNER_INFO: 3,
  SIGNER_NAME: 4,
  SERIAL_NUMBER: 5,
  ISSUER_NAME: 6,
  SIGNATURE_INFO: 7,
  HASH_ALGORITHM: 8,
  SIGNATURE_ALGORITHM_INFO: 9,
  SIGNATURE_ALGORITHM: 10,
  SIGNATURE_MODULUS: 11,
  SIGNATURE: 12,
  /** A lone byte with no length (spec §1). */
  PADDING: 13,
  FILENAME: 14,
  TIMESTAMP: 15,
  ENCRYPTION_INFO: 16,
  ENCRYPTION_IV_INFO: 17,
  ENCRYPTION_UNKNOWN_1: 18,
  ENCRYPTION_IV: 19,
  ENCRYPTION_PADDING: 20,
  ENCRYPTION_KEY_INFO: 21,
  ENCRYPTION_UNKNOWN_2: 22,
  ENCRYPTION_KEY_SIZE: 23,
  ENCRYPTION_KEY_ALGORITHM: 24,
  ENCRYPTION_KEY: 25,
  ENCRYPTION_HASH_ALGORITHM: 26,
  ENCRYPTION_HASH: 27,
  SIGNER_VERSION: 28,
} as const;

/** Containers are entered, not skipped: their length is the size of the TLVs nested inside. */
export const HEADER_CONTAINER_TAGS: ReadonlySet<number> = new Set([
  HeaderTag.SIGNER_INFO,
  HeaderTag.SIGNATURE_INFO,
  HeaderTag.SIGNATURE_ALGORITHM_INFO,
  HeaderTag.ENCRYPTION_INFO,
  HeaderTag.ENCRYPTION_IV_INFO,
  HeaderTag.ENCRYPTION_KEY_INFO,
]);

/** Certificate record tags of `.tlv` files (spec §2.1). */
export const RecordTag = {
  RECORD_LENGTH: 1,
  DNS_NAME: 2,
  SUBJECT_NAME: 3,
  ROLE: 4,
  ISSUER_NAME: 5,
  SERIAL_NUMBER: 6,
  PUBLIC_KEY: 7,
  SIGNATURE: 8,
  CERTIFICATE: 9,
  IP_ADDRESS: 10,
  CERTIFICATE_HASH: 11,
  HASH_ALGORITHM: 12,
} as const;

/** Header versions by file kind (spec §1.1). */
export const FILE_VERSION = {
  tlv: { major: 1, minor: 2 },
  sgn: { major: 1, minor: 0 },
  encSgn: { major: 2, minor: 0 },
} as const;

/** The digests a signed file may use. SHA-256 (id 2) is defined but unused (spec §1.1, §9). */
export type ItlDigest = "SHA-1" | "SHA-512";

export const HASH_ID: Record<ItlDigest, number> = { "SHA-1": 1, "SHA-512": 3 };

export function digestOfHashId(id: number): ItlDigest | undefined {
  if (id === 1) return "SHA-1";
  if (id === 3) return "SHA-512";
  return undefined;
}

/** SIGNATURE_MODULUS codes: signature bytes by code (spec §1.1). No code exists for 3072 bits. */
export const MODULUS_BYTES_BY_CODE: readonly number[] = [64, 128, 256, 512];

export function modulusCodeOf(signatureBytes: number): number | undefined {
  const code = MODULUS_BYTES_BY_CODE.indexOf(signatureBytes);
  return code < 0 ? undefined : code;
}

/** SIGNATURE_ALGORITHM is always 0, RSA (spec §1.1). */
export const SIGNATURE_ALGORITHM_RSA = 0;

/** Values of the `.enc.sgn` encryption block that U1 writes (spec §3.3). */
export const ENCRYPTION_UNKNOWN_VALUE = 0;
export const ENCRYPTION_KEY_ALGORITHM_AES = 1;
