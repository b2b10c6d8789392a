/**
 * Which signatures `signHash` computes (csc-api-v2.md §6): signature-algorithm OIDs, the hash
 * each one implies or takes from `hashAlgorithmOID`, and RSASSA-PSS parameters (RFC 4055 §3.1,
 * RFC 8017 Appendix A.2.3). Pure: no key, no I/O.
 */
import type { DigestSignatureScheme } from "../../keys/key-store.js";
import { TAG } from "../../pki/der-encode.js";
import {
  children,
  readDer,
  readOid,
  readSmallInteger,
  sequenceItems,
  type DerNode,
} from "../../pki/der-read.js";
import { isPkiError } from "../../pki/errors.js";
import type { HashAlgorithm, KeyType } from "../../pki/signer.js";

import { invalidParameter, invalidRequest, missingString } from "./csc-errors.js";

export const HASH_OIDS: Record<string, HashAlgorithm> = {
  "2.16.840.1.101.3.4.2.1": "SHA-256",
  "2.16.840.1.101.3.4.2.2": "SHA-384",
  "2.16.840.1.101.3.4.2.3": "SHA-512",
};

export const HASH_OID_OF: Record<Exclude<HashAlgorithm, "SHA-1">, string> = {
  "SHA-256": "2.16.840.1.101.3.4.2.1",
  "SHA-384": "2.16.840.1.101.3.4.2.2",
  "SHA-512": "2.16.840.1.101.3.4.2.3",
};

export const SIGN_OIDS = {
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsassaPss: "1.2.840.113549.1.1.10",
  sha256WithRsa: "1.2.840.113549.1.1.11",
  sha384WithRsa: "1.2.840.113549.1.1.12",
  sha512WithRsa: "1.2.840.113549.1.1.13",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  ecdsaWithSha512: "1.2.840.10045.4.3.4",
  /** BSI TR-03111 §5.2.1 ecdsa-plain-SHA*: the same signature, as r‖s instead of DER. */
  ecdsaPlainSha256: "0.4.0.127.0.7.1.1.4.1.3",
  ecdsaPlainSha384: "0.4.0.127.0.7.1.1.4.1.4",
  ecdsaPlainSha512: "0.4.0.127.0.7.1.1.4.1.5",
} as const;

const MGF1 = "1.2.840.113549.1.1.8";

/** Algorithms whose OID names the hash: `hashAlgorithmOID` is then optional (§4.10). */
const IMPLIED_HASH: Record<string, { kind: "rsa-pkcs1" | "ecdsa"; hash: HashAlgorithm }> = {
  [SIGN_OIDS.sha256WithRsa]: { kind: "rsa-pkcs1", hash: "SHA-256" },
  [SIGN_OIDS.sha384WithRsa]: { kind: "rsa-pkcs1", hash: "SHA-384" },
  [SIGN_OIDS.sha512WithRsa]: { kind: "rsa-pkcs1", hash: "SHA-512" },
  [SIGN_OIDS.ecdsaWithSha256]: { kind: "ecdsa", hash: "SHA-256" },
  [SIGN_OIDS.ecdsaWithSha384]: { kind: "ecdsa", hash: "SHA-384" },
  [SIGN_OIDS.ecdsaWithSha512]: { kind: "ecdsa", hash: "SHA-512" },
  [SIGN_OIDS.ecdsaPlainSha256]: { kind: "ecdsa", hash: "SHA-256" },
  [SIGN_OIDS.ecdsaPlainSha384]: { kind: "ecdsa", hash: "SHA-384" },
  [SIGN_OIDS.ecdsaPlainSha512]: { kind: "ecdsa", hash: "SHA-512" },
};

const PLAIN_ECDSA = new Set<string>([
  SIGN_OIDS.ecdsaPlainSha256,
  SIGN_OIDS.ecdsaPlainSha384,
  SIGN_OIDS.ecdsaPlainSha512,
]);

/** Whether `signAlgo` wants r‖s (BSI plain ECDSA, csc-api-v2.md §6.2) rather than DER. */
export function isPlainEcdsa(signAlgo: string): boolean {
  return PLAIN_ECDSA.has(signAlgo);
}

/** Octets of r and of s in r‖s form: the byte length of the curve order. */
export const ECDSA_ORDER_BYTES: Partial<Record<KeyType, number>> = {
  "ECDSA-P256": 32,
  "ECDSA-P384": 48,
  "ECDSA-P521": 66,
};

export const RSA_ALGORITHMS: readonly string[] = [
  SIGN_OIDS.sha256WithRsa,
  SIGN_OIDS.sha384WithRsa,
  SIGN_OIDS.sha512WithRsa,
  SIGN_OIDS.rsaEncryption,
  SIGN_OIDS.rsassaPss,
];

export const EC_ALGORITHMS: readonly string[] = [
  SIGN_OIDS.ecdsaWithSha256,
  SIGN_OIDS.ecdsaWithSha384,
  SIGN_OIDS.ecdsaWithSha512,
  SIGN_OIDS.ecdsaPlainSha256,
  SIGN_OIDS.ecdsaPlainSha384,
  SIGN_OIDS.ecdsaPlainSha512,
];

/** The `key.algo` a key of this type can offer (§6.1); Ed25519 cannot sign a digest. */
export function algorithmsForKeyType(keyType: KeyType): readonly string[] {
  if (keyType.startsWith("RSA-")) return RSA_ALGORITHMS;
  if (keyType.startsWith("ECDSA-")) return EC_ALGORITHMS;
  return [];
}

/** Every algorithm the service signs with, for `info.signAlgorithms` (§4.1). */
export const SERVICE_ALGORITHMS: readonly string[] = [...RSA_ALGORITHMS, ...EC_ALGORITHMS];

/** The usual PSS parameters per hash (salt = hash length, MGF1 with the same hash). */
export const PSS_PARAMS_BASE64: Record<"SHA-256" | "SHA-384" | "SHA-512", string> = {
  "SHA-256": "MDSgDzANBglghkgBZQMEAgEFAKEcMBoGCSqGSIb3DQEBCDANBglghkgBZQMEAgEFAKIDAgEg",
  "SHA-384": "MDSgDzANBglghkgBZQMEAgIFAKEcMBoGCSqGSIb3DQEBCDANBglghkgBZQMEAgIFAKIDAgEw",
  "SHA-512": "MDSgDzANBglghkgBZQMEAgMFAKEcMBoGCSqGSIb3DQEBCDANBglghkgBZQMEAgMFAKIDAgFA",
};

export interface SignatureRequest {
  signAlgo: string;
  hashAlgorithmOid?: string | undefined;
  /** DER of the algorithm parameters (decoded `signAlgoParams`). */
  signAlgoParams?: Uint8Array | undefined;
}

function hashOf(oid: string | undefined): HashAlgorithm | undefined {
  return oid === undefined ? undefined : HASH_OIDS[oid];
}

/** A hash AlgorithmIdentifier; NULL and absent parameters are the same (RFC 4055 §2.1). */
function readHashIdentifier(node: DerNode): HashAlgorithm {
  const [algorithm, parameters] = sequenceItems(node, "hash algorithm", 1, 2);
  if (parameters && !(parameters.tag === TAG.null && parameters.content.length === 0)) {
    throw invalidParameter("signAlgoParams");
  }
  const hash = hashOf(readOid(algorithm, "hash algorithm"));
  // An unknown or SHA-1 hash: refuse rather than sign with something weak (§6.2).
  if (!hash) throw invalidParameter("signAlgoParams");
  return hash;
}

/**
 * RSASSA-PSS-params (RFC 4055 §3.1). Omitted fields default to SHA-1, which we refuse (§6.2);
 * the MGF1 hash must equal the message hash (the key stores sign with that combination) and the
 * trailer field must be 1.
 */
export function parsePssParams(der: Uint8Array): { hash: HashAlgorithm; saltLength: number } {
  try {
    const fields = children(readDer(der));
    let hash: HashAlgorithm | undefined;
    let mgfHash: HashAlgorithm | undefined;
    let saltLength = 20;
    for (const field of fields) {
      const [inner] = children(field);
      if (!inner) throw invalidParameter("signAlgoParams");
      switch (field.tag) {
        case 0xa0:
          hash = readHashIdentifier(inner);
          break;
        case 0xa1: {
          const [mgf, mgfParams] = sequenceItems(inner, "mask generation", 2, 2);
          if (readOid(mgf, "mask generation") !== MGF1) throw invalidParameter("signAlgoParams");
          mgfHash = readHashIdentifier(mgfParams!);
          break;
        }
        case 0xa2:
          saltLength = readSmallInteger(inner, "salt length");
          break;
        case 0xa3:
          if (readSmallInteger(inner, "trailer field") !== 1) {
            throw invalidParameter("signAlgoParams");
          }
          break;
        default:
          throw invalidParameter("signAlgoParams");
      }
    }
    if (!hash || !mgfHash || hash !== mgfHash || saltLength > 512) {
      throw invalidParameter("signAlgoParams");
    }
    return { hash, saltLength };
  } catch (error) {
    // Malformed DER reads as an invalid parameter, never as a server error.
    if (isPkiError(error)) {
      throw invalidParameter("signAlgoParams");
    }
    throw error;
  }
}

/**
 * The digest-signing scheme for one signHash request (§4.10, §6.2): the hash comes from the
 * algorithm OID when it names one (a contradicting `hashAlgorithmOID` is refused), from
 * `hashAlgorithmOID` for rsaEncryption, and from the parameters for RSASSA-PSS.
 */
export function schemeFor(request: SignatureRequest): DigestSignatureScheme {
  const { signAlgo, hashAlgorithmOid } = request;
  const given = hashOf(hashAlgorithmOid);
  if (hashAlgorithmOid !== undefined && !given) throw invalidParameter("hashAlgorithmOID");
  const implied = IMPLIED_HASH[signAlgo];
  if (implied) {
    if (given && given !== implied.hash) throw invalidParameter("hashAlgorithmOID");
    return { kind: implied.kind, hash: implied.hash };
  }
  if (signAlgo === SIGN_OIDS.rsaEncryption) {
    if (!given) throw missingString("hashAlgorithmOID");
    return { kind: "rsa-pkcs1", hash: given };
  }
  if (signAlgo === SIGN_OIDS.rsassaPss) {
    if (request.signAlgoParams === undefined) {
      // Lenient like CZERTAINLY (§6.2): the usual parameters for the given hash.
      if (!given) throw missingString("signAlgoParams");
      return { kind: "rsa-pss", hash: given, saltLength: digestLength(given) };
    }
    const params = parsePssParams(request.signAlgoParams);
    if (given && given !== params.hash) throw invalidParameter("hashAlgorithmOID");
    return { kind: "rsa-pss", hash: params.hash, saltLength: params.saltLength };
  }
  throw invalidParameter("signAlgo");
}

export function digestLength(hash: HashAlgorithm): number {
  return { "SHA-1": 20, "SHA-256": 32, "SHA-384": 48, "SHA-512": 64 }[hash];
}

/** The hash a `hashAlgorithmOID` names (SHA-256 or stronger), or an `invalid_request`. */
export function requireHashOid(oid: string): HashAlgorithm {
  const hash = hashOf(oid);
  if (!hash) throw invalidParameter("hashAlgorithmOID");
  return hash;
}

/**
 * Strict base64 of either alphabet, padded or not (§1). Returns null for anything else, so the
 * caller can say which parameter was wrong.
 */
export function decodeBase64(value: string): Buffer | null {
  const trimmed = value.replace(/=+$/, "");
  if (trimmed.length === 0 || !/^[A-Za-z0-9+/_-]+$/.test(trimmed) || trimmed.length % 4 === 1) {
    return null;
  }
  return Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

export function requireBase64Hash(value: unknown): Buffer {
  if (typeof value !== "string") throw invalidRequest("Invalid Base64 hash string parameter");
  const decoded = decodeBase64(value);
  if (!decoded) throw invalidRequest("Invalid Base64 hash string parameter");
  return decoded;
}
