/**
 * Remote signing through the CSC API v2 (issue 7, docs/csc.md). Secrets are stored only as
 * hashes: the PIN as scrypt, tokens and SADs (256 random bits each) as SHA-256.
 */

export type CscAuthMode = "explicit" | "token";

export interface CscCredentialsTable {
  id: string;
  /** The opaque `credentialID` that `/csc/v2` clients use. */
  credential_id: string;
  project_id: string;
  owner_user_id: string;
  name: string;
  description: string;
  key_ref: string;
  key_type: string;
  /** DER of the end-entity certificate; null while the credential waits for its certificate. */
  certificate_der: Buffer | null;
  /** JSON array of base64 DER CA certificates, issuer first. */
  chain: string;
  /** The certificate's notAfter (epoch ms), for `onlyValid`; null without a certificate. */
  not_after: number | null;
  /** The CA here that issued the certificate, when it came from one. */
  ca_id: string | null;
  auth_mode: CscAuthMode;
  /** scrypt hash of the PIN (explicit mode only). */
  pin_hash: string | null;
  pin_failed_attempts: number;
  /** Set when too many wrong PINs in a row lock the credential (cleared by a PIN reset). */
  pin_locked_at: number | null;
  /** JSON array of signature-algorithm OIDs the credential may use. */
  allowed_algorithms: string;
  /** Maximum signatures one authorization covers (CSC `multisign`). */
  multisign: number;
  /** "1", or "2" when a SAD must be bound to the hashes it may sign. */
  scal: string;
  is_enabled: number;
  created_at: number;
  updated_at: number;
}

export interface CscTokensTable {
  /** SHA-256 hex of the token. */
  token_hash: string;
  kind: "access" | "refresh";
  /** Tokens of one login share a grant: revoking its refresh token revokes them all. */
  grant_id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface CscSadsTable {
  /** SHA-256 hex of the current SAD; replaced when the transaction is extended. */
  sad_hash: string;
  /** The authorization transaction (stable across `extendTransaction`). */
  transaction_id: string;
  credential_pk: string;
  /** Who authorized: `user:<id>` or `api_key:<id>`; only that caller may use the SAD. */
  caller: string;
  remaining_signatures: number;
  /** Hash OID the SAD is bound to, with `hashes`; null when unbound (SCAL 1). */
  hash_algorithm_oid: string | null;
  /** JSON array of base64 digests still allowed, or null when unbound. */
  hashes: string | null;
  created_at: number;
  expires_at: number;
}

export interface CscConfigTable {
  id: number;
  name: string;
  region: string;
  lang: string;
  description: string;
  /** JSON array of CSC `authType` values. */
  auth_types: string;
  logo: Buffer | null;
  logo_content_type: string | null;
  updated_at: number;
}
