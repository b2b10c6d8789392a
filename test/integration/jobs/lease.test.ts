import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Store } from "../../../src/store/db.js";
import { DIALECTS } from "../../support/dialects.js";
import { createTestStore } from "../../support/test-store.js";

import { createJobsNode, jobById, waitFor, waitForStatus } from "./support/jobs-harness.js";

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), "support/worker-child.ts");

/** Starts worker-child.ts in a real process and resolves with the first "claimed" line. */
function startChildWorker(store: Store & { database: { config: unknown } }) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", CHILD, JSON.stringify(store.database.config)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  let errors = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString("utf8")));
  const claimed = waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`worker child exited early: ${errors}`);
      return Promise.resolve(/claimed (\S+) attempt (\d+)/.exec(output));
    },
    "the child worker to claim the job",
    20_000,
  );
  return { child, claimed };
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

describe.each(DIALECTS)("job leases on %s", (dialect) => {
  let store: Store & { database: { config: unknown } };
  beforeAll(async () => {
    store = await createTestStore(dialect);
  });
  afterAll(() => store.close());

  it("retries the job of a worker killed mid-job once its lease expires", async () => {
    const node = createJobsNode(store);
    const { id } = await node.queue.enqueue(store.db, {
      type: "test.block",
      payload: { label: "killed mid-job" },
    });

    const { child, claimed } = startChildWorker(store);
    try {
      const match = await claimed;
      expect(match[1]).toBe(id);
      const held = await jobById(store, id);
      expect(held).toMatchObject({ status: "running", attempts: 1 });
      expect(held.leaseOwner).toContain(`:${child.pid}:`);
    } finally {
      await killed(child);
    }
    const orphaned = await jobById(store, id);
    expect(orphaned.status).toBe("running");

    // The killed worker never reports back; a second worker takes over once the lease (1 s,
    // last extended by the child's heartbeat) has run out, and not before.
    const runs: { attempt: number; at: number }[] = [];
    node.handlers.register("test.block", {
      run: (_payload, context) => void runs.push({ attempt: context.attempt, at: Date.now() }),
    });
    node.worker.start();
    try {
      const done = await waitForStatus(store, id, "succeeded", 15_000);
      expect(runs.map((r) => r.attempt)).toEqual([2]);
      expect(runs[0]!.at).toBeGreaterThanOrEqual(orphaned.leaseExpiresAt!.getTime());
      expect(done.attempts).toBe(2);
    } finally {
      await node.worker.stop(1_000);
    }
  });

  it("moves a job to dead when its worker dies during the last attempt", async () => {
    const node = createJobsNode(store);
    const { id } = await node.queue.enqueue(store.db, {
      type: "test.block",
      payload: { label: "last attempt" },
      maxAttempts: 1,
    });
    const { child, claimed } = startChildWorker(store);
    try {
      expect((await claimed)[1]).toBe(id);
    } finally {
      await killed(child);
    }
    node.handlers.register("test.block", { run: () => {} });
    node.worker.start();
    try {
      const dead = await waitForStatus(store, id, "dead", 15_000);
      expect(dead.attempts).toBe(1);
      expect(dead.lastError).toMatch(/^lease expired: the worker running the final attempt/);
    } finally {
      await node.worker.stop(1_000);
    }
  });
});
