import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import type { Db } from "../../store/db.js";

import * as repo from "./idempotency.repo.js";
import type { BeginResult, IdempotentRequest, StoredResponse } from "./idempotency.types.js";

export interface IdempotencyServiceDeps {
  db: Db;
  clock: Clock;
  /** How long a key is remembered (seed 004: 24 h). */
  retentionMs?: number;
  /** How long a duplicate waits for the first request to finish before answering 409. */
  waitForInFlightMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Deterministic JSON: object keys sorted, so key order in a client's body does not matter. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function hashRequest(method: string, path: string, body: unknown): string {
  return createHash("sha256")
    .update(`${method} ${path}\n${canonicalJson(body ?? null)}`)
    .digest("hex");
}

/**
 * Idempotency-Key handling (seed 004 §09). The first request inserts an in-progress claim (a
 * unique row, so across nodes exactly one wins); duplicates wait for it and replay its stored
 * response, success or error. A different request under the same key is a 409.
 */
export function createIdempotencyService(deps: IdempotencyServiceDeps) {
  const { db, clock } = deps;
  const retentionMs = deps.retentionMs ?? DAY_MS;
  const waitMs = deps.waitForInFlightMs ?? 10_000;

  async function begin(request: IdempotentRequest): Promise<BeginResult> {
    const deadline = Date.now() + waitMs;
    for (let pollMs = 20; ; pollMs = Math.min(pollMs * 2, 250)) {
      const now = clock.now();
      await repo.deleteIfExpired(db, request.scope, request.key, now);
      const claimed = await repo.tryInsertClaim(db, {
        ...request,
        now,
        expiresAt: new Date(now.getTime() + retentionMs),
      });
      if (claimed) return { kind: "execute" };

      const existing = await repo.findRecord(db, request.scope, request.key);
      if (!existing) continue; // released between our insert and read: claim again
      if (existing.requestHash !== request.requestHash) {
        throw new AppError("idempotency_mismatch", {
          details: [{ header: "Idempotency-Key", key: request.key }],
        });
      }
      if (existing.state === "complete" && existing.response) {
        return { kind: "replay", response: existing.response };
      }
      if (Date.now() >= deadline) {
        throw new AppError("idempotency_in_progress", {
          details: [{ header: "Idempotency-Key", key: request.key }],
          headers: { "Retry-After": "1" },
        });
      }
      await sleep(pollMs);
    }
  }

  /** Records the outcome for replay. */
  async function complete(request: IdempotentRequest, response: StoredResponse): Promise<void> {
    await repo.completeRecord(db, request.scope, request.key, response);
  }

  /** Forgets the claim (server error, or an outcome we will not store), so the client may retry. */
  async function release(request: IdempotentRequest): Promise<void> {
    await repo.deleteRecord(db, request.scope, request.key);
  }

  function purgeExpired(): Promise<number> {
    return repo.deleteExpired(db, clock.now());
  }

  return { begin, complete, release, purgeExpired };
}

export type IdempotencyService = ReturnType<typeof createIdempotencyService>;
