import type { Page, PageRequest } from "../../lib/cursor.js";
import type { IssuerType, StoredCertificateStatus } from "../../store/tables/pki.table.js";

export type { IssuerType, StoredCertificateStatus };

/** What a reader sees: the stored lifecycle status, or "expired" computed from `expiresAt`. */
export type CertificateStatus = StoredCertificateStatus | "expired";
export const CERTIFICATE_STATUSES: readonly CertificateStatus[] = [
  "active",
  "expired",
  "revoked",
  "renewal_failed",
  "superseded",
];
export const ISSUER_TYPES: readonly IssuerType[] = [
  "issued",
  "imported",
  "self_signed",
  "acme",
  "discovered",
];

export interface TypedSan {
  type: string;
  value: string;
}

/** One inventory row, as list items and the detail view carry it. */
export interface InventoryCertificate {
  id: string;
  projectId: string;
  caId: string | null;
  profileId: string | null;
  issuerType: IssuerType;
  status: CertificateStatus;
  commonName: string;
  sans: TypedSan[];
  subjectDn: string;
  issuerDn: string;
  serialNumber: string;
  fingerprintSha256: string;
  fingerprintSha1: string;
  keyType: string;
  keySize: number | null;
  notBefore: Date;
  expiresAt: Date;
  hasPrivateKey: boolean;
  isKeyDownloadable: boolean;
  revokedAt: Date | null;
  revocationReason: string | null;
  predecessorId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The detail view: the row plus the DER, its chain and what only parsing shows. */
export interface InventoryCertificateDetail extends InventoryCertificate {
  certificateDer: Uint8Array;
  /** Issuer certificates, PEM, nearest first ("" for none). */
  chainPem: string;
  successorIds: string[];
  keyRef: string | null;
}

export type CertificateSort = "expires_at" | "created_at" | "common_name";
export type SortOrder = "asc" | "desc";

export interface CertificateFilter {
  /** Alternatives (OR); computed "expired" included. */
  statuses?: readonly CertificateStatus[] | undefined;
  /** Not yet expired, and expiring at most this many days from now. */
  expiringWithinDays?: number | undefined;
  issuerTypes?: readonly IssuerType[] | undefined;
  caIds?: readonly string[] | undefined;
  profileIds?: readonly string[] | undefined;
  /** A name prefix (CN or SAN, case-insensitive), or an exact serial or fingerprint (hex). */
  q?: string | undefined;
}

export interface CertificateListRequest extends PageRequest {
  filter: CertificateFilter;
  sort?: CertificateSort | undefined;
  order?: SortOrder | undefined;
}

export type CertificatePage = Page<InventoryCertificate>;
