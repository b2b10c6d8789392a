import type { Clock } from "../lib/clock.js";
import { validationFailed } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import type { Db } from "../store/db.js";

import { cronProblem, nextCronSlot } from "./cron.fns.js";
import type { JobPayloads, JobType } from "./job.types.js";
import type { JobQueue } from "./queue.js";
import * as repo from "./schedules.repo.js";

export interface SchedulesDeps {
  db: Db;
  clock: Clock;
  queue: JobQueue;
  /** A schedule that cannot be processed (hand-edited bad cron) is reported and skipped. */
  onScheduleError?: (scheduleName: string, error: unknown) => void;
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9._:-]{0,99}$/;
const DUE_BATCH = 20;

/**
 * Recurring jobs. Each schedule row holds its next slot; whichever worker first moves a due
 * slot forward (a conditional UPDATE) enqueues that slot's job in the same transaction, so a
 * slot yields exactly one job however many workers look. Slots missed while no worker ran
 * coalesce into one run: the next slot is computed from now, not from the missed one.
 */
export function createSchedules(deps: SchedulesDeps) {
  const { db, clock, queue } = deps;

  async function upsertSchedule<T extends JobType>(
    name: string,
    cron: string,
    type: T,
    payload: JobPayloads[T],
  ): Promise<repo.Schedule> {
    if (!NAME_PATTERN.test(name)) {
      throw validationFailed(
        `Schedule name "${name}" must be 1 to 100 lowercase letters, digits or . _ : -`,
        [{ field: "name" }],
      );
    }
    const problem = cronProblem(cron);
    if (problem) {
      throw validationFailed(`The cron expression "${cron}" is not valid: ${problem}.`, [
        { field: "cron", reason: problem },
      ]);
    }
    const now = clock.now();
    return repo.upsertSchedule(db, {
      id: newId("sch"),
      name,
      cron,
      jobType: type,
      payload: JSON.stringify(payload ?? null),
      nextRunAt: nextCronSlot(cron, now),
      now,
    });
  }

  function enqueueSlot(schedule: repo.Schedule, now: Date): Promise<boolean> {
    const next = nextCronSlot(schedule.cron, now);
    return db.transaction().execute(async (trx) => {
      const claimed = await repo.advanceSchedule(trx, {
        id: schedule.id,
        slot: schedule.nextRunAt,
        next,
        now,
      });
      if (!claimed) return false;
      await queue.enqueue(
        trx,
        {
          type: schedule.jobType as JobType,
          payload: JSON.parse(schedule.payload) as JobPayloads[JobType],
          runAt: schedule.nextRunAt,
        },
        { scheduleId: schedule.id },
      );
      return true;
    });
  }

  /** Enqueues one job for every due slot this caller wins; returns how many it enqueued. */
  async function enqueueDue(): Promise<number> {
    const now = clock.now();
    let enqueued = 0;
    for (const schedule of await repo.findDueSchedules(db, now, DUE_BATCH)) {
      try {
        if (await enqueueSlot(schedule, now)) enqueued++;
      } catch (error) {
        deps.onScheduleError?.(schedule.name, error);
      }
    }
    return enqueued;
  }

  return {
    upsertSchedule,
    enqueueDue,
    findScheduleByName: (name: string) => repo.findScheduleByName(db, name),
  };
}

export type Schedules = ReturnType<typeof createSchedules>;
