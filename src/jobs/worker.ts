import { randomBytes } from "node:crypto";
import os from "node:os";
import { performance } from "node:perf_hooks";

import type { Logger } from "pino";

import type { JobsConfig } from "../config/config.types.js";
import type { Clock } from "../lib/clock.js";
import type { Db, Dialect } from "../store/db.js";

import { retryDelayMs } from "./backoff.fns.js";
import type { HandlerRegistry } from "./handler-registry.js";
import type { JobMetrics } from "./job-metrics.js";
import type { Job } from "./job.types.js";
import * as repo from "./jobs.repo.js";
import { isPermanentJobFailure } from "./permanent-failure.js";
import type { Schedules } from "./schedules.js";

export interface WorkerDeps {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  logger: Logger;
  handlers: HandlerRegistry;
  config: JobsConfig;
  /** When given, due schedules are turned into jobs on every poll. */
  schedules?: Schedules;
  metrics?: JobMetrics;
}

interface RunningJob {
  done: Promise<void>;
  abort: AbortController;
  heartbeat: NodeJS.Timeout;
  /** Set when shutdown gave up waiting: the outcome is no longer recorded (the lease decides). */
  isAbandoned: boolean;
}

const ERROR_TEXT_MAX = 2_000;
const MAX_IDLE_BACKOFF_MS = 30_000;

function describeError(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`
      : String(error);
  return text.length > ERROR_TEXT_MAX ? `${text.slice(0, ERROR_TEXT_MAX)}…` : text;
}

/**
 * The worker loop: every poll it reclaims expired leases, enqueues due schedule slots, and
 * claims as many due jobs as it has free slots (config.jobs.concurrency). A running job's lease
 * is extended every third of its length, so only a dead or cut-off worker loses it; every write
 * about a job is conditional on still holding that claim.
 */
export function createWorker(deps: WorkerDeps) {
  const { db, dialect, clock, logger, handlers, config } = deps;
  const id = `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const leaseMs = config.leaseSeconds * 1000;
  const log = logger.child({ worker: id });
  const running = new Map<string, RunningJob>();

  let isStarted = false;
  let isStopping = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  let pollFailures = 0;

  function scheduleTick(delayMs: number): void {
    if (isStopping) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      ticking ??= tick().finally(() => {
        ticking = undefined;
      });
    }, delayMs);
  }

  async function tick(): Promise<void> {
    let next = config.pollIntervalMs;
    try {
      const reclaimed = await repo.reclaimExpiredLeases(db, clock.now());
      if (reclaimed.requeued + reclaimed.dead > 0) {
        log.warn(reclaimed, "reclaimed jobs whose lease expired");
      }
      if (deps.schedules) await deps.schedules.enqueueDue();
      const free = config.concurrency - running.size;
      if (free > 0 && !isStopping) {
        const now = clock.now();
        const jobs = await repo.claimDueJobs(db, dialect, {
          owner: id,
          now,
          leaseExpiresAt: new Date(now.getTime() + leaseMs),
          limit: free,
        });
        for (const job of jobs) start(job);
        if (jobs.length === free) next = 0; // more may be due: look again once a slot frees
      }
      pollFailures = 0;
    } catch (error) {
      // Database unreachable or busy: keep polling, slower, until it is back.
      pollFailures++;
      next = Math.min(config.pollIntervalMs * 2 ** pollFailures, MAX_IDLE_BACKOFF_MS);
      log.warn({ err: error, retry_in_ms: next }, "job poll failed");
    }
    // All slots busy: a finishing job wakes the loop; the poll interval is only a safety net.
    if (next === 0 && running.size >= config.concurrency) next = config.pollIntervalMs;
    scheduleTick(next);
  }

  function start(job: Job): void {
    const claim: repo.ClaimRef = { id: job.id, owner: id, attempt: job.attempts };
    const abort = new AbortController();
    const heartbeat = setInterval(
      () => {
        const now = clock.now();
        repo.extendLease(db, claim, new Date(now.getTime() + leaseMs), now).then(
          (isHeld) => {
            if (isHeld) return;
            clearInterval(heartbeat);
            log.warn({ job_id: job.id }, "lost the lease of a running job; it may run elsewhere");
            abort.abort(new Error("the job's lease was lost"));
          },
          (error: unknown) => log.warn({ err: error, job_id: job.id }, "lease heartbeat failed"),
        );
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    const entry: RunningJob = {
      abort,
      heartbeat,
      isAbandoned: false,
      done: Promise.resolve(),
    };
    entry.done = execute(job, claim, entry)
      .catch((error: unknown) =>
        log.error({ err: error, job_id: job.id }, "job bookkeeping failed"),
      )
      .finally(() => {
        clearInterval(heartbeat);
        running.delete(job.id);
        if (!isStopping && ticking === undefined) scheduleTick(0); // a slot is free: look now
      });
    running.set(job.id, entry);
  }

  async function execute(job: Job, claim: repo.ClaimRef, entry: RunningJob): Promise<void> {
    const startedAt = performance.now();
    const handler = handlers.get(job.type);
    let failure: { error: unknown; isPermanent: boolean } | null = null;
    try {
      if (!handler) {
        // Not permanent: during a rolling upgrade a newer node may know the type.
        throw new Error(`no handler is registered for job type "${job.type}"`);
      }
      let payload: unknown;
      try {
        if (job.payload === undefined) throw new Error("the stored payload is not valid JSON");
        payload = handler.parse(job.payload);
      } catch (error) {
        failure = { error, isPermanent: true };
      }
      if (!failure) {
        await handler.run(payload, {
          jobId: job.id,
          type: job.type,
          attempt: job.attempts,
          maxAttempts: job.maxAttempts,
          signal: entry.abort.signal,
        });
      }
    } catch (error) {
      failure = { error, isPermanent: isPermanentJobFailure(error) };
    }
    const seconds = (performance.now() - startedAt) / 1000;
    if (entry.isAbandoned) return; // shutdown gave up on it: the lease will expire and another worker retries

    const now = clock.now();
    const jobLog = log.child({ job_id: job.id, job_type: job.type, attempt: job.attempts });
    if (!failure) {
      const isRecorded = await repo.markSucceeded(db, claim, now);
      deps.metrics?.recordSuccess(job.type, seconds);
      if (isRecorded) jobLog.debug({ duration_s: seconds }, "job succeeded");
      else jobLog.warn("job finished after its lease was lost; outcome not recorded");
      return;
    }

    const error = describeError(failure.error);
    const isDead = failure.isPermanent || job.attempts >= job.maxAttempts;
    deps.metrics?.recordFailure(job.type, seconds, isDead);
    if (isDead) {
      await repo.markDead(db, claim, { error, now });
      jobLog.error({ err: failure.error }, "job failed for the last time; moved to dead");
      return;
    }
    const delay = retryDelayMs(job.attempts, handler?.backoff);
    await repo.markForRetry(db, claim, { error, now, runAt: new Date(now.getTime() + delay) });
    jobLog.warn({ err: failure.error, retry_in_ms: delay }, "job failed; will retry");
  }

  return {
    id,
    start(): void {
      if (isStarted) return;
      isStarted = true;
      scheduleTick(0);
    },
    runningCount: () => running.size,
    /**
     * Stops claiming, then waits up to `graceMs` for running jobs. Jobs still running after that
     * are abandoned, not failed: their heartbeat stops, their lease runs out, and another worker
     * retries them. Returns the ids of abandoned jobs.
     */
    async stop(graceMs: number = config.shutdownGraceMs): Promise<string[]> {
      isStopping = true;
      clearTimeout(timer);
      timer = undefined;
      await ticking; // a claim in flight lands in `running` before we wait on it
      const pending = [...running.values()].map((r) => r.done);
      let graceTimer: NodeJS.Timeout | undefined;
      const isTimedOut = await Promise.race([
        Promise.allSettled(pending).then(() => false),
        new Promise<boolean>((resolve) => {
          graceTimer = setTimeout(() => resolve(true), graceMs);
        }),
      ]);
      clearTimeout(graceTimer);
      if (!isTimedOut) return [];
      const abandoned = [...running.entries()];
      for (const [, entry] of abandoned) {
        entry.isAbandoned = true;
        clearInterval(entry.heartbeat);
        entry.abort.abort(new Error("the worker is shutting down"));
      }
      const ids = abandoned.map(([jobId]) => jobId);
      log.warn(
        { job_ids: ids },
        "shutdown grace period over; these jobs run again after their lease",
      );
      return ids;
    },
  };
}

export type Worker = ReturnType<typeof createWorker>;
