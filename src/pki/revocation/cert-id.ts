import { createHash } from "node:crypto";

import { readCertificateFacts } from "./certificate-facts.js";
import { integerToHex } from "./der-reader.js";
import { DER_NULL, octetString, sequence } from "./der-writer.js";
import { OID, sameBytes } from "./oids.js";
import { serialNumberDer } from "./serial-number.js";

/** The hash algorithms a CertID may use here (RFC 6960 §4.1.1; RFC 5019 §2.1.1 asks for SHA-1). */
export type CertIdHashAlgorithm = "SHA-1" | "SHA-256";

/** `CertID` of RFC 6960 §4.1.1, as read from a request. */
export interface CertId {
  hashAlgorithm: CertIdHashAlgorithm;
  /** Hash of the DER of the issuer's subject Name. */
  issuerNameHash: Uint8Array;
  /** Hash of the issuer's subjectPublicKey bits (no tag, length or unused-bits octet). */
  issuerKeyHash: Uint8Array;
  /** The serial number as minimal lowercase hex of its magnitude (see `integerToHex`). */
  serialNumber: string;
  /** The CertID exactly as the client encoded it; echoed in the SingleResponse. */
  der: Uint8Array;
}

export interface IssuerHashPair {
  nameHash: Uint8Array;
  keyHash: Uint8Array;
}

/** A CA's issuerNameHash and issuerKeyHash under each CertID hash algorithm. */
export type IssuerHashes = Record<CertIdHashAlgorithm, IssuerHashPair>;

const NODE_HASH: Record<CertIdHashAlgorithm, string> = { "SHA-1": "sha1", "SHA-256": "sha256" };

/**
 * Computes once per CA what every CertID naming it carries (RFC 6960 §4.1.1), so a responder
 * finds the CA of a request with two byte comparisons instead of hashing per request.
 */
export function computeIssuerHashes(caCertificate: Uint8Array): IssuerHashes {
  const ca = readCertificateFacts(caCertificate);
  const pair = (algorithm: CertIdHashAlgorithm): IssuerHashPair => ({
    nameHash: createHash(NODE_HASH[algorithm]).update(ca.subject).digest(),
    keyHash: createHash(NODE_HASH[algorithm]).update(ca.subjectPublicKey).digest(),
  });
  return { "SHA-1": pair("SHA-1"), "SHA-256": pair("SHA-256") };
}

/** Whether a CertID names the CA whose hashes these are. */
export function certIdMatchesIssuer(certId: CertId, hashes: IssuerHashes): boolean {
  const expected = hashes[certId.hashAlgorithm];
  return (
    sameBytes(certId.issuerKeyHash, expected.keyHash) &&
    sameBytes(certId.issuerNameHash, expected.nameHash)
  );
}

const ALGORITHM_IDENTIFIER: Record<CertIdHashAlgorithm, Uint8Array> = {
  // Written with NULL parameters, as OpenSSL writes them; readers accept both forms (RFC 5754 §2).
  "SHA-1": sequence(OID.sha1, DER_NULL),
  "SHA-256": sequence(OID.sha256, DER_NULL),
};

/**
 * The CertID for one of a CA's serials (hex), for responses produced before any request asks
 * (pre-produced responses, RFC 5019 §2.2.2; RFC 6960 §2.2). Clients match a SingleResponse to
 * their request by hash algorithm, hashes and serial (OpenSSL's OCSP_id_cmp), not by bytes.
 */
export function encodeCertId(
  hashAlgorithm: CertIdHashAlgorithm,
  hashes: IssuerHashes,
  serialNumber: string,
): CertId {
  const { nameHash, keyHash } = hashes[hashAlgorithm];
  const serial = serialNumberDer(serialNumber);
  return {
    hashAlgorithm,
    issuerNameHash: nameHash,
    issuerKeyHash: keyHash,
    serialNumber: integerToHex(serial.subarray(2)),
    der: sequence(
      ALGORITHM_IDENTIFIER[hashAlgorithm],
      octetString(nameHash),
      octetString(keyHash),
      serial,
    ),
  };
}
