import { Type } from "typebox";

import type { ChainVerification } from "../../../services/audit/audit.types.js";
import { PageOf } from "../../schemas/common.js";

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const Hash = Type.String({ pattern: "^[0-9a-f]{64}$", description: "Lowercase hex SHA-256." });

export const AuditEntryJson = Type.Object(
  {
    sequence: Type.Integer({ minimum: 1, description: "1, 2, 3… without gaps." }),
    id: Type.String({ examples: ["aud_01JD3K9Z2X4Q8W6V5T7R1N0M3B"] }),
    created_at: Type.String({ format: "date-time" }),
    actor_type: Type.Union([Type.Literal("user"), Type.Literal("api_key"), Type.Literal("system")]),
    actor_id: Type.String(),
    actor_name: Type.String(),
    action: Type.String({ examples: ["project.create", "api_key.regenerate"] }),
    target_type: Type.String(),
    target_id: Nullable(Type.String()),
    project_id: Nullable(Type.String()),
    result: Type.Union([Type.Literal("success"), Type.Literal("failure")]),
    error_code: Nullable(Type.String({ description: "Why a failure failed." })),
    request_id: Nullable(Type.String({ description: "The X-Request-ID of the request." })),
    source_ip: Nullable(Type.String()),
    details: Type.Record(Type.String(), Type.Unknown(), {
      description: "Context; members named like secrets are always `[redacted]`.",
    }),
    prev_hash: Hash,
    hash: { ...Hash, description: "SHA-256 of this record (without `hash`) as RFC 8785 JSON." },
  },
  { title: "AuditEntry" },
);

export const AuditEntryPage = PageOf(AuditEntryJson, "AuditEntryPage");

const CommaList = (description: string) =>
  Type.String({ minLength: 1, maxLength: 1000, description: `${description} Comma list: OR.` });

export const AuditFilterFields = {
  actor: Type.Optional(CommaList("Actor id or name.")),
  action: Type.Optional(
    CommaList("An action (`project.create`) or a prefix of actions (`project`, `api_key`)."),
  ),
  target_type: Type.Optional(CommaList("Target type (`project`, `certificate`…).")),
  target_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  project: Type.Optional(CommaList("Project id.")),
  result: Type.Optional(Type.Union([Type.Literal("success"), Type.Literal("failure")])),
  request_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  since: Type.Optional(
    Type.String({ format: "date-time", description: "Entries at or after this time." }),
  ),
  until: Type.Optional(
    Type.String({ format: "date-time", description: "Entries before this time." }),
  ),
};

export const AuditListQuery = Type.Object(
  {
    ...AuditFilterFields,
    order: Type.Optional(
      Type.Union([Type.Literal("desc"), Type.Literal("asc")], {
        default: "desc",
        description: "By sequence; newest first by default.",
      }),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 500, default: 50, description: "Page size (max 500)." }),
    ),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1024, description: "The previous `next_cursor`." }),
    ),
  },
  { additionalProperties: false },
);

export const AuditExportQuery = Type.Object(
  {
    ...AuditFilterFields,
    format: Type.Optional(
      Type.Union([Type.Literal("csv"), Type.Literal("jsonl")], {
        default: "csv",
        description: "csv (RFC 4180, header row) or jsonl (one RFC 8785 JSON record per line).",
      }),
    ),
  },
  { additionalProperties: false },
);

export const AuditVerifyQuery = Type.Object(
  {
    from_sequence: Type.Optional(Type.Integer({ minimum: 1, description: "Default 1." })),
    to_sequence: Type.Optional(Type.Integer({ minimum: 1, description: "Default: the head." })),
  },
  { additionalProperties: false },
);

export const ChainVerificationJson = Type.Object(
  {
    valid: Type.Boolean(),
    entries_checked: Type.Integer(),
    from_sequence: Type.Integer(),
    to_sequence: Type.Integer(),
    first_invalid_sequence: Nullable(Type.Integer()),
    reason: Nullable(
      Type.Union(
        ["hash_mismatch", "chain_broken", "missing", "head_mismatch"].map((r) => Type.Literal(r)),
        {
          description:
            "hash_mismatch: the entry was edited; chain_broken: replaced or re-hashed; missing: deleted; head_mismatch: entries removed from or added after the end.",
        },
      ),
    ),
    head_sequence: Type.Integer(),
    head_hash: { ...Hash, description: "Keep a copy outside the server to detect a full rewrite." },
  },
  { title: "AuditChainVerification" },
);

export function chainVerificationJson(result: ChainVerification) {
  return {
    valid: result.isValid,
    entries_checked: result.entriesChecked,
    from_sequence: result.fromSequence,
    to_sequence: result.toSequence,
    first_invalid_sequence: result.firstInvalidSequence,
    reason: result.reason,
    head_sequence: result.headSequence,
    head_hash: result.headHash,
  };
}
