import { createHash } from "node:crypto";

import type { HashAlgorithm } from "../pki/signer.js";

import { KeyStoreError } from "./errors.js";

export const NODE_HASH_NAME: Record<HashAlgorithm, string> = {
  "SHA-1": "sha1",
  "SHA-256": "sha256",
  "SHA-384": "sha384",
  "SHA-512": "sha512",
};

export const DIGEST_LENGTH: Record<HashAlgorithm, number> = {
  "SHA-1": 20,
  "SHA-256": 32,
  "SHA-384": 48,
  "SHA-512": 64,
};

/** DER of DigestInfo up to the digest octets: RFC 8017 §9.2, note 1. */
const DIGEST_INFO_PREFIX: Record<HashAlgorithm, Buffer> = {
  "SHA-1": Buffer.from("3021300906052b0e03021a05000414", "hex"),
  "SHA-256": Buffer.from("3031300d060960864801650304020105000420", "hex"),
  "SHA-384": Buffer.from("3041300d060960864801650304020205000430", "hex"),
  "SHA-512": Buffer.from("3051300d060960864801650304020305000440", "hex"),
};

export function hashData(hash: HashAlgorithm, data: Uint8Array): Buffer {
  return createHash(NODE_HASH_NAME[hash]).update(data).digest();
}

/** Rejects a digest whose length is not the output length of `hash` (CSC `invalid_request`). */
export function assertDigestLength(hash: HashAlgorithm, digest: Uint8Array): void {
  if (digest.length !== DIGEST_LENGTH[hash]) {
    throw new KeyStoreError(
      "invalid_digest",
      `a ${hash} digest is ${DIGEST_LENGTH[hash]} bytes, got ${digest.length}`,
    );
  }
}

/** DigestInfo ::= SEQUENCE { digestAlgorithm, digest OCTET STRING } (RFC 8017 §9.2 step 2). */
export function digestInfo(hash: HashAlgorithm, digest: Uint8Array): Buffer {
  return Buffer.concat([DIGEST_INFO_PREFIX[hash], digest]);
}
