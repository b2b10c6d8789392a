import type { Generated } from "kysely";

/** Revocation publication state (migration 20261123110000_revocation). Times are epoch ms. */
export interface CaRevocationStatesTable {
  ca_id: string;
  /** Bumped by every revocation, hold or release of one of the CA's certificates. */
  status_version: Generated<number>;
  /** The number of the latest CRL; 0 before the first (RFC 5280 §5.2.3). */
  crl_number: Generated<number>;
  crl_der: Buffer | null;
  crl_this_update: number | null;
  crl_next_update: number | null;
  /** The `status_version` the stored CRL reflects. */
  crl_status_version: Generated<number>;
  created_at: number;
  updated_at: number;
}

/** A CA's delegated OCSP responder (RFC 6960 §4.2.2.2). */
export interface OcspRespondersTable {
  ca_id: string;
  key_ref: string;
  certificate_der: Buffer;
  not_before: number;
  not_after: number;
  created_at: number;
}

/** A pre-signed OCSP response for one CertID (RFC 5019 §2.2.2). */
export interface OcspResponsesTable {
  ca_id: string;
  /** "SHA-1" or "SHA-256": the CertID hash the response answers. */
  hash_algorithm: string;
  /** Minimal lowercase hex. */
  serial_number: string;
  /** The certificate's revocation state when signed; a mismatch means the row is stale. */
  status_stamp: string;
  responder_key_ref: string;
  response_der: Buffer;
  etag: string;
  this_update: number;
  next_update: number;
}
