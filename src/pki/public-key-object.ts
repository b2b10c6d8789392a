/**
 * A node:crypto KeyObject for a parsed public key, for verifying signatures we did not make.
 * Keys are imported as JWK built from the parsed SubjectPublicKeyInfo: OpenSSL 3's DER decoder
 * chain costs about twice as much per key, and every CSR brings a new key (a hot path).
 */

import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";

import { readDer, readUnsignedInteger, sequenceItems } from "./der-read.js";
import { PkiError } from "./errors.js";
import type { PublicKeyInfo } from "./key-info.js";

const JWK_CURVES: Record<string, string> = { "P-256": "P-256", "P-384": "P-384", "P-521": "P-521" };

const base64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64url");

function jwkOf(info: PublicKeyInfo): JsonWebKey | null {
  if (info.algorithm === "EC" && info.curve && JWK_CURVES[info.curve]) {
    // SEC 1 §2.3.3 uncompressed point: 0x04 ‖ X ‖ Y (checked by key-info).
    const size = (info.subjectPublicKey.length - 1) / 2;
    return {
      kty: "EC",
      crv: JWK_CURVES[info.curve],
      x: base64url(info.subjectPublicKey.subarray(1, 1 + size)),
      y: base64url(info.subjectPublicKey.subarray(1 + size)),
    };
  }
  if (info.algorithm === "Ed25519")
    return { kty: "OKP", crv: "Ed25519", x: base64url(info.subjectPublicKey) };
  if (info.algorithm === "RSA") {
    const [modulus, exponent] = sequenceItems(readDer(info.subjectPublicKey), "RSAPublicKey", 2, 2);
    return {
      kty: "RSA",
      n: base64url(readUnsignedInteger(modulus, "the RSA modulus")),
      e: base64url(readUnsignedInteger(exponent, "the RSA exponent")),
    };
  }
  return null;
}

/** The KeyObject of `info`; `unsupported_key` when OpenSSL refuses the key (e.g. a point off the curve). */
export function publicKeyObject(info: PublicKeyInfo): KeyObject {
  try {
    const jwk = jwkOf(info);
    if (jwk) return createPublicKey({ key: jwk, format: "jwk" });
    return createPublicKey({ key: Buffer.from(info.spki), format: "der", type: "spki" });
  } catch (cause) {
    throw new PkiError("unsupported_key", "the public key cannot be used", { cause });
  }
}
