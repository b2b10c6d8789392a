/**
 * How pure PKI code signs without ever holding a private key: `keys/` implements Signer for
 * software keys and for PKCS#11 tokens, so HSM keys never leave `keys/` (STYLE.md §3).
 */

/** Key types, spelled as seed 004 spells them. */
export const KEY_TYPES = [
  "RSA-2048",
  "RSA-3072",
  "RSA-4096",
  "ECDSA-P256",
  "ECDSA-P384",
  "ECDSA-P521",
  "Ed25519",
] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export type HashAlgorithm = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";

/** A signature scheme; the signer hashes `data` itself with `hash` (Ed25519 hashes internally). */
export type SignatureScheme =
  | { kind: "rsa-pkcs1"; hash: HashAlgorithm }
  | { kind: "rsa-pss"; hash: HashAlgorithm; saltLength: number }
  /** ECDSA signatures are returned DER-encoded (SEQUENCE { r, s }), as X.509 and CMS carry them. */
  | { kind: "ecdsa"; hash: HashAlgorithm }
  | { kind: "ed25519" };

export interface Signer {
  readonly keyType: KeyType;
  /** DER SubjectPublicKeyInfo of the key. */
  readonly publicKeySpki: Uint8Array;
  /** Signs `data` (not a digest) with the scheme; rejects schemes that do not fit the key. */
  sign(data: Uint8Array, scheme: SignatureScheme): Promise<Uint8Array>;
}

export function isKeyType(value: string): value is KeyType {
  return (KEY_TYPES as readonly string[]).includes(value);
}
