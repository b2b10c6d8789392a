/**
 * Signature algorithms: which one a key type signs with, its AlgorithmIdentifier, and
 * verification of signatures we did not make (CSRs, imported certificates).
 */

import { verify as nodeVerify, constants, type KeyObject } from "node:crypto";

import { DER_NULL, oid, sequence } from "./der-encode.js";
import { children, readOid, readSmallInteger, sequenceItems, type DerNode } from "./der-read.js";
import { PkiError } from "./errors.js";
import { OID } from "./oids.js";
import type { HashAlgorithm, KeyType, SignatureScheme, Signer } from "./signer.js";

export interface SignatureAlgorithm {
  scheme: SignatureScheme;
  /** DER AlgorithmIdentifier. */
  identifier: Uint8Array;
  /** A readable name, as `openssl x509 -text` prints it. */
  name: string;
}

/*
 * RFC 4055 §5 / RFC 5754 §3.2: RSA PKCS#1 v1.5 identifiers carry NULL parameters; RFC 5758
 * §3.2 and RFC 8410 §3: ECDSA and Ed25519 identifiers carry none.
 */
const RSA_SHA256: SignatureAlgorithm = {
  scheme: { kind: "rsa-pkcs1", hash: "SHA-256" },
  identifier: sequence(oid(OID.sha256WithRSAEncryption), DER_NULL),
  name: "sha256WithRSAEncryption",
};
const ECDSA: Record<"ECDSA-P256" | "ECDSA-P384" | "ECDSA-P521", SignatureAlgorithm> = {
  "ECDSA-P256": {
    scheme: { kind: "ecdsa", hash: "SHA-256" },
    identifier: sequence(oid(OID.ecdsaWithSha256)),
    name: "ecdsa-with-SHA256",
  },
  "ECDSA-P384": {
    scheme: { kind: "ecdsa", hash: "SHA-384" },
    identifier: sequence(oid(OID.ecdsaWithSha384)),
    name: "ecdsa-with-SHA384",
  },
  "ECDSA-P521": {
    scheme: { kind: "ecdsa", hash: "SHA-512" },
    identifier: sequence(oid(OID.ecdsaWithSha512)),
    name: "ecdsa-with-SHA512",
  },
};
const ED25519: SignatureAlgorithm = {
  scheme: { kind: "ed25519" },
  identifier: sequence(oid(OID.ed25519)),
  name: "ED25519",
};

/** The algorithm an issuer key of `keyType` signs certificates, CSRs and CRLs with. */
export function signatureAlgorithmFor(keyType: KeyType): SignatureAlgorithm {
  switch (keyType) {
    case "RSA-2048":
    case "RSA-3072":
    case "RSA-4096":
      return RSA_SHA256;
    case "ECDSA-P256":
    case "ECDSA-P384":
    case "ECDSA-P521":
      return ECDSA[keyType];
    case "Ed25519":
      return ED25519;
  }
}

/** Signs `data` with the signer's algorithm; returns the algorithm and the signature. */
export async function signWith(
  signer: Signer,
  data: Uint8Array,
): Promise<{ algorithm: SignatureAlgorithm; signature: Uint8Array }> {
  const algorithm = signatureAlgorithmFor(signer.keyType);
  const signature = await signer.sign(data, algorithm.scheme);
  return { algorithm, signature };
}

const NODE_HASH: Record<HashAlgorithm, string> = {
  "SHA-1": "sha1",
  "SHA-256": "sha256",
  "SHA-384": "sha384",
  "SHA-512": "sha512",
};

const BY_OID: Record<string, { scheme: SignatureScheme; name: string }> = {
  [OID.sha1WithRSAEncryption]: {
    scheme: { kind: "rsa-pkcs1", hash: "SHA-1" },
    name: "sha1WithRSAEncryption",
  },
  [OID.sha256WithRSAEncryption]: { scheme: RSA_SHA256.scheme, name: RSA_SHA256.name },
  [OID.sha384WithRSAEncryption]: {
    scheme: { kind: "rsa-pkcs1", hash: "SHA-384" },
    name: "sha384WithRSAEncryption",
  },
  [OID.sha512WithRSAEncryption]: {
    scheme: { kind: "rsa-pkcs1", hash: "SHA-512" },
    name: "sha512WithRSAEncryption",
  },
  [OID.ecdsaWithSha1]: { scheme: { kind: "ecdsa", hash: "SHA-1" }, name: "ecdsa-with-SHA1" },
  [OID.ecdsaWithSha256]: { scheme: ECDSA["ECDSA-P256"].scheme, name: ECDSA["ECDSA-P256"].name },
  [OID.ecdsaWithSha384]: { scheme: ECDSA["ECDSA-P384"].scheme, name: ECDSA["ECDSA-P384"].name },
  [OID.ecdsaWithSha512]: { scheme: ECDSA["ECDSA-P521"].scheme, name: ECDSA["ECDSA-P521"].name },
  [OID.ed25519]: { scheme: ED25519.scheme, name: ED25519.name },
};

const HASH_BY_OID: Record<string, HashAlgorithm> = {
  [OID.sha1]: "SHA-1",
  [OID.sha256]: "SHA-256",
  [OID.sha384]: "SHA-384",
  [OID.sha512]: "SHA-512",
};

/** RFC 4055 §3.1 RSASSA-PSS-params; only the hash, MGF1 hash (must match) and salt length. */
function pssScheme(params: DerNode | undefined): SignatureScheme {
  let hash: HashAlgorithm = "SHA-1";
  let saltLength = 20;
  for (const field of params ? sequenceItems(params, "the RSA-PSS parameters", 0, 4) : []) {
    const wrapped = children(field);
    if (wrapped.length !== 1) fail("an RSA-PSS parameter is malformed");
    const inner = wrapped[0];
    if (field.tag === 0xa0) {
      const [hashOid] = sequenceItems(inner, "the PSS hash", 1, 2);
      hash = HASH_BY_OID[readOid(hashOid, "the PSS hash")] ?? fail("the PSS hash is not supported");
    } else if (field.tag === 0xa1) {
      const [mgf, mgfHash] = sequenceItems(inner, "the PSS mask function", 2, 2);
      if (readOid(mgf, "the PSS mask function") !== OID.mgf1) fail("only MGF1 is supported");
      const [mgfHashOid] = sequenceItems(mgfHash, "the MGF1 hash", 1, 2);
      if (HASH_BY_OID[readOid(mgfHashOid, "the MGF1 hash")] !== hash) {
        fail("an MGF1 hash different from the PSS hash is not supported");
      }
    } else if (field.tag === 0xa2) {
      saltLength = readSmallInteger(inner, "the PSS salt length");
    }
  }
  return { kind: "rsa-pss", hash, saltLength };
}

function fail(message: string): never {
  throw new PkiError("bad_der", message);
}

/** Reads an AlgorithmIdentifier used to sign a certificate, CSR or CRL. */
export function parseSignatureAlgorithm(node: DerNode): { scheme: SignatureScheme; name: string } {
  const [algorithmOid, params] = sequenceItems(node, "the signature algorithm", 1, 2);
  const id = readOid(algorithmOid, "the signature algorithm");
  if (id === OID.rsassaPss) return { scheme: pssScheme(params), name: "rsassaPss" };
  const known = BY_OID[id];
  if (!known) {
    throw new PkiError("unsupported_key", `the signature algorithm ${id} is not supported`);
  }
  return known;
}

/** Whether `signature` over `data` verifies with `publicKey` under `scheme`. */
export function verifySignature(
  publicKey: KeyObject,
  scheme: SignatureScheme,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    switch (scheme.kind) {
      case "ed25519":
        return nodeVerify(null, data, publicKey, signature);
      case "ecdsa":
        return nodeVerify(
          NODE_HASH[scheme.hash],
          data,
          { key: publicKey, dsaEncoding: "der" },
          signature,
        );
      case "rsa-pkcs1":
        return nodeVerify(
          NODE_HASH[scheme.hash],
          data,
          { key: publicKey, padding: constants.RSA_PKCS1_PADDING },
          signature,
        );
      case "rsa-pss":
        return nodeVerify(
          NODE_HASH[scheme.hash],
          data,
          {
            key: publicKey,
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: scheme.saltLength,
          },
          signature,
        );
    }
  } catch {
    // A key that does not fit the algorithm (an EC key with an RSA OID...) does not verify.
    return false;
  }
}
