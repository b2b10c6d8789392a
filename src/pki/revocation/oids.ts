import { oid } from "./der-writer.js";

/** Encoded OBJECT IDENTIFIERs (tag, length and arcs) the revocation encoders write and match. */
export const OID = {
  // RFC 5280 §4.2.1.1, §4.2.1.2, §4.2.1.12 and the CRL extensions of §5.2, §5.3.
  authorityKeyIdentifier: oid("2.5.29.35"),
  subjectKeyIdentifier: oid("2.5.29.14"),
  extKeyUsage: oid("2.5.29.37"),
  cRLNumber: oid("2.5.29.20"),
  deltaCRLIndicator: oid("2.5.29.27"),
  reasonCode: oid("2.5.29.21"),
  invalidityDate: oid("2.5.29.24"),
  // RFC 6960 §4.2.1, §4.2.2.2, §4.4.1, §4.2.2.2.1.
  ocspBasic: oid("1.3.6.1.5.5.7.48.1.1"),
  ocspNonce: oid("1.3.6.1.5.5.7.48.1.2"),
  ocspNoCheck: oid("1.3.6.1.5.5.7.48.1.5"),
  kpOcspSigning: oid("1.3.6.1.5.5.7.3.9"),
  // Hash algorithms of a CertID (RFC 3279 §2.2.1, RFC 5754 §2).
  sha1: oid("1.3.14.3.2.26"),
  sha256: oid("2.16.840.1.101.3.4.2.1"),
  // Signature algorithms (RFC 4055 §5, RFC 5758 §3.2, RFC 8410 §3).
  sha256WithRSAEncryption: oid("1.2.840.113549.1.1.11"),
  ecdsaWithSha256: oid("1.2.840.10045.4.3.2"),
  ecdsaWithSha384: oid("1.2.840.10045.4.3.3"),
  ecdsaWithSha512: oid("1.2.840.10045.4.3.4"),
  ed25519: oid("1.3.101.112"),
} as const;

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
