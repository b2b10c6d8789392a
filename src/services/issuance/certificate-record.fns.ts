import type { CertificateInfo } from "../../pki/certificate-info.js";
import type { IssuerType, StoredCertificateStatus } from "../../store/tables/pki.table.js";

/** A typed SAN as stored and shown (`{"type":"dns","value":"www.example.com"}`). */
export interface StoredSan {
  type: string;
  value: string;
}

/** One row of the certificate inventory, as written at issuance (or import). */
export interface CertificateRecord {
  id: string;
  projectId: string;
  caId: string | null;
  profileId: string | null;
  issuerType: IssuerType;
  status: StoredCertificateStatus;
  commonName: string;
  sans: StoredSan[];
  subjectDn: string;
  issuerDn: string;
  issuerKeyId: string | null;
  serialNumber: string;
  fingerprintSha256: string;
  fingerprintSha1: string;
  keyType: string;
  keySize: number | null;
  notBefore: Date;
  expiresAt: Date;
  certificateDer: Uint8Array;
  /** Issuer chain above the certificate, PEM, nearest issuer first. */
  chainPem: string;
  keyRef: string | null;
  isKeyDownloadable: boolean;
  predecessorId: string | null;
  createdBy: string;
  createdAt: Date;
}

/** The inventory's key type: ours (`ECDSA-P256`) or a description of a foreign one (`RSA-1024`). */
export function keyTypeOf(info: CertificateInfo): string {
  const key = info.publicKey;
  if (key.keyType) return key.keyType;
  if (key.algorithm === "RSA") return `RSA-${key.sizeBits}`;
  if (key.algorithm === "EC") return `EC-${key.curve ?? "unknown"}`;
  return key.algorithm;
}

/** The inventory fields that come from the certificate itself. */
export function recordFieldsOf(
  info: CertificateInfo,
): Pick<
  CertificateRecord,
  | "commonName"
  | "sans"
  | "subjectDn"
  | "issuerDn"
  | "issuerKeyId"
  | "serialNumber"
  | "fingerprintSha256"
  | "fingerprintSha1"
  | "keyType"
  | "keySize"
  | "notBefore"
  | "expiresAt"
  | "certificateDer"
> {
  return {
    commonName: info.commonName ?? "",
    sans: info.subjectAltNames.map((name) => ({ type: name.type, value: name.value })),
    subjectDn: info.subject.text,
    issuerDn: info.issuer.text,
    issuerKeyId: info.authorityKeyIdentifier,
    serialNumber: info.serialNumberHex,
    fingerprintSha256: info.fingerprintSha256,
    fingerprintSha1: info.fingerprintSha1,
    keyType: keyTypeOf(info),
    keySize: info.publicKey.sizeBits > 0 ? info.publicKey.sizeBits : null,
    notBefore: info.notBefore,
    expiresAt: info.notAfter,
    certificateDer: info.der,
  };
}

/**
 * The lower-cased names `q` finds a certificate by: its CN and every SAN value, once each
 * (certificate_names rows).
 */
export function searchNamesOf(record: Pick<CertificateRecord, "commonName" | "sans">): string[] {
  const names = new Set<string>();
  if (record.commonName) names.add(record.commonName.toLowerCase());
  for (const san of record.sans) if (san.value) names.add(san.value.toLowerCase());
  return [...names];
}
