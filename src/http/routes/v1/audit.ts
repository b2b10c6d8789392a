import { Readable } from "node:stream";

import type { FastifyInstance } from "fastify";
import type { Static } from "typebox";

import { validationFailed } from "../../../lib/errors.js";
import { toAuditRecord } from "../../../services/audit/audit-record.fns.js";
import type { AuditService } from "../../../services/audit/audit.service.js";
import type { AuditFilter } from "../../../services/audit/audit.types.js";
import { actorOf } from "../../actor.js";
import { errorResponses } from "../../schemas/common.js";

import {
  AuditEntryPage,
  AuditExportQuery,
  AuditListQuery,
  AuditVerifyQuery,
  ChainVerificationJson,
  chainVerificationJson,
} from "./audit.schemas.js";

const tags = ["audit"];
const access = { permission: "audit:read" } as const;

type FilterQuery = Omit<Static<typeof AuditExportQuery>, "format">;

function commaList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  return items.length > 0 ? items : undefined;
}

function time(field: "since" | "until", value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw validationFailed(`"${field}" is not an ISO 8601 date-time.`, [{ field, value }]);
  }
  return date;
}

export function filterOf(query: FilterQuery): AuditFilter {
  return {
    actors: commaList(query.actor),
    actions: commaList(query.action),
    targetTypes: commaList(query.target_type),
    targetId: query.target_id,
    projectIds: commaList(query.project),
    result: query.result,
    requestId: query.request_id,
    since: time("since", query.since),
    until: time("until", query.until),
  };
}

const EXPORT_TYPES = {
  csv: { contentType: "text/csv; charset=utf-8", extension: "csv" },
  jsonl: { contentType: "application/x-ndjson; charset=utf-8", extension: "jsonl" },
} as const;

/** The org-scoped audit log (seed 004 §03 `/api/v1/audit-logs`; issue 3 §6). */
export function auditRoutes(app: FastifyInstance, deps: { audit: AuditService }): void {
  const { audit } = deps;

  app.get<{ Querystring: Static<typeof AuditListQuery> }>(
    "/api/v1/audit-logs",
    {
      config: { access },
      schema: {
        summary: "List audit entries, newest first, with filters",
        tags,
        querystring: AuditListQuery,
        response: { 200: AuditEntryPage, ...errorResponses(400) },
      },
    },
    async (request) => {
      const { order, limit, cursor, ...filters } = request.query;
      const page = await audit.listEntries(actorOf(request), {
        filter: filterOf(filters),
        order,
        limit,
        cursor,
      });
      return { items: page.items.map(toAuditRecord), next_cursor: page.nextCursor };
    },
  );

  for (const mount of EXPORT_MOUNTS) auditExportRoutes(app, audit, mount.base, [...mount.tags]);
}

/** Export and verify at the native paths and at seed 003's `/api/audit/*`: one handler each. */
const EXPORT_MOUNTS = [
  { base: "/api/v1/audit-logs", tags: ["audit"] },
  { base: "/api/audit", tags: ["compat: cell appliance (seed 003)"] },
] as const;

function auditExportRoutes(
  app: FastifyInstance,
  audit: AuditService,
  base: string,
  tags: string[],
): void {
  app.get<{ Querystring: Static<typeof AuditExportQuery> }>(
    `${base}/export`,
    {
      config: { access },
      schema: {
        summary: "Export audit entries as CSV or JSON lines (streamed, oldest first)",
        tags,
        querystring: AuditExportQuery,
        response: {
          200: {
            description: "The matching entries, streamed.",
            content: {
              "text/csv": { schema: { type: "string" } },
              "application/x-ndjson": { schema: { type: "string" } },
            },
          },
          ...errorResponses(400),
        },
      },
    },
    (request, reply) => {
      const { format = "csv", ...filters } = request.query;
      const filter = filterOf(filters);
      const type = EXPORT_TYPES[format];
      const stamp = new Date().toISOString().slice(0, 10);
      return reply
        .type(type.contentType)
        .header(
          "content-disposition",
          `attachment; filename="audit-log-${stamp}.${type.extension}"`,
        )
        .send(Readable.from(audit.exportText(actorOf(request), filter, format)));
    },
  );

  app.get<{ Querystring: Static<typeof AuditVerifyQuery> }>(
    `${base}/verify`,
    {
      config: { access },
      schema: {
        summary: "Verify the hash chain and name the first broken entry",
        tags,
        querystring: AuditVerifyQuery,
        response: { 200: ChainVerificationJson, ...errorResponses(400) },
      },
    },
    async (request) =>
      chainVerificationJson(
        await audit.verifyChain(actorOf(request), {
          fromSequence: request.query.from_sequence,
          toSequence: request.query.to_sequence,
        }),
      ),
  );
}
