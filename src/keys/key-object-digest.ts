import { constants, privateEncrypt, type KeyObject } from "node:crypto";

import { p256, p384, p521 } from "@noble/curves/nist.js";

import type { KeyType } from "../pki/signer.js";

import { assertDigestLength, digestInfo } from "./digest.js";
import { emsaPssEncode } from "./emsa-pss.js";
import { KeyStoreError } from "./errors.js";
import type { DigestSignatureScheme } from "./key-store.js";

const CURVES = { "ECDSA-P256": p256, "ECDSA-P384": p384, "ECDSA-P521": p521 } as const;

/**
 * Signs a caller-computed digest with a private key held in this process, without hashing it
 * again (csc-api-v2.md §6.2; `crypto.sign` would hash again, §6.3):
 * - RSA PKCS#1 v1.5: RSASP1 over EMSA-PKCS1-v1_5 of DigestInfo (RFC 8017 §9.2), which is what
 *   `privateEncrypt` with PKCS#1 type-1 padding computes;
 * - RSA-PSS: EMSA-PSS-ENCODE with the digest as mHash (RFC 8017 §9.1.1), then raw RSASP1;
 * - ECDSA: over the digest (truncated to the order length per SEC 1 §4.1.3 step 5), DER out.
 */
export function signDigestWithKeyObject(
  privateKey: KeyObject,
  keyType: KeyType,
  digest: Uint8Array,
  scheme: DigestSignatureScheme,
): Uint8Array {
  assertDigestLength(scheme.hash, digest);
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
  if (keyType in CURVES && scheme.kind === "ecdsa") {
    const curve = CURVES[keyType as keyof typeof CURVES];
    const jwk = privateKey.export({ format: "jwk" });
    const scalar = Buffer.from(jwk.d ?? "", "base64url");
    try {
      return curve.sign(digest, scalar, { prehash: false, format: "der" });
    } finally {
      scalar.fill(0);
    }
  }
  throw new KeyStoreError(
    "unsupported",
    `a ${keyType} key cannot sign a digest with ${scheme.kind}`,
  );
}
