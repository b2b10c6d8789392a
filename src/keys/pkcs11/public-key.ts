import { createPublicKey, type JsonWebKey } from "node:crypto";

import pkcs11js from "pkcs11js";

import type { KeyType } from "../../pki/signer.js";
import { KeyStoreError } from "../errors.js";

import { EC_PARAMS, JWK_CURVE } from "./key-templates.js";
import { CKK_EC_EDWARDS, type Handle, type Pkcs11 } from "./pkcs11-module.js";

export interface TokenPublicKey {
  keyType: KeyType;
  /** DER SubjectPublicKeyInfo. */
  spki: Uint8Array;
}

function ulong(value: Buffer): number {
  return value.length >= 8 ? Number(value.readBigUInt64LE(0)) : value.readUInt32LE(0);
}

/**
 * CKA_EC_POINT is the DER OCTET STRING of the point (PKCS#11 v2.40 Mechanisms §2.3.3); some
 * tokens return the bare point. Unwrap when the bytes parse as exactly one OCTET STRING.
 */
function ecPoint(value: Buffer): Buffer {
  if (value[0] === 0x04 && value.length > 2) {
    const first = value[1]!;
    const [length, header] =
      first < 0x80
        ? [first, 2]
        : first === 0x81
          ? [value[2]!, 3]
          : first === 0x82
            ? [value.readUInt16BE(2), 4]
            : [-1, 0];
    if (header + length === value.length) return value.subarray(header);
  }
  return value;
}

function unpaddedLength(value: Buffer): number {
  let start = 0;
  while (start < value.length && value[start] === 0) start++;
  return value.length - start;
}

function keyTypeOfCurve(params: Buffer): KeyType | undefined {
  return (Object.keys(EC_PARAMS) as KeyType[]).find((t) => EC_PARAMS[t]!.equals(params));
}

/** Reads a token public key object and turns it into our key type and an SPKI. */
export function readPublicKey(pkcs11: Pkcs11, session: Handle, object: Handle): TokenPublicKey {
  const [typeAttr] = pkcs11.C_GetAttributeValue(session, object, [{ type: pkcs11js.CKA_KEY_TYPE }]);
  const keyTypeCode = ulong(typeAttr!.value);
  let keyType: KeyType | undefined;
  let jwk: JsonWebKey;
  if (keyTypeCode === pkcs11js.CKK_RSA) {
    const [modulus, exponent] = pkcs11.C_GetAttributeValue(session, object, [
      { type: pkcs11js.CKA_MODULUS },
      { type: pkcs11js.CKA_PUBLIC_EXPONENT },
    ]);
    const bits = unpaddedLength(modulus!.value) * 8;
    keyType = ([2048, 3072, 4096] as const).includes(bits as 2048)
      ? (`RSA-${bits}` as KeyType)
      : undefined;
    jwk = {
      kty: "RSA",
      n: modulus!.value.toString("base64url"),
      e: exponent!.value.toString("base64url"),
    };
  } else if (keyTypeCode === pkcs11js.CKK_EC || keyTypeCode === CKK_EC_EDWARDS) {
    const [params, point] = pkcs11.C_GetAttributeValue(session, object, [
      { type: pkcs11js.CKA_EC_PARAMS },
      { type: pkcs11js.CKA_EC_POINT },
    ]);
    keyType = keyTypeOfCurve(params!.value);
    const raw = ecPoint(point!.value);
    if (keyType === "Ed25519") {
      jwk = { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") };
    } else {
      // Uncompressed point: 0x04 ‖ X ‖ Y (SEC 1 §2.3.3).
      const half = (raw.length - 1) / 2;
      jwk = {
        kty: "EC",
        crv: JWK_CURVE[keyType ?? "ECDSA-P256"],
        x: raw.subarray(1, 1 + half).toString("base64url"),
        y: raw.subarray(1 + half).toString("base64url"),
      };
    }
  } else {
    jwk = {};
  }
  if (keyType === undefined) {
    throw new KeyStoreError(
      "unsupported",
      `the token holds a key of a type Certsmith does not use`,
    );
  }
  try {
    const spki = createPublicKey({ key: jwk, format: "jwk" }).export({
      type: "spki",
      format: "der",
    });
    return { keyType, spki: new Uint8Array(spki) };
  } catch (error) {
    throw new KeyStoreError("unsupported", `the token's ${keyType} public key does not decode`, {
      cause: error,
    });
  }
}
