/** Cisco IP-phone security (issue 6); see src/store/migrations/20261123120000_cisco.ts. */

/** A phone known to CAPF (spec §5.2). */
export interface CiscoDevicesTable {
  id: string;
  project_id: string;
  /** `SEP` + 12 uppercase hex digits; unique per project. */
  name: string;
  description: string;
  operation: string;
  authentication: string;
  /** scrypt hash of the authentication string; never the string itself. */
  password_hash: string | null;
  key_type: string;
  key_size: number | null;
  curve: string | null;
  status: string;
  /** The phone's LSC (issued or fetched) or MIC (supplied), DER. */
  certificate_der: Buffer | null;
  /** "lsc" | "mic". */
  certificate_kind: string | null;
  serial_number: string | null;
  not_valid_before: number | null;
  not_valid_after: number | null;
  /** The last encrypted config (`SEP<MAC>.cnf.xml.enc.sgn`) and its `.cnf.xml.sgn` stub. */
  config_enc_sgn: Buffer | null;
  config_stub_sgn: Buffer | null;
  config_updated_at: number | null;
  created_at: number;
  updated_at: number;
}

/** A certificate the TVS vouches for (spec §6), keyed by SHA-256 of its DER. */
export interface CiscoTrustEntriesTable {
  project_id: string;
  fingerprint: string;
  certificate_der: Buffer;
  subject: string;
  /** JSON array of role names, in spec §6 order. */
  roles: string;
  ttl_seconds: number;
  description: string;
  created_at: number;
}

/** A certificate and the custody key that signs with it: "sast", "tftp" or "capf_issuer". */
export interface CiscoSignersTable {
  project_id: string;
  purpose: string;
  certificate_der: Buffer;
  key_ref: string;
  created_at: number;
}

export interface CiscoSettingsTable {
  project_id: string;
  /** A CA of the project that issues LSCs; when null the "capf_issuer" signer does. */
  capf_issuer_ca_id: string | null;
  lsc_validity_days: number;
  updated_at: number;
}
