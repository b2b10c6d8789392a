import { setTimeout as sleep } from "node:timers/promises";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { fixedClock } from "../../../src/lib/clock.js";
import type { Store } from "../../../src/store/db.js";
import { DIALECTS } from "../../support/dialects.js";
import { createTestStore, type TestDatabase } from "../../support/test-store.js";

import { createJobsNode, secondConnection, waitFor } from "./support/jobs-harness.js";

describe.each(DIALECTS)("recurring schedules on %s", (dialect) => {
  let first: Store & { database: TestDatabase };
  let second: Store;
  beforeAll(async () => {
    first = await createTestStore(dialect);
    second = secondConnection(first);
  });
  afterEach(async () => {
    await first.db.deleteFrom("jobs").execute();
    await first.db.deleteFrom("job_schedules").execute();
  });
  afterAll(async () => {
    if (second !== first) await second.close();
    await first.close();
  });

  const scheduledJobs = () =>
    first.db
      .selectFrom("jobs")
      .select(["run_at", "status", "payload"])
      .where("schedule_id", "is not", null)
      .orderBy("run_at")
      .execute();

  it("enqueues exactly one job per slot while two workers poll, coalescing missed slots", async () => {
    const clock = fixedClock(new Date("2026-11-23T10:00:30Z"));
    const a = createJobsNode(first, { clock });
    const b = createJobsNode(second, { clock });
    const ran: number[] = [];
    for (const node of [a, b]) {
      node.handlers.register("test.record", { run: (payload) => void ran.push(payload.n) });
    }
    const schedule = await a.schedules.upsertSchedule(
      "test.every-minute",
      "* * * * *",
      "test.record",
      { n: 42 },
    );
    expect(schedule.nextRunAt.toISOString()).toBe("2026-11-23T10:01:00.000Z");

    a.worker.start();
    b.worker.start();
    try {
      await sleep(150);
      expect(await scheduledJobs()).toEqual([]); // not due yet

      clock.set(new Date("2026-11-23T10:01:00Z"));
      await waitFor(async () => (await scheduledJobs())[0]?.status === "succeeded", "slot 10:01");
      await sleep(200); // many more polls by both workers at the same instant
      expect(await scheduledJobs()).toEqual([
        { run_at: Date.parse("2026-11-23T10:01:00Z"), status: "succeeded", payload: '{"n":42}' },
      ]);

      // The workers were away for 10:02 and 10:03: one catch-up run, then the next slot is 10:04.
      clock.set(new Date("2026-11-23T10:03:30Z"));
      await waitFor(async () => (await scheduledJobs())[1]?.status === "succeeded", "catch-up");
      await sleep(200);
      expect((await scheduledJobs()).map((j) => new Date(j.run_at).toISOString())).toEqual([
        "2026-11-23T10:01:00.000Z",
        "2026-11-23T10:02:00.000Z",
      ]);
      const after = await a.schedules.findScheduleByName("test.every-minute");
      expect(after?.nextRunAt.toISOString()).toBe("2026-11-23T10:04:00.000Z");
      expect(ran).toEqual([42, 42]);
    } finally {
      await Promise.all([a.worker.stop(1_000), b.worker.stop(1_000)]);
    }
  });

  it("lets exactly one of many simultaneous claimers enqueue a due slot", async () => {
    const clock = fixedClock(new Date("2026-11-23T12:00:00Z"));
    const a = createJobsNode(first, { clock });
    const b = createJobsNode(second, { clock });
    await a.schedules.upsertSchedule("test.hourly", "0 * * * *", "test.record", { n: 1 });
    clock.set(new Date("2026-11-23T13:00:00Z"));
    const enqueued = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).schedules.enqueueDue()),
    );
    expect(enqueued.reduce((sum, n) => sum + n, 0)).toBe(1);
    expect(await scheduledJobs()).toHaveLength(1);
  });

  it("keeps the next slot when re-declared with the same cron, and moves it when the cron changes", async () => {
    const clock = fixedClock(new Date("2026-11-23T10:00:30Z"));
    const node = createJobsNode(first, { clock });
    await node.schedules.upsertSchedule("test.nightly", "0 2 * * *", "test.record", { n: 1 });
    clock.set(new Date("2026-11-24T01:59:00Z"));
    const same = await node.schedules.upsertSchedule("test.nightly", "0 2 * * *", "test.record", {
      n: 2,
    });
    expect(same.nextRunAt.toISOString()).toBe("2026-11-24T02:00:00.000Z");
    expect(same.payload).toBe('{"n":2}');
    const moved = await node.schedules.upsertSchedule("test.nightly", "30 4 * * *", "test.record", {
      n: 2,
    });
    expect(moved.nextRunAt.toISOString()).toBe("2026-11-24T04:30:00.000Z");
    const rows = await first.db.selectFrom("job_schedules").select("name").execute();
    expect(rows).toEqual([{ name: "test.nightly" }]);
  });

  it("refuses an invalid cron expression or name with validation_failed", async () => {
    const node = createJobsNode(first);
    await expect(
      node.schedules.upsertSchedule("test.bad", "61 * * * *", "test.record", { n: 1 }),
    ).rejects.toMatchObject({
      code: "validation_failed",
      message: expect.stringContaining('"61 * * * *"'),
    });
    await expect(
      node.schedules.upsertSchedule("Bad Name", "* * * * *", "test.record", { n: 1 }),
    ).rejects.toMatchObject({ code: "validation_failed" });
  });
});
