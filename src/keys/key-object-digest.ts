import { constants, privateEncrypt, type KeyObject } from "node:crypto";

import type { KeyType } from "../pki/signer.js";

import { assertDigestLength, digestInfo } from "./digest.js";
import { isEcdsaKeyType, signEcdsaDigests } from "./ecdsa-digest.js";
import { emsaPssEncode } from "./emsa-pss.js";
import { KeyStoreError } from "./errors.js";
import type { DigestSignatureScheme } from "./key-store.js";

/**
 * Signs caller-computed digests with a private key held in this process, without hashing them
 * again (csc-api-v2.md §6.2; `crypto.sign` would hash again, §6.3):
 * - RSA PKCS#1 v1.5: RSASP1 over EMSA-PKCS1-v1_5 of DigestInfo (RFC 8017 §9.2), which is what
 *   `privateEncrypt` with PKCS#1 type-1 padding computes;
 * - RSA-PSS: EMSA-PSS-ENCODE with the digest as mHash (RFC 8017 §9.1.1), then raw RSASP1;
 * - ECDSA: over each digest (truncated to the order length per SEC 1 §4.1.3 step 5), DER out,
 *   the whole batch at once (ecdsa-digest.ts).
 */
export function signDigestsWithKeyObject(
  privateKey: KeyObject,
  keyType: KeyType,
  digests: readonly Uint8Array[],
  scheme: DigestSignatureScheme,
): Uint8Array[] {
  for (const digest of digests) assertDigestLength(scheme.hash, digest);
  if (isEcdsaKeyType(keyType) && scheme.kind === "ecdsa") {
    return signEcdsaDigests(privateKey, keyType, digests);
  }
  return digests.map((digest) => signRsaDigest(privateKey, keyType, digest, scheme));
}

function signRsaDigest(
  privateKey: KeyObject,
  keyType: KeyType,
  digest: Uint8Array,
  scheme: DigestSignatureScheme,
): Uint8Array {
  if (keyType.startsWith("RSA-") && scheme.kind === "rsa-pkcs1") {
    return new Uint8Array(
      privateEncrypt(
        { key: privateKey, padding: constants.RSA_PKCS1_PADDING },
        digestInfo(scheme.hash, digest),
      ),
    );
  }
  if (keyType.startsWith("RSA-") && scheme.kind === "rsa-pss") {
    const modulusBits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
    const encoded = emsaPssEncode(scheme.hash, digest, scheme.saltLength, modulusBits);
    // RSASP1 works on k-byte integers; EM is one byte shorter when modBits ≡ 1 (mod 8).
    const k = Math.ceil(modulusBits / 8);
    const padded = Buffer.concat([Buffer.alloc(k - encoded.length), encoded]);
    return new Uint8Array(
      privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, padded),
    );
  }
  throw new KeyStoreError(
    "unsupported",
    `a ${keyType} key cannot sign a digest with ${scheme.kind}`,
  );
}
