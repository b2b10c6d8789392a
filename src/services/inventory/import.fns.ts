/**
 * Turns an import upload (PEM bundle, DER, PKCS#12, optional private key) into the certificates
 * the inventory stores: each leaf of the upload with its issuer chain and, when one was given,
 * its private key. Pure: no store, no clock.
 */

import { createPrivateKey } from "node:crypto";

import { isSignedBy, parseCertificate, parseCertificates } from "../../pki/certificate-info.js";
import type { CertificateInfo } from "../../pki/certificate-info.js";
import { PkiError } from "../../pki/errors.js";
import { parsePkcs12 } from "../../pki/pkcs12-read.js";
import { publicKeyOfPrivateKey } from "../../pki/private-key.js";

/** One entry of an import request, as the route decoded it (base64 already turned to bytes). */
export type ImportSource =
  | { kind: "pem"; pem: string; privateKeyPem?: string | undefined; password?: string | undefined }
  | { kind: "der"; der: Uint8Array }
  | { kind: "pkcs12"; der: Uint8Array; password: string };

export interface ImportCandidate {
  certificate: CertificateInfo;
  /** Issuers found in the same upload, nearest first. */
  chain: CertificateInfo[];
  /** PKCS#8 DER of the certificate's key, when the upload carried it. */
  privateKey: Uint8Array | null;
}

/** At most this many certificates per upload entry: a bundle, not a database dump. */
export const MAX_CERTIFICATES_PER_SOURCE = 1000;

/** `issuer` issued `subject`: names chain byte for byte and the signature verifies. */
function issued(issuer: CertificateInfo, subject: CertificateInfo): boolean {
  return (
    issuer !== subject &&
    Buffer.compare(subject.issuer.der, issuer.subject.der) === 0 &&
    isSignedBy(subject, issuer)
  );
}

/**
 * Groups a bundle into leaves with their chains. A certificate that issued another one of the
 * same bundle is chain material (fullchain.pem, a PKCS#12 with its CA certificates); every other
 * certificate is a leaf to import. A bundle of unrelated certificates thus imports each of them.
 */
export function groupBundle(
  certificates: CertificateInfo[],
): Omit<ImportCandidate, "privateKey">[] {
  const unique = dedupe(certificates);
  const isIssuer = new Set<CertificateInfo>();
  for (const candidate of unique) {
    if (unique.some((other) => issued(candidate, other))) isIssuer.add(candidate);
  }
  return unique
    .filter((certificate) => !isIssuer.has(certificate))
    .map((certificate) => ({ certificate, chain: chainOf(certificate, unique) }));
}

function dedupe(certificates: CertificateInfo[]): CertificateInfo[] {
  const seen = new Set<string>();
  return certificates.filter((c) => {
    if (seen.has(c.fingerprintSha256)) return false;
    seen.add(c.fingerprintSha256);
    return true;
  });
}

/** Walks issuer links inside the bundle, nearest first; stops at a root or a missing link. */
function chainOf(leaf: CertificateInfo, pool: CertificateInfo[]): CertificateInfo[] {
  const chain: CertificateInfo[] = [];
  const visited = new Set<CertificateInfo>([leaf]);
  let current = leaf;
  while (!current.isSelfIssued) {
    const issuer = pool.find((c) => !visited.has(c) && issued(c, current));
    if (!issuer) break;
    chain.push(issuer);
    visited.add(issuer);
    current = issuer;
  }
  return chain;
}

/**
 * PKCS#8 DER of a PEM private key in any form OpenSSL writes (PKCS#8, encrypted PKCS#8,
 * traditional RSA/EC keys), decrypted with `password` when it is encrypted.
 */
export function readPrivateKeyPem(pem: string, password: string | undefined): Uint8Array {
  try {
    const key = createPrivateKey({
      key: pem,
      format: "pem",
      ...(password === undefined ? {} : { passphrase: password }),
    });
    return new Uint8Array(key.export({ type: "pkcs8", format: "der" }));
  } catch (cause) {
    const encrypted = /ENCRYPTED|Proc-Type: 4,ENCRYPTED/.test(pem);
    throw new PkiError(
      encrypted ? "wrong_password" : "bad_pem",
      encrypted
        ? "the private key does not open with this password"
        : "the private key is not a PEM private key",
      { details: [{ field: "private_key" }], cause },
    );
  }
}

function sameKey(privateKey: Uint8Array, certificate: CertificateInfo): boolean {
  const spki = publicKeyOfPrivateKey(privateKey);
  return Buffer.compare(spki, certificate.publicKey.spki) === 0;
}

/** Attaches `privateKey` to the one leaf it belongs to; refuses a key that fits none. */
function attachKey(
  groups: Omit<ImportCandidate, "privateKey">[],
  privateKey: Uint8Array | null,
): ImportCandidate[] {
  if (privateKey === null) return groups.map((g) => ({ ...g, privateKey: null }));
  const owner = groups.find((g) => sameKey(privateKey, g.certificate));
  if (!owner) {
    throw new PkiError("invalid_input", "the private key belongs to none of the certificates", {
      details: [{ field: "private_key", rule: "key_matches_certificate" }],
    });
  }
  return groups.map((g) => ({ ...g, privateKey: g === owner ? privateKey : null }));
}

/** Parses one import entry; throws PkiError (bad_pem, bad_certificate, wrong_password…). */
export function parseImportSource(source: ImportSource): ImportCandidate[] {
  let certificates: CertificateInfo[];
  let privateKey: Uint8Array | null = null;
  switch (source.kind) {
    case "pem":
      certificates = parseCertificates(source.pem);
      if (source.privateKeyPem !== undefined) {
        privateKey = readPrivateKeyPem(source.privateKeyPem, source.password);
      }
      break;
    case "der":
      certificates = [parseCertificate(source.der)];
      break;
    case "pkcs12": {
      const contents = parsePkcs12(source.der, source.password);
      if (contents.certificate === null) {
        throw new PkiError("bad_keystore", "the PKCS#12 file holds no certificate");
      }
      certificates = [contents.certificate, ...contents.chain].map((der) => parseCertificate(der));
      privateKey = contents.privateKey;
      break;
    }
  }
  if (certificates.length > MAX_CERTIFICATES_PER_SOURCE) {
    throw new PkiError(
      "invalid_input",
      `an upload holds at most ${MAX_CERTIFICATES_PER_SOURCE} certificates`,
      { details: [{ limit: MAX_CERTIFICATES_PER_SOURCE, found: certificates.length }] },
    );
  }
  return attachKey(groupBundle(certificates), privateKey);
}
