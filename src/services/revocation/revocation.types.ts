import type { RevocationReason } from "../../pki/revocation/index.js";

/** What revocation needs of a CA (the `cas` row, read-only here). */
export interface RevocationCa {
  id: string;
  projectId: string;
  name: string;
  status: "active" | "disabled" | "pending_certificate";
  /** Null for an external issuer: it has no key here, so nothing can be published for it. */
  keyRef: string | null;
  /** Null while the CA waits for its certificate. */
  certificateDer: Uint8Array | null;
  /** Issuer chain above the CA, PEM, nearest issuer first; "" for a root. */
  chainPem: string;
  notAfter: Date | null;
  settings: RevocationSettings;
}

/** The CA's `settings.crl` / `settings.ocsp`, with defaults applied (docs/revocation.md). */
export interface RevocationSettings {
  /** CRL nextUpdate − thisUpdate. */
  crlValidityHours: number;
  /** OCSP response nextUpdate − thisUpdate. */
  ocspValidityHours: number;
}

/** A certificate's revocation facts (the revocation columns of `certificates`). */
export interface CertificateRevocation {
  id: string;
  projectId: string;
  caId: string | null;
  serialNumber: string;
  status: string;
  revokedAt: Date | null;
  reason: RevocationReason | null;
  invalidityDate: Date | null;
  certificateDer: Uint8Array;
}

/**
 * One row of `ca_revocation_states` without the CRL's bytes (megabytes for a large CRL; read
 * with `findCrl` only to serve them). A CRL is stored when its times are.
 */
export interface RevocationState {
  caId: string;
  statusVersion: number;
  crlNumber: number;
  crlThisUpdate: Date | null;
  crlNextUpdate: Date | null;
  crlStatusVersion: number;
}

/** A CA's delegated OCSP responder. */
export interface OcspResponderRecord {
  caId: string;
  keyRef: string;
  certificateDer: Uint8Array;
  notBefore: Date;
  notAfter: Date;
}

/** A pre-signed OCSP response for one CertID. */
export interface StoredOcspResponse {
  caId: string;
  hashAlgorithm: "SHA-1" | "SHA-256";
  serialNumber: string;
  statusStamp: string;
  responderKeyRef: string;
  der: Uint8Array;
  etag: string;
  thisUpdate: Date;
  nextUpdate: Date;
}

/** The status of a serial as OCSP and CRLs report it. */
export interface SerialStatus {
  serialNumber: string;
  revokedAt: Date | null;
  reason: RevocationReason | null;
  invalidityDate: Date | null;
}

export interface RevokeInput {
  projectId: string;
  /** The certificate id, or its serial number in hex (colons allowed). */
  certificate: string;
  reason: RevocationReason;
  invalidityDate?: Date | undefined;
}

export interface RevocationResult {
  certificateId: string;
  serialNumber: string;
  caId: string;
  status: string;
  revokedAt: Date | null;
  reason: RevocationReason | null;
  invalidityDate: Date | null;
  /** Set when the certificate is itself a CA certificate: what revoking it does and does not do. */
  caNotice: string | null;
  /** When the CRL that lists the change is due (coalesced, RFC 5280 §5). */
  crlRefreshAt: Date;
}
