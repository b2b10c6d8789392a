import { setTimeout as sleep } from "node:timers/promises";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Store } from "../../../src/store/db.js";
import { DIALECTS } from "../../support/dialects.js";
import { createTestStore, type TestDatabase } from "../../support/test-store.js";

import { createJobsNode, secondConnection, waitFor } from "./support/jobs-harness.js";

// Two workers, each with its own connection pool on PostgreSQL, as two processes would be.
describe.each(DIALECTS)("several workers on one %s database", (dialect) => {
  let first: Store & { database: TestDatabase };
  let second: Store;
  beforeAll(async () => {
    first = await createTestStore(dialect);
    second = secondConnection(first);
  });
  afterAll(async () => {
    if (second !== first) await second.close();
    await first.close();
  });

  it("processes every job exactly once", async () => {
    const total = 200;
    const a = createJobsNode(first, { config: { pollIntervalMs: 10, concurrency: 4 } });
    const b = createJobsNode(second, { config: { pollIntervalMs: 10, concurrency: 4 } });
    const runs = new Map<string, string[]>();
    for (const [name, node] of [
      ["a", a],
      ["b", b],
    ] as const) {
      node.handlers.register("test.record", {
        async run(_payload, context) {
          runs.set(context.jobId, [...(runs.get(context.jobId) ?? []), name]);
          await sleep(Math.random() * 4);
        },
      });
    }
    const ids = new Set<string>();
    await first.db.transaction().execute(async (trx) => {
      for (let n = 0; n < total; n++) {
        ids.add((await a.queue.enqueue(trx, { type: "test.record", payload: { n } })).id);
      }
    });

    a.worker.start();
    b.worker.start();
    try {
      await waitFor(
        async () => {
          const row = await first.db
            .selectFrom("jobs")
            .select((eb) => eb.fn.countAll<number | string>().as("count"))
            .where("status", "=", "succeeded")
            .executeTakeFirstOrThrow();
          return Number(row.count) === total;
        },
        `${total} jobs to succeed`,
        30_000,
      );
    } finally {
      await Promise.all([a.worker.stop(1_000), b.worker.stop(1_000)]);
    }

    expect(new Set(runs.keys())).toEqual(ids);
    const repeated = [...runs].filter(([, by]) => by.length !== 1);
    expect(repeated).toEqual([]);
    const byWorker = (name: string) => [...runs.values()].filter((by) => by[0] === name).length;
    expect(byWorker("a")).toBeGreaterThan(0);
    expect(byWorker("b")).toBeGreaterThan(0);
    const attempts = await first.db.selectFrom("jobs").select("attempts").distinct().execute();
    expect(attempts).toEqual([{ attempts: 1 }]);
  });
});
