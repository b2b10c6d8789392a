/**
 * What kind of public key a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) holds: algorithm, size,
 * and the Certsmith key type when it is one we issue for.
 */

import { TAG } from "./der-encode.js";
import {
  expectTag,
  readBitString,
  readDer,
  readOid,
  readUnsignedInteger,
  sequenceItems,
  type DerNode,
} from "./der-read.js";
import { PkiError, relabelDerErrors } from "./errors.js";
import { OID } from "./oids.js";
import type { KeyType } from "./signer.js";

export interface PublicKeyInfo {
  /** "RSA", "EC", "Ed25519", or the algorithm OID for anything else. */
  algorithm: string;
  /** Modulus bits for RSA, field bits for EC, 256 for Ed25519, 0 when unknown. */
  sizeBits: number;
  /** The EC curve name (P-256, P-384, P-521) or the curve OID. */
  curve: string | null;
  /** The Certsmith key type, or null for keys we do not issue for (RSA-1024, other curves...). */
  keyType: KeyType | null;
  /** The SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
  /** The subjectPublicKey BIT STRING contents (what RFC 5280 §4.2.1.2 hashes into a key id). */
  subjectPublicKey: Uint8Array;
}

const CURVES: Record<string, { name: string; bits: number; keyType: KeyType }> = {
  [OID.p256]: { name: "P-256", bits: 256, keyType: "ECDSA-P256" },
  [OID.p384]: { name: "P-384", bits: 384, keyType: "ECDSA-P384" },
  [OID.p521]: { name: "P-521", bits: 521, keyType: "ECDSA-P521" },
};

/** Expected uncompressed point lengths (SEC 1 §2.3.3), to refuse garbage keys early. */
const EC_POINT_LENGTH: Record<number, number> = { 256: 65, 384: 97, 521: 133 };

function bitLength(magnitude: Uint8Array): number {
  if (magnitude.length === 0 || (magnitude.length === 1 && magnitude[0] === 0)) return 0;
  return (magnitude.length - 1) * 8 + (32 - Math.clz32(magnitude[0]!));
}

/** Parses a SubjectPublicKeyInfo node (inside a certificate or CSR). */
export function publicKeyInfoFromNode(node: DerNode): PublicKeyInfo {
  const [algorithm, keyBits] = sequenceItems(node, "SubjectPublicKeyInfo", 2, 2);
  const [algorithmOid, parameters] = sequenceItems(algorithm, "the key algorithm", 1, 2);
  const oid = readOid(algorithmOid, "the key algorithm");
  const { bytes: subjectPublicKey, unusedBits } = readBitString(keyBits, "the public key");
  if (unusedBits !== 0) throw new PkiError("bad_der", "the public key has unused bits");
  const base = { spki: node.bytes, subjectPublicKey };

  if (oid === OID.rsaEncryption) {
    const [modulus, exponent] = sequenceItems(readDer(subjectPublicKey), "RSAPublicKey", 2, 2);
    const sizeBits = bitLength(readUnsignedInteger(modulus, "the RSA modulus"));
    readUnsignedInteger(exponent, "the RSA exponent");
    const keyType =
      sizeBits === 2048 || sizeBits === 3072 || sizeBits === 4096
        ? (`RSA-${sizeBits}` as KeyType)
        : null;
    return { ...base, algorithm: "RSA", sizeBits, curve: null, keyType };
  }
  if (oid === OID.ecPublicKey) {
    // RFC 5480 §2.1.1: namedCurve only; explicit curve parameters are refused by -x509_strict too.
    const curveOid = readOid(expectTag(parameters, TAG.oid, "the EC curve"), "the EC curve");
    const curve = CURVES[curveOid];
    if (!curve) return { ...base, algorithm: "EC", sizeBits: 0, curve: curveOid, keyType: null };
    if (subjectPublicKey.length !== EC_POINT_LENGTH[curve.bits] || subjectPublicKey[0] !== 4) {
      throw new PkiError("bad_der", `the ${curve.name} public key is not an uncompressed point`);
    }
    return {
      ...base,
      algorithm: "EC",
      sizeBits: curve.bits,
      curve: curve.name,
      keyType: curve.keyType,
    };
  }
  if (oid === OID.ed25519) {
    // RFC 8410 §3: parameters MUST be absent; the key is 32 bytes.
    if (parameters || subjectPublicKey.length !== 32) {
      throw new PkiError("bad_der", "the Ed25519 public key is malformed");
    }
    return { ...base, algorithm: "Ed25519", sizeBits: 256, curve: null, keyType: "Ed25519" };
  }
  return { ...base, algorithm: oid, sizeBits: 0, curve: null, keyType: null };
}

/** Parses SubjectPublicKeyInfo DER; `bad_der` when malformed. */
export function parsePublicKeyInfo(spki: Uint8Array): PublicKeyInfo {
  return relabelDerErrors("bad_der", "the public key", () => publicKeyInfoFromNode(readDer(spki)));
}

/** The key type of `info`, or `unsupported_key` naming what the key is. */
export function requireKeyType(info: PublicKeyInfo): KeyType {
  if (info.keyType) return info.keyType;
  const what =
    info.algorithm === "RSA"
      ? `RSA-${info.sizeBits}`
      : info.algorithm === "EC"
        ? `EC key on curve ${info.curve ?? "unknown"}`
        : `key algorithm ${info.algorithm}`;
  throw new PkiError(
    "unsupported_key",
    `${what} is not supported; use RSA-2048/3072/4096, ECDSA-P256/P384/P521 or Ed25519`,
    {
      details: [{ key: what }],
    },
  );
}
