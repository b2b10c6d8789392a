export interface IdempotencyKeysTable {
  /** Who sent it (principal id, or "anonymous") + the key: keys are per caller. */
  scope: string;
  key: string;
  method: string;
  path: string;
  /** SHA-256 of method, path and canonical body: a different request under one key is a 409. */
  request_hash: string;
  state: "in_progress" | "complete";
  response_status: number | null;
  response_headers: string | null;
  response_body: string | null;
  created_at: number;
  expires_at: number;
}
