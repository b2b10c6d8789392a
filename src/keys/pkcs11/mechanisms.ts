import pkcs11js from "pkcs11js";

import type { HashAlgorithm, KeyType, SignatureScheme } from "../../pki/signer.js";
import { digestInfo, hashData } from "../digest.js";
import { KeyStoreError } from "../errors.js";
import type { DigestSignatureScheme } from "../key-store.js";

import { CKM_EDDSA } from "./pkcs11-module.js";

/** What to ask the token for, and what to feed it. */
export interface TokenSigning {
  mechanism: pkcs11js.Mechanism;
  input: Buffer;
  /** CKM_ECDSA returns r‖s; X.509 and CMS want DER (RFC 3279 §2.2.3). */
  isRawEcdsa: boolean;
}

const HASH_MECHANISM: Record<HashAlgorithm, number> = {
  "SHA-1": pkcs11js.CKM_SHA_1,
  "SHA-256": pkcs11js.CKM_SHA256,
  "SHA-384": pkcs11js.CKM_SHA384,
  "SHA-512": pkcs11js.CKM_SHA512,
};
const MGF1: Record<HashAlgorithm, number> = {
  "SHA-1": pkcs11js.CKG_MGF1_SHA1,
  "SHA-256": pkcs11js.CKG_MGF1_SHA256,
  "SHA-384": pkcs11js.CKG_MGF1_SHA384,
  "SHA-512": pkcs11js.CKG_MGF1_SHA512,
};
const RSA_PKCS_WITH: Record<HashAlgorithm, number> = {
  "SHA-1": pkcs11js.CKM_SHA1_RSA_PKCS,
  "SHA-256": pkcs11js.CKM_SHA256_RSA_PKCS,
  "SHA-384": pkcs11js.CKM_SHA384_RSA_PKCS,
  "SHA-512": pkcs11js.CKM_SHA512_RSA_PKCS,
};
const RSA_PSS_WITH: Record<HashAlgorithm, number> = {
  "SHA-1": pkcs11js.CKM_SHA1_RSA_PKCS_PSS,
  "SHA-256": pkcs11js.CKM_SHA256_RSA_PKCS_PSS,
  "SHA-384": pkcs11js.CKM_SHA384_RSA_PKCS_PSS,
  "SHA-512": pkcs11js.CKM_SHA512_RSA_PKCS_PSS,
};
/** Order length in bytes: CKM_ECDSA input longer than this is cut to its leftmost bytes. */
const ORDER_BYTES: Partial<Record<KeyType, number>> = {
  "ECDSA-P256": 32,
  "ECDSA-P384": 48,
  "ECDSA-P521": 66,
};

/** CK_RSA_PKCS_PSS_PARAMS with MGF1 over the message hash (PKCS#11 v2.40 Mechanisms §2.1.14). */
function pssParameter(hash: HashAlgorithm, saltLength: number): pkcs11js.RsaPSS {
  return {
    type: pkcs11js.CK_PARAMS_RSA_PSS,
    hashAlg: HASH_MECHANISM[hash],
    mgf: MGF1[hash],
    saltLen: saltLength,
  };
}

/**
 * ECDSA input: ANSI X9.62 uses the leftmost order-length bits of the hash (SEC 1 §4.1.3 step 5).
 * Orders here are whole bytes (P-256, P-384) or longer than any digest (P-521), so cutting bytes
 * is exact, and tokens that refuse long input still work.
 */
function ecdsaInput(keyType: KeyType, digest: Uint8Array): Buffer {
  return Buffer.from(digest.subarray(0, ORDER_BYTES[keyType] ?? digest.length));
}

function mismatch(keyType: KeyType, kind: string): KeyStoreError {
  return new KeyStoreError("unsupported", `a ${keyType} key cannot sign with ${kind}`);
}

/** A Signer scheme over whole data: RSA hashes inside the token; ECDSA hashes here. */
export function dataSigning(
  keyType: KeyType,
  scheme: SignatureScheme,
  data: Uint8Array,
): TokenSigning {
  const isRsa = keyType.startsWith("RSA-");
  if (isRsa && scheme.kind === "rsa-pkcs1") {
    return {
      mechanism: { mechanism: RSA_PKCS_WITH[scheme.hash] },
      input: Buffer.from(data),
      isRawEcdsa: false,
    };
  }
  if (isRsa && scheme.kind === "rsa-pss") {
    return {
      mechanism: {
        mechanism: RSA_PSS_WITH[scheme.hash],
        parameter: pssParameter(scheme.hash, scheme.saltLength),
      },
      input: Buffer.from(data),
      isRawEcdsa: false,
    };
  }
  if (keyType.startsWith("ECDSA-") && scheme.kind === "ecdsa") {
    // SoftHSM2 has no CKM_ECDSA_SHA384/512 for all curves; hashing here is the portable choice.
    return {
      mechanism: { mechanism: pkcs11js.CKM_ECDSA },
      input: ecdsaInput(keyType, hashData(scheme.hash, data)),
      isRawEcdsa: true,
    };
  }
  if (keyType === "Ed25519" && scheme.kind === "ed25519") {
    // CKM_EDDSA without parameters is pure Ed25519 (PKCS#11 v3.0 Mechanisms §2.3.14).
    return { mechanism: { mechanism: CKM_EDDSA }, input: Buffer.from(data), isRawEcdsa: false };
  }
  throw mismatch(keyType, scheme.kind);
}

/** A pre-computed digest, signed as given (csc-api-v2.md §6.3, PKCS#11 bullet). */
export function digestSigning(
  keyType: KeyType,
  scheme: DigestSignatureScheme,
  digest: Uint8Array,
): TokenSigning {
  const isRsa = keyType.startsWith("RSA-");
  if (isRsa && scheme.kind === "rsa-pkcs1") {
    // CKM_RSA_PKCS applies only the type-1 padding: the caller supplies DigestInfo (RFC 8017 §9.2).
    return {
      mechanism: { mechanism: pkcs11js.CKM_RSA_PKCS },
      input: digestInfo(scheme.hash, digest),
      isRawEcdsa: false,
    };
  }
  if (isRsa && scheme.kind === "rsa-pss") {
    return {
      mechanism: {
        mechanism: pkcs11js.CKM_RSA_PKCS_PSS,
        parameter: pssParameter(scheme.hash, scheme.saltLength),
      },
      input: Buffer.from(digest),
      isRawEcdsa: false,
    };
  }
  if (keyType.startsWith("ECDSA-") && scheme.kind === "ecdsa") {
    return {
      mechanism: { mechanism: pkcs11js.CKM_ECDSA },
      input: ecdsaInput(keyType, digest),
      isRawEcdsa: true,
    };
  }
  throw mismatch(keyType, `a ${scheme.kind} digest signature`);
}
