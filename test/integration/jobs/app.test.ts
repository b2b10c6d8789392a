import { setTimeout as sleep } from "node:timers/promises";

import { describe, expect, it } from "vitest";

import { PRUNE_SCHEDULE } from "../../../src/jobs/prune.js";
import { DIALECTS } from "../../support/dialects.js";

import { createJobsTestApp } from "./support/jobs-app.js";
import { createJobsNode, gate, jobById, waitForStatus } from "./support/jobs-harness.js";

const later = () => new Date(Date.now() + 60 * 60 * 1000);

describe.each(DIALECTS)("jobs in the app on %s", (dialect) => {
  it("shows the queue depth by status, and job counters, on /metrics", async () => {
    const t = await createJobsTestApp(dialect);
    try {
      const { queue, handlers } = t.app.jobs;
      for (let n = 0; n < 3; n++) {
        await queue.enqueue(t.app.store.db, {
          type: "test.record",
          payload: { n },
          runAt: later(),
        });
      }
      handlers.register("test.record", { run: () => {} });
      const now = await queue.enqueue(t.app.store.db, { type: "test.record", payload: { n: 9 } });
      await waitForStatus(t.observer, now.id, "succeeded");

      const res = await t.app.server!.inject({ method: "GET", url: "/metrics" });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('certsmith_jobs_queue_depth{status="queued"} 3');
      expect(res.body).toContain('certsmith_jobs_queue_depth{status="succeeded"} 1');
      expect(res.body).toContain('certsmith_jobs_queue_depth{status="dead"} 0');
      expect(res.body).toContain('certsmith_jobs_completed_total{type="test.record"} 1');
      expect(res.body).toMatch(
        /certsmith_jobs_duration_seconds_count\{type="test.record",outcome="succeeded"\} 1/,
      );
    } finally {
      await t.close();
    }
  });

  it("declares the daily prune schedule, whose job deletes week-old succeeded jobs and expired idempotency keys", async () => {
    const t = await createJobsTestApp(dialect);
    try {
      const schedule = await t.app.jobs.schedules.findScheduleByName(PRUNE_SCHEDULE.name);
      expect(schedule).toMatchObject({ cron: PRUNE_SCHEDULE.cron, jobType: "system.prune" });

      const { queue, handlers } = t.app.jobs;
      handlers.register("test.record", { run: () => {} });
      const old = await queue.enqueue(t.app.store.db, { type: "test.record", payload: { n: 1 } });
      const recent = await queue.enqueue(t.app.store.db, {
        type: "test.record",
        payload: { n: 2 },
      });
      await waitForStatus(t.observer, old.id, "succeeded");
      await waitForStatus(t.observer, recent.id, "succeeded");
      const eightDaysAgo = Date.now() - 8 * 24 * 60 * 60 * 1000;
      await t.observer.db
        .updateTable("jobs")
        .set({ finished_at: eightDaysAgo })
        .where("id", "=", old.id)
        .execute();

      const idempotencyKey = (key: string, expiresAt: number) => ({
        scope: "test",
        key,
        method: "POST",
        path: "/api/v1/projects",
        request_hash: "0".repeat(64),
        state: "complete" as const,
        created_at: expiresAt - 1,
        expires_at: expiresAt,
      });
      await t.observer.db
        .insertInto("idempotency_keys")
        .values([
          idempotencyKey("expired", Date.now() - 1_000),
          idempotencyKey("current", Date.now() + 3_600_000),
        ])
        .execute();

      const prune = await queue.enqueue(t.app.store.db, { type: "system.prune", payload: {} });
      await waitForStatus(t.observer, prune.id, "succeeded");
      const left = await t.observer.db.selectFrom("jobs").select("id").execute();
      expect(left.map((j) => j.id).sort()).toEqual([recent.id, prune.id].sort());
      const keys = await t.observer.db.selectFrom("idempotency_keys").select("key").execute();
      expect(keys).toEqual([{ key: "current" }]);
    } finally {
      await t.close();
    }
  });

  it("waits on close for a running job to finish", async () => {
    const t = await createJobsTestApp(dialect, { "shutdown-grace-ms": "5000" });
    const release = gate();
    let finished = false;
    t.app.jobs.handlers.register("test.block", {
      async run() {
        await release.promise;
        await sleep(50);
        finished = true;
      },
    });
    try {
      const { id } = await t.app.jobs.queue.enqueue(t.app.store.db, {
        type: "test.block",
        payload: { label: "in flight at shutdown" },
      });
      await waitForStatus(t.observer, id, "running");
      let isClosed = false;
      const closed = t.app.close().then(() => {
        isClosed = true;
      });
      await sleep(200);
      expect(isClosed).toBe(false); // still waiting for the job
      release.open();
      await closed;
      expect(finished).toBe(true);
      expect(await jobById(t.observer, id)).toMatchObject({ status: "succeeded", attempts: 1 });
    } finally {
      release.open();
      await t.close();
    }
  });

  it("leaves a job that outlives the grace period to its lease, not failed, and it runs again", async () => {
    const t = await createJobsTestApp(dialect, {
      "shutdown-grace-ms": "100",
      "job-lease-seconds": "1",
    });
    let aborted: unknown;
    t.app.jobs.handlers.register("test.block", {
      run: (_payload, context) =>
        new Promise<void>((_resolve, reject) => {
          context.signal.addEventListener("abort", () => {
            aborted = context.signal.reason;
            reject(new Error("gave up at shutdown"));
          });
        }),
    });
    try {
      const { id } = await t.app.jobs.queue.enqueue(t.app.store.db, {
        type: "test.block",
        payload: { label: "too slow" },
      });
      await waitForStatus(t.observer, id, "running");
      await t.app.close();
      expect(String(aborted)).toContain("shutting down");
      const left = await jobById(t.observer, id);
      expect(left).toMatchObject({ status: "running", attempts: 1, lastError: null });

      // Another node takes it once the lease has run out.
      const next = createJobsNode(t.observer);
      const attempts: number[] = [];
      next.handlers.register("test.block", {
        run: (_payload, context) => void attempts.push(context.attempt),
      });
      next.worker.start();
      try {
        await waitForStatus(t.observer, id, "succeeded", 10_000);
        expect(attempts).toEqual([2]);
      } finally {
        await next.worker.stop(1_000);
      }
    } finally {
      await t.close();
    }
  });

  it("runs no jobs with --role api, but still enqueues them", async () => {
    const t = await createJobsTestApp(dialect, { role: "api" });
    try {
      expect(t.app.jobs.worker()).toBeNull();
      let runs = 0;
      t.app.jobs.handlers.register("test.record", { run: () => void runs++ });
      const { id } = await t.app.jobs.queue.enqueue(t.app.store.db, {
        type: "test.record",
        payload: { n: 1 },
      });
      await sleep(200);
      expect(runs).toBe(0);
      expect((await jobById(t.observer, id)).status).toBe("queued");
    } finally {
      await t.close();
    }
  });
});
