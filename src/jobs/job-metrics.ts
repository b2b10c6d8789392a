import { Counter, Gauge, Histogram, type Registry } from "prom-client";

import { JOB_STATUSES, type JobStatus } from "./job.types.js";

export interface JobMetricsDeps {
  registry: Registry;
  /** Read on every scrape, so the gauge shows the whole database, not this process. */
  countByStatus(): Promise<Map<JobStatus, number>>;
}

const COUNT_TIMEOUT_MS = 2_000;

/** Job counters live per process; the queue depth comes from the database. */
export function createJobMetrics(deps: JobMetricsDeps) {
  const registers = [deps.registry];
  new Gauge({
    name: "certsmith_jobs_queue_depth",
    help: "Jobs in the database, by status (read from the database on scrape).",
    labelNames: ["status"] as const,
    registers,
    async collect() {
      this.reset();
      let counts: Map<JobStatus, number>;
      let timer: NodeJS.Timeout | undefined;
      try {
        // Bounded: a scrape must not hang on a database that is down (the pool waits 5 s).
        counts = await Promise.race([
          deps.countByStatus(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error("queue depth timed out")), COUNT_TIMEOUT_MS);
          }),
        ]);
      } catch {
        return; // database unreachable: no sample rather than a failed scrape (see /health)
      } finally {
        clearTimeout(timer);
      }
      for (const status of JOB_STATUSES) this.set({ status }, counts.get(status) ?? 0);
    },
  });
  const completed = new Counter({
    name: "certsmith_jobs_completed_total",
    help: "Jobs that ran successfully in this process, by type.",
    labelNames: ["type"] as const,
    registers,
  });
  const failed = new Counter({
    name: "certsmith_jobs_failed_total",
    help: "Failed job attempts in this process (retried or dead), by type.",
    labelNames: ["type"] as const,
    registers,
  });
  const dead = new Counter({
    name: "certsmith_jobs_dead_total",
    help: "Jobs this process moved to dead after their last attempt failed, by type.",
    labelNames: ["type"] as const,
    registers,
  });
  const duration = new Histogram({
    name: "certsmith_jobs_duration_seconds",
    help: "Time a job attempt ran, by type and outcome.",
    labelNames: ["type", "outcome"] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900],
    registers,
  });

  return {
    recordSuccess(type: string, seconds: number) {
      completed.inc({ type });
      duration.observe({ type, outcome: "succeeded" }, seconds);
    },
    recordFailure(type: string, seconds: number, isDead: boolean) {
      failed.inc({ type });
      if (isDead) dead.inc({ type });
      duration.observe({ type, outcome: isDead ? "dead" : "retry" }, seconds);
    },
  };
}

export type JobMetrics = ReturnType<typeof createJobMetrics>;
