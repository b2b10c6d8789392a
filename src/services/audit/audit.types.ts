export type AuditResult = "success" | "failure";

/** What a mutation says about itself; the audit service adds actor, time, sequence and hashes. */
export interface AuditSpec {
  /** `<target_type>.<verb>`, e.g. "certificate.issue", "api_key.regenerate". */
  action: string;
  targetType: string;
  targetId?: string | null;
  projectId?: string | null;
  /** Context without secrets: never a password, token, key or PIN. */
  details?: Record<string, unknown>;
}

export interface AuditOutcome {
  /** Known only after the write (e.g. the id of a created row). */
  targetId?: string | null;
  projectId?: string | null;
  details?: Record<string, unknown>;
  /** Defaults to "success"; `record()` writes "failure" entries itself. */
  result?: AuditResult;
  /** The AppError code of a failed mutation (`not_found`, `conflict`…). */
  errorCode?: string | null;
}

export interface AuditEntry {
  sequence: number;
  id: string;
  createdAt: Date;
  actorType: "user" | "api_key" | "system";
  actorId: string;
  actorName: string;
  action: string;
  targetType: string;
  targetId: string | null;
  projectId: string | null;
  result: AuditResult;
  /** Why a failure failed (an AppError code); null on success. */
  errorCode: string | null;
  requestId: string | null;
  sourceIp: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** List and export filters; every field narrows (AND), list values are alternatives (OR). */
export interface AuditFilter {
  /** `project` matches `project.create`, `project.update`…; `project.create` matches exactly. */
  actions?: readonly string[] | undefined;
  /** Matches the actor id or the actor name. */
  actors?: readonly string[] | undefined;
  targetTypes?: readonly string[] | undefined;
  targetId?: string | undefined;
  projectIds?: readonly string[] | undefined;
  result?: AuditResult | undefined;
  requestId?: string | undefined;
  /** Inclusive lower bound on the entry's time. */
  since?: Date | undefined;
  /** Exclusive upper bound on the entry's time. */
  until?: Date | undefined;
}

export type AuditOrder = "asc" | "desc";

export type ChainBreak =
  /** The stored hash is not SHA-256 of the entry's own fields: a column was edited. */
  | "hash_mismatch"
  /** prev_hash is not the hash of the entry before: an entry was replaced or re-hashed. */
  | "chain_broken"
  /** A sequence number is absent: an entry was deleted. */
  | "missing"
  /** The newest entry is not the one the chain head names: entries were removed or added at the end. */
  | "head_mismatch";

export interface ChainVerification {
  isValid: boolean;
  entriesChecked: number;
  fromSequence: number;
  toSequence: number;
  firstInvalidSequence: number | null;
  reason: ChainBreak | null;
  /** The chain head when verification started: export it to detect a full rewrite later. */
  headSequence: number;
  headHash: string;
}

export interface ChainHead {
  sequence: number;
  hash: string;
}
