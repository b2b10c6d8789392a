import { createHash } from "node:crypto";

import type { AuditEntry } from "./audit.types.js";
import { canonicalJson } from "./canonical-json.fns.js";

/** prev_hash of the first entry: there is nothing before it. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * An entry as it leaves the server (API list items, JSON-lines export): snake_case, time as
 * ISO 8601 UTC with milliseconds. The hash is defined over exactly this record, so an auditor can
 * recompute it from an export without knowing how we store rows (docs/audit.md).
 */
export interface AuditRecord {
  sequence: number;
  id: string;
  created_at: string;
  actor_type: AuditEntry["actorType"];
  actor_id: string;
  actor_name: string;
  action: string;
  target_type: string;
  target_id: string | null;
  project_id: string | null;
  result: AuditEntry["result"];
  error_code: string | null;
  request_id: string | null;
  source_ip: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** Column order of the CSV export. */
export const AUDIT_RECORD_FIELDS = [
  "sequence",
  "id",
  "created_at",
  "actor_type",
  "actor_id",
  "actor_name",
  "action",
  "target_type",
  "target_id",
  "project_id",
  "result",
  "error_code",
  "request_id",
  "source_ip",
  "details",
  "prev_hash",
  "hash",
] as const satisfies readonly (keyof AuditRecord)[];

export function toAuditRecord(entry: AuditEntry): AuditRecord {
  return {
    sequence: entry.sequence,
    id: entry.id,
    created_at: entry.createdAt.toISOString(),
    actor_type: entry.actorType,
    actor_id: entry.actorId,
    actor_name: entry.actorName,
    action: entry.action,
    target_type: entry.targetType,
    target_id: entry.targetId,
    project_id: entry.projectId,
    result: entry.result,
    error_code: entry.errorCode,
    request_id: entry.requestId,
    source_ip: entry.sourceIp,
    details: entry.details,
    prev_hash: entry.prevHash,
    hash: entry.hash,
  };
}

/**
 * hash = lowercase hex SHA-256 of the UTF-8 canonical JSON (RFC 8785) of the record without its
 * `hash` member. `prev_hash` is inside the hashed record, which is what chains the entries: changing
 * any entry changes its hash, which no longer matches the next entry's prev_hash.
 */
export function entryHash(entry: Omit<AuditEntry, "hash">): string {
  const { hash: _hash, ...hashed } = toAuditRecord({ ...entry, hash: "" });
  return createHash("sha256").update(canonicalJson(hashed), "utf8").digest("hex");
}
