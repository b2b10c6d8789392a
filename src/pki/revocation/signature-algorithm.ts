import type { KeyType, SignatureScheme, Signer } from "../signer.js";

import { bitString, DER_NULL, sequence } from "./der-writer.js";
import { OID } from "./oids.js";

/** How a CRL or OCSP response is signed: the scheme for the Signer and its AlgorithmIdentifier. */
export interface SignatureAlgorithm {
  scheme: SignatureScheme;
  /** DER AlgorithmIdentifier, written both inside the signed data and beside the signature. */
  algorithmIdentifier: Uint8Array;
}

const RSA_SHA256: SignatureAlgorithm = {
  scheme: { kind: "rsa-pkcs1", hash: "SHA-256" },
  // RFC 4055 §5: the parameters of sha256WithRSAEncryption are NULL.
  algorithmIdentifier: sequence(OID.sha256WithRSAEncryption, DER_NULL),
};

/**
 * The signature algorithm for an issuer key (RFC 5280 §4.1.1.2): RSA signs with PKCS#1 v1.5 and
 * SHA-256 (what every relying party verifies); ECDSA with the hash matching the curve strength
 * (RFC 5480 §4), parameters absent (RFC 5758 §3.2); Ed25519 as RFC 8410 §3 defines it.
 */
export function signatureAlgorithmFor(keyType: KeyType): SignatureAlgorithm {
  switch (keyType) {
    case "RSA-2048":
    case "RSA-3072":
    case "RSA-4096":
      return RSA_SHA256;
    case "ECDSA-P256":
      return {
        scheme: { kind: "ecdsa", hash: "SHA-256" },
        algorithmIdentifier: sequence(OID.ecdsaWithSha256),
      };
    case "ECDSA-P384":
      return {
        scheme: { kind: "ecdsa", hash: "SHA-384" },
        algorithmIdentifier: sequence(OID.ecdsaWithSha384),
      };
    case "ECDSA-P521":
      return {
        scheme: { kind: "ecdsa", hash: "SHA-512" },
        algorithmIdentifier: sequence(OID.ecdsaWithSha512),
      };
    case "Ed25519":
      return { scheme: { kind: "ed25519" }, algorithmIdentifier: sequence(OID.ed25519) };
  }
}

/**
 * Signs `tbs` and returns the three-part signed structure shared by CertificateList (RFC 5280
 * §5.1) and BasicOCSPResponse (RFC 6960 §4.2.1): SEQUENCE { tbs, algorithm, BIT STRING, extra }.
 */
export async function signStructure(
  signer: Signer,
  algorithm: SignatureAlgorithm,
  tbs: Uint8Array,
  ...trailing: Uint8Array[]
): Promise<Uint8Array> {
  const signature = await signer.sign(tbs, algorithm.scheme);
  return sequence(tbs, algorithm.algorithmIdentifier, bitString(signature), ...trailing);
}
