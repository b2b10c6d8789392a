/** One row per audit entry; rows are only ever inserted (see services/audit). */
export interface AuditEntriesTable {
  /** 1, 2, 3… without gaps: a gap is a deleted entry. */
  sequence: number;
  id: string;
  created_at: number;
  actor_type: "user" | "api_key" | "system";
  actor_id: string;
  actor_name: string;
  action: string;
  target_type: string;
  target_id: string | null;
  /** Deliberately not a foreign key: the entry outlives the project it names. */
  project_id: string | null;
  result: "success" | "failure";
  error_code: string | null;
  request_id: string | null;
  source_ip: string | null;
  /** Canonical JSON text (not jsonb, which would re-format what was hashed). */
  details: string;
  prev_hash: string;
  hash: string;
}

/**
 * The single row (id = 1) every append locks and advances, so concurrent writers on any number of
 * nodes take turns and the chain stays linear.
 */
export interface AuditHeadTable {
  id: number;
  last_sequence: number;
  last_hash: string;
}
