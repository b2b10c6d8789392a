/**
 * Private CAs, profiles, project policies and the certificate inventory
 * (migration 20261123100000_pki). Times are epoch milliseconds, booleans 0/1, JSON is text.
 */

export type CaType = "root" | "intermediate" | "external";
export type CaStatus = "active" | "disabled" | "pending_certificate";

export interface CasTable {
  id: string;
  project_id: string;
  name: string;
  type: CaType;
  status: CaStatus;
  parent_ca_id: string | null;
  /** Null for an external issuer known only by its certificate. */
  key_backend: string | null;
  key_ref: string | null;
  key_type: string;
  /** Null while `pending_certificate`. */
  certificate_der: Buffer | null;
  /** The CSR exported for an intermediate signed elsewhere. */
  csr_der: Buffer | null;
  /** Issuer chain above this CA, PEM, nearest issuer first; "" for a root. */
  chain_pem: string;
  subject_dn: string;
  serial_number: string | null;
  /** Hex SubjectKeyIdentifier. */
  subject_key_id: string | null;
  not_before: number | null;
  not_after: number | null;
  path_length: number | null;
  /** JSON `{"permitted":[…],"excluded":[…]}` or null. */
  name_constraints: string | null;
  /** JSON object; `crl`/`ocsp` keys belong to the revocation service. */
  settings: string;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export interface ProfilesTable {
  id: string;
  project_id: string;
  name: string;
  description: string;
  ca_id: string | null;
  /** JSON array of key types, or null for any. */
  allowed_key_types: string | null;
  default_key_type: string | null;
  validity_days: number;
  max_validity_days: number | null;
  /** JSON arrays of names (`digitalSignature`, `serverAuth`, …). */
  key_usage: string;
  extended_key_usage: string;
  /** JSON subject fields applied when the request leaves them out. */
  subject_defaults: string;
  /** JSON SAN rules (allowed types, max count, required). */
  san_rules: string;
  renewal_window_days: number;
  is_key_downloadable: number;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export interface ProjectPoliciesTable {
  project_id: string;
  /** JSON arrays, or null for any. */
  allowed_key_types: string | null;
  max_validity_days: number | null;
  allowed_domains: string | null;
  allow_wildcards: number;
  require_san: number;
  updated_by: string;
  updated_at: number;
}

export type IssuerType = "issued" | "imported" | "self_signed" | "acme" | "discovered";
/** Stored lifecycle facts only; "expired" is computed from `expires_at` at read time. */
export type StoredCertificateStatus = "active" | "revoked" | "renewal_failed" | "superseded";

export interface CertificatesTable {
  id: string;
  project_id: string;
  ca_id: string | null;
  profile_id: string | null;
  issuer_type: IssuerType;
  status: StoredCertificateStatus;
  common_name: string;
  /** JSON array of `{type, value}` SANs. */
  sans: string;
  subject_dn: string;
  issuer_dn: string;
  /** Hex AuthorityKeyIdentifier. */
  issuer_key_id: string | null;
  /** Lower-case hex. */
  serial_number: string;
  fingerprint_sha256: string;
  fingerprint_sha1: string;
  key_type: string;
  key_size: number | null;
  not_before: number;
  expires_at: number;
  certificate_der: Buffer;
  /** Issuer chain above the certificate, PEM, nearest issuer first. */
  chain_pem: string;
  /** A server-generated key under custody, or null. */
  key_ref: string | null;
  is_key_downloadable: number;
  revoked_at: number | null;
  /** RFC 5280 §5.3.1 reason name (`keyCompromise`, …). */
  revocation_reason: string | null;
  invalidity_date: number | null;
  predecessor_id: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
}

/**
 * Lower-cased CN and SAN values of each certificate, for `q` lookups by name, with the
 * certificate's sort keys (fixed for its life) so a page of matches comes from one index.
 */
export interface CertificateNamesTable {
  certificate_id: string;
  project_id: string;
  name: string;
  /** Copies of certificates.created_at, expires_at and common_name; null only before backfill. */
  created_at: number | null;
  expires_at: number | null;
  common_name: string | null;
}
