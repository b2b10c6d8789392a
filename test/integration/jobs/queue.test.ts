import { setTimeout as sleep } from "node:timers/promises";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { PermanentJobFailure } from "../../../src/jobs/permanent-failure.js";
import { fixedClock } from "../../../src/lib/clock.js";
import type { Store } from "../../../src/store/db.js";
import { DIALECTS } from "../../support/dialects.js";
import { createTestStore } from "../../support/test-store.js";

import { createJobsNode, jobById, waitFor, waitForStatus } from "./support/jobs-harness.js";

type JobsNode = ReturnType<typeof createJobsNode>;

async function metricValue(node: JobsNode, name: string, labels: string): Promise<number> {
  const text = await node.registry.metrics();
  const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(" ").pop()) : 0;
}

describe.each(DIALECTS)("job queue on %s", (dialect) => {
  let store: Store;
  const nodes: JobsNode[] = [];
  const node = (options?: Parameters<typeof createJobsNode>[1]) => {
    const created = createJobsNode(store, options);
    nodes.push(created);
    return created;
  };

  beforeAll(async () => {
    store = await createTestStore(dialect);
  });
  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.worker.stop(1_000);
    await store.db.deleteFrom("jobs").execute(); // each test starts from an empty queue
  });
  afterAll(() => store.close());

  it("adds nothing when the enqueueing transaction rolls back, and a job when it commits", async () => {
    const n = node();
    await expect(
      store.db.transaction().execute(async (trx) => {
        await n.queue.enqueue(trx, { type: "test.record", payload: { n: 1 } });
        throw new Error("the change the job was about failed");
      }),
    ).rejects.toThrow("failed");
    expect(await store.db.selectFrom("jobs").selectAll().execute()).toEqual([]);

    const { id } = await store.db
      .transaction()
      .execute((trx) => n.queue.enqueue(trx, { type: "test.record", payload: { n: 2 } }));
    const job = await jobById(store, id);
    expect(job).toMatchObject({ status: "queued", attempts: 0, maxAttempts: 5, payload: { n: 2 } });
  });

  it("returns the pending job for a repeated dedupe key, and enqueues again once it finished", async () => {
    const n = node();
    const seen: number[] = [];
    n.handlers.register("test.record", { run: (p) => void seen.push(p.n) });
    const first = await n.queue.enqueue(store.db, {
      type: "test.record",
      payload: { n: 1 },
      dedupeKey: "renew:cert_1",
    });
    const second = await n.queue.enqueue(store.db, {
      type: "test.record",
      payload: { n: 2 },
      dedupeKey: "renew:cert_1",
    });
    expect(second).toEqual({ id: first.id, isDuplicate: true });

    n.worker.start();
    await waitForStatus(store, first.id, "succeeded");
    expect(seen).toEqual([1]);
    const third = await n.queue.enqueue(store.db, {
      type: "test.record",
      payload: { n: 3 },
      dedupeKey: "renew:cert_1",
    });
    expect(third.isDuplicate).toBe(false);
    await waitForStatus(store, third.id, "succeeded");
    expect(seen).toEqual([1, 3]);
  });

  it("adds one job when the same dedupe key is enqueued concurrently", async () => {
    const n = node();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        store.db
          .transaction()
          .execute((trx) =>
            n.queue.enqueue(trx, { type: "test.record", payload: { n: i }, dedupeKey: "once" }),
          ),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => !r.isDuplicate)).toHaveLength(1);
    const rows = await store.db.selectFrom("jobs").select("id").execute();
    expect(rows).toEqual([{ id: results[0]!.id }]);
  });

  it("runs a job with its payload and records success", async () => {
    const n = node();
    const contexts: unknown[] = [];
    n.handlers.register("test.record", {
      run: (payload, context) => void contexts.push({ payload, attempt: context.attempt }),
    });
    const { id } = await n.queue.enqueue(store.db, { type: "test.record", payload: { n: 7 } });
    n.worker.start();
    const done = await waitForStatus(store, id, "succeeded");
    expect(contexts).toEqual([{ payload: { n: 7 }, attempt: 1 }]);
    expect(done).toMatchObject({ attempts: 1, leaseOwner: null, lastError: null });
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect(await metricValue(n, "certsmith_jobs_completed_total", 'type="test.record"')).toBe(1);
  });

  it("does not run a job before its runAt", async () => {
    const clock = fixedClock(new Date("2026-11-23T10:00:00Z"));
    const n = node({ clock });
    let runs = 0;
    n.handlers.register("test.record", { run: () => void runs++ });
    const { id } = await n.queue.enqueue(store.db, {
      type: "test.record",
      payload: { n: 1 },
      runAt: new Date("2026-11-23T10:05:00Z"),
    });
    n.worker.start();
    await sleep(200);
    expect(runs).toBe(0);
    clock.set(new Date("2026-11-23T10:05:00Z"));
    await waitForStatus(store, id, "succeeded");
    expect(runs).toBe(1);
  });

  it("retries a failed job after an exponential backoff with jitter, then succeeds", async () => {
    const clock = fixedClock(new Date("2026-11-23T11:00:00Z"));
    const n = node({ clock });
    const attempts: number[] = [];
    n.handlers.register("test.fail", {
      backoff: { baseMs: 60_000, maxMs: 3_600_000 },
      run(payload, context) {
        attempts.push(context.attempt);
        if (context.attempt < 3) throw new Error(`${payload.reason} (attempt ${context.attempt})`);
      },
    });
    const { id } = await n.queue.enqueue(store.db, {
      type: "test.fail",
      payload: { reason: "peer unreachable" },
    });
    n.worker.start();

    // Attempt 1 fails: the next run is 30–60 s away (half fixed, half jitter of 60 s).
    const afterFirst = await waitFor(async () => {
      const job = await jobById(store, id);
      return job.status === "queued" && job.attempts === 1 ? job : null;
    }, "the first failure");
    expect(afterFirst.lastError).toBe("peer unreachable (attempt 1)");
    const firstDelay = afterFirst.runAt.getTime() - clock.now().getTime();
    expect(firstDelay).toBeGreaterThanOrEqual(30_000);
    expect(firstDelay).toBeLessThanOrEqual(60_000);
    await sleep(200); // several polls: not due yet, so not run again
    expect(attempts).toEqual([1]);

    // Attempt 2 fails too: the ceiling doubles to 120 s.
    clock.set(afterFirst.runAt);
    const afterSecond = await waitFor(async () => {
      const job = await jobById(store, id);
      return job.status === "queued" && job.attempts === 2 ? job : null;
    }, "the second failure");
    const secondDelay = afterSecond.runAt.getTime() - clock.now().getTime();
    expect(secondDelay).toBeGreaterThanOrEqual(60_000);
    expect(secondDelay).toBeLessThanOrEqual(120_000);

    clock.set(afterSecond.runAt);
    const done = await waitForStatus(store, id, "succeeded");
    expect(attempts).toEqual([1, 2, 3]);
    expect(done.attempts).toBe(3);
    expect(await metricValue(n, "certsmith_jobs_failed_total", 'type="test.fail"')).toBe(2);
  });

  it("moves a job to dead after its last attempt, keeping the last error", async () => {
    const n = node();
    n.handlers.register("test.fail", {
      backoff: { baseMs: 1, maxMs: 2 },
      run(payload, context) {
        throw new Error(`${payload.reason} #${context.attempt}`);
      },
    });
    const { id } = await n.queue.enqueue(store.db, {
      type: "test.fail",
      payload: { reason: "boom" },
      maxAttempts: 3,
    });
    n.worker.start();
    const dead = await waitForStatus(store, id, "dead");
    expect(dead).toMatchObject({ attempts: 3, lastError: "boom #3", leaseOwner: null });
    expect(dead.finishedAt).toBeInstanceOf(Date);
    await sleep(100);
    expect((await jobById(store, id)).attempts).toBe(3); // never claimed again
    expect(await metricValue(n, "certsmith_jobs_failed_total", 'type="test.fail"')).toBe(3);
    expect(await metricValue(n, "certsmith_jobs_dead_total", 'type="test.fail"')).toBe(1);
  });

  it("moves a job to dead at once on a permanent failure or an unreadable payload", async () => {
    const n = node();
    n.handlers.register("test.fail", {
      run(payload) {
        throw new PermanentJobFailure(`certificate "${payload.reason}" no longer exists`);
      },
    });
    n.handlers.register("test.record", {
      parse(payload) {
        const n = (payload as { n?: unknown }).n;
        if (typeof n !== "number") throw new Error("payload.n must be a number");
        return { n };
      },
      run: () => {},
    });
    const permanent = await n.queue.enqueue(store.db, {
      type: "test.fail",
      payload: { reason: "cert_gone" },
    });
    const unreadable = await n.queue.enqueue(store.db, {
      type: "test.record",
      payload: { n: "seven" } as unknown as { n: number },
    });
    n.worker.start();
    expect(await waitForStatus(store, permanent.id, "dead")).toMatchObject({
      attempts: 1,
      lastError: 'PermanentJobFailure: certificate "cert_gone" no longer exists',
    });
    expect(await waitForStatus(store, unreadable.id, "dead")).toMatchObject({
      attempts: 1,
      lastError: "payload.n must be a number",
    });
  });

  it("runs at most `concurrency` jobs at once", async () => {
    const n = node({ config: { concurrency: 2 } });
    let active = 0;
    let peak = 0;
    n.handlers.register("test.record", {
      async run() {
        active++;
        peak = Math.max(peak, active);
        await sleep(40);
        active--;
      },
    });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      ids.push((await n.queue.enqueue(store.db, { type: "test.record", payload: { n: i } })).id);
    }
    n.worker.start();
    for (const id of ids) await waitForStatus(store, id, "succeeded");
    expect(peak).toBe(2);
  });

  it("refuses an out-of-range maxAttempts with validation_failed", async () => {
    const n = node();
    await expect(
      n.queue.enqueue(store.db, { type: "test.record", payload: { n: 1 }, maxAttempts: 0 }),
    ).rejects.toMatchObject({ code: "validation_failed" });
  });
});
