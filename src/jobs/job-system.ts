import type { Logger } from "pino";
import type { Registry } from "prom-client";

import type { JobsConfig } from "../config/config.types.js";
import type { Clock } from "../lib/clock.js";
import type { Store } from "../store/db.js";

import { createHandlerRegistry } from "./handler-registry.js";
import { createJobMetrics } from "./job-metrics.js";
import * as repo from "./jobs.repo.js";
import { installPruneSchedule } from "./prune.js";
import { createJobQueue } from "./queue.js";
import { createSchedules } from "./schedules.js";
import { createWorker, type Worker } from "./worker.js";

export interface JobSystemDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  config: JobsConfig;
  registry: Registry;
}

/**
 * The job system of one process: the queue and schedules services enqueue into, the handler
 * registry domains fill, metrics, and (for roles that run jobs) the worker.
 */
export function createJobSystem(deps: JobSystemDeps) {
  const { store, clock, logger } = deps;
  const handlers = createHandlerRegistry();
  const queue = createJobQueue({ clock });
  const schedules = createSchedules({
    db: store.db,
    clock,
    queue,
    onScheduleError: (name, error) =>
      logger.error({ err: error, schedule: name }, "schedule skipped: it cannot be processed"),
  });
  const metrics = createJobMetrics({
    registry: deps.registry,
    countByStatus: () => repo.countJobsByStatus(store.db),
  });
  let worker: Worker | null = null;

  return {
    queue,
    handlers,
    schedules,
    /** The running worker, or null (role `api`, or not started). */
    worker: () => worker,
    /** Installs built-in schedules and starts polling; call after every handler is registered. */
    async startWorker(options: { purges: ReadonlyArray<() => Promise<number>> }): Promise<void> {
      if (worker) return;
      await installPruneSchedule({ db: store.db, clock, handlers, schedules, ...options });
      worker = createWorker({
        db: store.db,
        dialect: store.dialect,
        clock,
        logger,
        handlers,
        config: deps.config,
        schedules,
        metrics,
      });
      worker.start();
    },
    /** Stops claiming and waits for running jobs (bounded); ids of jobs left to their lease. */
    async stop(): Promise<string[]> {
      return worker ? worker.stop(deps.config.shutdownGraceMs) : [];
    },
  };
}

export type JobSystem = ReturnType<typeof createJobSystem>;
