import type { Selectable } from "kysely";

import type { Db } from "../store/db.js";
import type { JobSchedulesTable } from "../store/tables/jobs.table.js";

export interface Schedule {
  id: string;
  name: string;
  cron: string;
  jobType: string;
  payload: string;
  nextRunAt: Date;
  isEnabled: boolean;
}

function toSchedule(row: Selectable<JobSchedulesTable>): Schedule {
  return {
    id: row.id,
    name: row.name,
    cron: row.cron,
    jobType: row.job_type,
    payload: row.payload,
    nextRunAt: new Date(row.next_run_at),
    isEnabled: row.is_enabled === 1,
  };
}

/**
 * Creates the schedule or updates its cron, type and payload. The next slot is kept when the
 * cron is unchanged, so every node re-declaring its built-in schedules at start-up neither skips
 * nor repeats a slot.
 */
export async function upsertSchedule(
  db: Db,
  schedule: {
    id: string;
    name: string;
    cron: string;
    jobType: string;
    payload: string;
    nextRunAt: Date;
    now: Date;
  },
): Promise<Schedule> {
  const row = await db
    .insertInto("job_schedules")
    .values({
      id: schedule.id,
      name: schedule.name,
      cron: schedule.cron,
      job_type: schedule.jobType,
      payload: schedule.payload,
      next_run_at: schedule.nextRunAt.getTime(),
      is_enabled: 1,
      created_at: schedule.now.getTime(),
      updated_at: schedule.now.getTime(),
    })
    .onConflict((oc) =>
      oc.column("name").doUpdateSet((eb) => ({
        cron: eb.ref("excluded.cron"),
        job_type: eb.ref("excluded.job_type"),
        payload: eb.ref("excluded.payload"),
        next_run_at: eb
          .case()
          .when("job_schedules.cron", "=", eb.ref("excluded.cron"))
          .then(eb.ref("job_schedules.next_run_at"))
          .else(eb.ref("excluded.next_run_at"))
          .end(),
        updated_at: eb.ref("excluded.updated_at"),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSchedule(row);
}

export async function findDueSchedules(db: Db, now: Date, limit: number): Promise<Schedule[]> {
  const rows = await db
    .selectFrom("job_schedules")
    .selectAll()
    .where("is_enabled", "=", 1)
    .where("next_run_at", "<=", now.getTime())
    .orderBy("next_run_at")
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map(toSchedule);
}

/**
 * Moves the schedule from `slot` to `next`, only if it is still at `slot`: of several workers
 * seeing the same due slot exactly one gets true (on PostgreSQL the others wait on the row lock,
 * then find next_run_at changed).
 */
export async function advanceSchedule(
  db: Db,
  claim: { id: string; slot: Date; next: Date; now: Date },
): Promise<boolean> {
  const result = await db
    .updateTable("job_schedules")
    .set({ next_run_at: claim.next.getTime(), updated_at: claim.now.getTime() })
    .where("id", "=", claim.id)
    .where("next_run_at", "=", claim.slot.getTime())
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findScheduleByName(db: Db, name: string): Promise<Schedule | null> {
  const row = await db
    .selectFrom("job_schedules")
    .selectAll()
    .where("name", "=", name)
    .executeTakeFirst();
  return row ? toSchedule(row) : null;
}
