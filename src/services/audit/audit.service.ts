import type { Clock } from "../../lib/clock.js";
import { decodeCursor, encodeCursor, PAGE_LIMIT_DEFAULT, type Page } from "../../lib/cursor.js";
import { AppError, isAppError, validationFailed } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { Db } from "../../store/db.js";
import type { Actor } from "../actor.js";

import { csvHeader, csvRow, jsonLine } from "./audit-csv.fns.js";
import { entryHash, toAuditRecord } from "./audit-record.fns.js";
import * as repo from "./audit.repo.js";
import type {
  AuditEntry,
  AuditFilter,
  AuditOrder,
  AuditOutcome,
  AuditSpec,
  ChainHead,
  ChainVerification,
} from "./audit.types.js";
import { verifyStoredChain } from "./chain-verify.js";
import { redactDetails } from "./redact.fns.js";

export interface AuditServiceDeps {
  db: Db;
  clock: Clock;
  /** Rows per query when exporting or verifying: bounds memory whatever the size of the log. */
  batchSize?: number;
  /**
   * Told when the failure entry of a failed mutation could not be written (database down). The
   * caller still gets the mutation's own error, which is the one that explains what happened.
   */
  onFailureNotRecorded?: (error: unknown, spec: AuditSpec) => void;
}

export interface AuditListRequest {
  filter: AuditFilter;
  order?: AuditOrder | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
  /** Skip this many matching entries first: for adapters that page by offset (seed 003). */
  offset?: number | undefined;
}

export type AuditExportFormat = "csv" | "jsonl";

const ACTION_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

function sortTag(order: AuditOrder): string {
  return `sequence:${order}`;
}

function cursorSequence(cursor: string, order: AuditOrder): number {
  const { id } = decodeCursor(cursor, sortTag(order));
  const sequence = Number(id);
  if (!Number.isSafeInteger(sequence) || sequence < 0) {
    throw new AppError("invalid_cursor", { details: [{ field: "cursor", reason: "malformed" }] });
  }
  return sequence;
}

/** Actors restricted to some projects read only those projects' entries. */
function scopeOf(actor: Actor): readonly string[] | null {
  return actor.projectScope ?? null;
}

/**
 * The tamper-evident audit log (issue 3 §6). Every entry is chained to the one before by
 * SHA-256 (see audit-record.fns.ts and docs/audit.md) and written in the same transaction as the
 * change it describes, so a change and its entry commit or vanish together.
 */
export function createAuditService(deps: AuditServiceDeps) {
  const { db, clock } = deps;
  const batchSize = deps.batchSize ?? 500;

  /**
   * Appends one entry inside the caller's transaction `trx`. The head row stays locked until that
   * transaction ends, so keep the rest of it short.
   */
  async function append(
    trx: Db,
    actor: Actor,
    spec: AuditSpec,
    outcome: AuditOutcome = {},
  ): Promise<AuditEntry> {
    if (!ACTION_PATTERN.test(spec.action)) {
      throw new Error(`audit action "${spec.action}" is not <target_type>.<verb>`);
    }
    const { sequence, prevHash } = await repo.advanceHead(trx);
    const entry: Omit<AuditEntry, "hash"> = {
      sequence,
      id: newId("aud"),
      // Taken under the head lock, so time never runs backwards along the chain on one clock.
      createdAt: clock.now(),
      actorType: actor.type,
      actorId: actor.id,
      actorName: actor.name,
      action: spec.action,
      targetType: spec.targetType,
      targetId: outcome.targetId ?? spec.targetId ?? null,
      projectId: outcome.projectId ?? spec.projectId ?? null,
      result: outcome.result ?? "success",
      errorCode: outcome.errorCode ?? null,
      requestId: actor.requestId,
      sourceIp: actor.sourceIp,
      details: redactDetails({ ...spec.details, ...outcome.details }),
      prevHash,
    };
    const full: AuditEntry = { ...entry, hash: entryHash(entry) };
    await repo.insertEntryAsHead(trx, full);
    return full;
  }

  async function appendFailure(actor: Actor, spec: AuditSpec, error: unknown): Promise<void> {
    const code = isAppError(error) ? error.code : "internal_error";
    try {
      await db.transaction().execute(async (trx) => {
        await append(trx, actor, spec, {
          result: "failure",
          errorCode: code,
          // AppError messages are written for users and never hold secrets (STYLE.md §4).
          details: isAppError(error) ? { error_message: error.message } : {},
        });
      });
    } catch (auditError) {
      deps.onFailureNotRecorded?.(auditError, spec);
    }
  }

  /**
   * Runs `fn` in a transaction and appends its success entry in that same transaction. If `fn`
   * throws, everything it wrote is rolled back, one failure entry (with the error code) is written
   * in a transaction of its own, and the error is rethrown.
   */
  async function record<T>(
    actor: Actor,
    spec: AuditSpec,
    fn: (trx: Db) => Promise<T>,
    outcomeOf?: (result: T) => AuditOutcome,
  ): Promise<T> {
    try {
      return await db.transaction().execute(async (trx) => {
        const result = await fn(trx);
        await append(trx, actor, spec, outcomeOf?.(result));
        return result;
      });
    } catch (error) {
      await appendFailure(actor, spec, error);
      throw error;
    }
  }

  async function listEntries(actor: Actor, request: AuditListRequest): Promise<Page<AuditEntry>> {
    const order = request.order ?? "desc";
    const limit = request.limit ?? PAGE_LIMIT_DEFAULT;
    if (request.offset !== undefined && request.cursor !== undefined) {
      throw validationFailed("Page with either a cursor or an offset, not both.", [
        { field: "offset" },
      ]);
    }
    const rows = await repo.findEntries(db, {
      filter: request.filter,
      projectScope: scopeOf(actor),
      order,
      afterSequence:
        request.cursor === undefined ? undefined : cursorSequence(request.cursor, order),
      limit: limit + 1,
      offset: request.offset,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    const nextCursor =
      rows.length > limit && last
        ? encodeCursor({ sort: sortTag(order), id: String(last.sequence) })
        : null;
    return { items, nextCursor };
  }

  /**
   * Every matching entry, oldest first, fetched `batchSize` rows at a time. The end is fixed when
   * the export starts, so it terminates and is consistent however fast entries keep arriving.
   */
  async function* exportEntries(actor: Actor, filter: AuditFilter): AsyncGenerator<AuditEntry> {
    const { sequence: end } = await repo.readHead(db);
    let after = 0;
    for (;;) {
      const batch = await repo.findEntries(db, {
        filter,
        projectScope: scopeOf(actor),
        order: "asc",
        afterSequence: after,
        maxSequence: end,
        limit: batchSize,
      });
      yield* batch;
      const last = batch[batch.length - 1];
      if (!last || batch.length < batchSize) return;
      after = last.sequence;
    }
  }

  /** The export as text chunks: CSV (RFC 4180, with a header row) or JSON lines. */
  async function* exportText(
    actor: Actor,
    filter: AuditFilter,
    format: AuditExportFormat,
  ): AsyncGenerator<string> {
    if (format === "csv") yield csvHeader();
    for await (const entry of exportEntries(actor, filter)) {
      const record = toAuditRecord(entry);
      yield format === "csv" ? csvRow(record) : jsonLine(record);
    }
  }

  async function verifyChain(
    _actor: Actor,
    range: { fromSequence?: number | undefined; toSequence?: number | undefined } = {},
  ): Promise<ChainVerification> {
    const { fromSequence, toSequence } = range;
    if (fromSequence !== undefined && toSequence !== undefined && fromSequence > toSequence) {
      throw validationFailed("from_sequence is after to_sequence.", [
        { field: "from_sequence", value: fromSequence, to_sequence: toSequence },
      ]);
    }
    return verifyStoredChain(db, range, batchSize);
  }

  async function head(_actor: Actor): Promise<ChainHead> {
    const { sequence, hash } = await repo.readHead(db);
    return { sequence, hash };
  }

  return {
    append,
    record,
    /** One failure entry for a refused attempt that changed nothing (e.g. a failed login). */
    recordFailure: appendFailure,
    listEntries,
    exportEntries,
    exportText,
    verifyChain,
    head,
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
