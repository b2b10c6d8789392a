import type { JobStatus } from "../store/tables/jobs.table.js";

export type { JobStatus };
export const JOB_STATUSES: readonly JobStatus[] = ["queued", "running", "succeeded", "dead"];

/**
 * Payload type of every job type, by name. Each domain adds its own by declaration merging, so
 * `enqueue` and handler registration are checked against one map:
 *
 *   declare module "../../jobs/job.types.js" {
 *     interface JobPayloads { "certificates.renew": { certificateId: string } }
 *   }
 *
 * Payloads carry ids, not state (STYLE.md §6): a retried handler re-reads the current rows.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobPayloads {}

export type JobType = Extract<keyof JobPayloads, string>;

export interface EnqueueInput<T extends JobType> {
  type: T;
  payload: JobPayloads[T];
  /** Not before this instant (default: now). */
  runAt?: Date;
  /** Attempts before the job is moved to `dead` (default 5). */
  maxAttempts?: number;
  /** While a job with this key is queued or running, enqueueing it again returns that job. */
  dedupeKey?: string;
}

export interface EnqueueResult {
  id: string;
  /** True when a pending job with the same dedupe key already existed and nothing was added. */
  isDuplicate: boolean;
}

export interface Job {
  id: string;
  type: string;
  payload: unknown;
  status: JobStatus;
  /** Claims so far, including the running one. */
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  lastError: string | null;
  scheduleId: string | null;
  dedupeKey: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

/** What a handler gets besides its payload. */
export interface JobContext {
  jobId: string;
  type: string;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  /**
   * Aborted when this worker lost the job's lease (another worker may now run it) or the
   * shutdown grace period ran out: stop soon, the job will run again elsewhere.
   */
  signal: AbortSignal;
}

export interface JobHandler<T extends JobType> {
  /**
   * Checks the stored payload before `run` (it was written by an older or newer version, or by
   * hand); throwing here is a permanent failure. Default: the JSON value as is.
   */
  parse?(payload: unknown): JobPayloads[T];
  run(payload: JobPayloads[T], context: JobContext): Promise<void> | void;
  /** Retry delays for this type (default: 5 s doubling to 1 h, with jitter). */
  backoff?: { baseMs: number; maxMs: number };
}
