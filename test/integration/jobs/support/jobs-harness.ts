import { setTimeout as sleep } from "node:timers/promises";

import pino from "pino";
import { Registry } from "prom-client";

import type { JobsConfig } from "../../../../src/config/config.types.js";
import { createHandlerRegistry } from "../../../../src/jobs/handler-registry.js";
import { createJobMetrics } from "../../../../src/jobs/job-metrics.js";
import type { Job } from "../../../../src/jobs/job.types.js";
import * as jobsRepo from "../../../../src/jobs/jobs.repo.js";
import { createJobQueue } from "../../../../src/jobs/queue.js";
import { createSchedules } from "../../../../src/jobs/schedules.js";
import { createWorker } from "../../../../src/jobs/worker.js";
import { systemClock, type Clock } from "../../../../src/lib/clock.js";
import { openStore, type Store } from "../../../../src/store/db.js";
import type { TestDatabase } from "../../../support/test-store.js";

import "./test-job-types.js";

export const FAST_JOBS: JobsConfig = {
  pollIntervalMs: 20,
  leaseSeconds: 30,
  concurrency: 4,
  shutdownGraceMs: 5_000,
};

/** One worker process's worth of job machinery on `store`, built from the real modules. */
export function createJobsNode(
  store: Store,
  options: { clock?: Clock; config?: Partial<JobsConfig> } = {},
) {
  const clock = options.clock ?? systemClock;
  const registry = new Registry();
  const handlers = createHandlerRegistry();
  const queue = createJobQueue({ clock });
  const schedules = createSchedules({ db: store.db, clock, queue });
  const metrics = createJobMetrics({
    registry,
    countByStatus: () => jobsRepo.countJobsByStatus(store.db),
  });
  const worker = createWorker({
    db: store.db,
    dialect: store.dialect,
    clock,
    logger: pino({ level: "silent" }),
    handlers,
    config: { ...FAST_JOBS, ...options.config },
    schedules,
    metrics,
  });
  return { store, clock, registry, handlers, queue, schedules, worker };
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export async function jobById(store: Store, id: string): Promise<Job> {
  const job = await jobsRepo.findJobById(store.db, id);
  if (!job) throw new Error(`job ${id} not found`);
  return job;
}

/** Resolves once the job reaches `status`. */
export function waitForStatus(store: Store, id: string, status: Job["status"], timeoutMs?: number) {
  return waitFor(
    async () => {
      const job = await jobById(store, id);
      return job.status === status ? job : null;
    },
    `job ${id} to be ${status}`,
    timeoutMs,
  );
}

/** A promise plus its resolver, for handlers that block until the test lets them finish. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/**
 * A second handle on the same database, as another worker process would have. On PostgreSQL a
 * separate pool. On SQLite the same connection: better-sqlite3 waits for a lock synchronously,
 * so two connections in one process would block the very event loop that must commit the other
 * transaction; separate processes on one SQLite file are covered by lease.test.ts.
 */
export function secondConnection(store: Store & { database: TestDatabase }): Store {
  return store.dialect === "postgres" ? openStore(store.database.config) : store;
}
