/**
 * Inventory read rules: the status a reader sees (expiry is computed at read time, never
 * stored stale) and what a `q` search term can be besides a name.
 */

import type { CertificateStatus, StoredCertificateStatus } from "./inventory.types.js";

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
 * `q` as hex (a serial number or fingerprint), accepting colons and spaces as OpenSSL prints
 * them, lower-cased as stored; null when `q` is not hex.
 */
export function hexQuery(q: string): string | null {
  const compact = q.replace(/[:\s]/g, "").toLowerCase();
  return /^[0-9a-f]+$/.test(compact) ? compact : null;
}

/**
 * The stored forms of a serial number `q` may name: as given, and without the leading zero
 * octets that DER (and OpenSSL's output) add to keep a serial positive.
 */
export function serialCandidates(hex: string): string[] {
  const trimmed = hex.replace(/^(00)+/, "");
  return trimmed !== hex && trimmed !== "" ? [hex, trimmed] : [hex];
}
