import type { Clock } from "../lib/clock.js";
import { validationFailed } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import type { Db } from "../store/db.js";

import type { EnqueueInput, EnqueueResult, JobType } from "./job.types.js";
import * as repo from "./jobs.repo.js";

export const DEFAULT_MAX_ATTEMPTS = 5;
const MAX_ATTEMPTS_LIMIT = 100;
const DEDUPE_KEY_MAX = 200;

export interface JobQueueDeps {
  clock: Clock;
}

/**
 * Enqueueing, for services. `enqueue` takes the caller's transaction (or the plain db handle),
 * so a job exists exactly when the change it is about was committed (STYLE.md §6).
 */
export function createJobQueue(deps: JobQueueDeps) {
  async function enqueue<T extends JobType>(
    db: Db,
    input: EnqueueInput<T>,
    options: { scheduleId?: string } = {},
  ): Promise<EnqueueResult> {
    const maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
      throw validationFailed(`maxAttempts is an integer from 1 to ${MAX_ATTEMPTS_LIMIT}.`, [
        { field: "maxAttempts", value: maxAttempts },
      ]);
    }
    if (input.dedupeKey !== undefined && input.dedupeKey.length > DEDUPE_KEY_MAX) {
      throw validationFailed(`A job dedupe key is at most ${DEDUPE_KEY_MAX} characters.`, [
        { field: "dedupeKey" },
      ]);
    }
    const payload = JSON.stringify(input.payload ?? null);
    // Two rounds at most: the holder of the dedupe key may finish between our insert and read.
    for (let round = 0; round < 2; round++) {
      const now = deps.clock.now();
      const id = newId("job");
      const inserted = await repo.insertJob(db, {
        id,
        type: input.type,
        payload,
        maxAttempts,
        runAt: input.runAt ?? now,
        dedupeKey: input.dedupeKey ?? null,
        scheduleId: options.scheduleId ?? null,
        now,
      });
      if (inserted) return { id, isDuplicate: false };
      if (input.dedupeKey === undefined) break;
      const existing = await repo.findPendingIdByDedupeKey(db, input.dedupeKey);
      if (existing) return { id: existing, isDuplicate: true };
    }
    throw new Error(`could not enqueue a "${input.type}" job: its row conflicted twice`);
  }

  return { enqueue };
}

export type JobQueue = ReturnType<typeof createJobQueue>;
