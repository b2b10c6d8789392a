/**
 * What the inventory stores and searches about a certificate, derived once from its DER, and
 * the status a reader sees (expiry is computed at read time, never stored stale).
 */

import type { CertificateInfo } from "../../pki/certificate-info.js";
import type { PublicKeyInfo } from "../../pki/key-info.js";

import type { CertificateStatus, StoredCertificateStatus, TypedSan } from "./inventory.types.js";

export interface CertificateFacts {
  commonName: string;
  sans: TypedSan[];
  subjectDn: string;
  issuerDn: string;
  /** Hex AuthorityKeyIdentifier, linking the certificate to a CA of ours. */
  issuerKeyId: string | null;
  serialNumber: string;
  fingerprintSha256: string;
  fingerprintSha1: string;
  keyType: string;
  keySize: number | null;
  notBefore: Date;
  expiresAt: Date;
  /** Lower-cased CN and SAN values for `q` lookups, without duplicates. */
  names: string[];
}

/** Longest name kept for lookups: a DNS name is at most 253 characters, a URI can be long. */
const MAX_NAME_LENGTH = 512;

/** The 004 key type when we issue for it, else a readable label ("RSA-1024", "EC-1.3.132.0.10"). */
export function keyTypeLabel(key: PublicKeyInfo): string {
  if (key.keyType) return key.keyType;
  if (key.algorithm === "RSA") return `RSA-${key.sizeBits}`;
  if (key.algorithm === "EC") return `EC-${key.curve ?? "unknown"}`;
  return key.algorithm;
}

export function certificateFacts(info: CertificateInfo): CertificateFacts {
  const sans = info.subjectAltNames.map(({ type, value }) => ({ type, value }));
  const names = new Set<string>();
  for (const value of [info.commonName ?? "", ...sans.map((s) => s.value)]) {
    const name = value.trim().toLowerCase();
    if (name !== "" && name.length <= MAX_NAME_LENGTH) names.add(name);
  }
  return {
    commonName: info.commonName ?? "",
    sans,
    subjectDn: info.subject.text,
    issuerDn: info.issuer.text,
    issuerKeyId: info.authorityKeyIdentifier,
    serialNumber: info.serialNumberHex,
    fingerprintSha256: info.fingerprintSha256,
    fingerprintSha1: info.fingerprintSha1,
    keyType: keyTypeLabel(info.publicKey),
    keySize: info.publicKey.sizeBits > 0 ? info.publicKey.sizeBits : null,
    notBefore: info.notBefore,
    expiresAt: info.notAfter,
    names: [...names],
  };
}

/** RFC 5280 §4.1.2.5: valid through notAfter inclusive, so expired strictly after it. */
export function isExpired(expiresAt: Date, now: Date): boolean {
  return expiresAt.getTime() < now.getTime();
}

/** Revocation wins; then expiry; then the stored lifecycle status. */
export function effectiveStatus(
  stored: StoredCertificateStatus,
  expiresAt: Date,
  now: Date,
): CertificateStatus {
  if (stored === "revoked") return "revoked";
  return isExpired(expiresAt, now) ? "expired" : stored;
}

/**
 * What `q` can be besides a name: hex with optional colons or spaces (as OpenSSL prints
 * serials and fingerprints), normalised to the stored lower-case form without leading zeros
 * for serials.
 */
export function hexQuery(q: string): string | null {
  const compact = q.replace(/[:\s]/g, "").toLowerCase();
  return /^[0-9a-f]+$/.test(compact) ? compact : null;
}
