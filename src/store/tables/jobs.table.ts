export type JobStatus = "queued" | "running" | "succeeded" | "dead";

export interface JobsTable {
  id: string;
  type: string;
  /** JSON text: ids only (STYLE.md §6), so a retried handler re-reads current state. */
  payload: string;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  run_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  last_error: string | null;
  schedule_id: string | null;
  /** While queued or running, unique: a second enqueue with the key returns the first job. */
  dedupe_key: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface JobSchedulesTable {
  id: string;
  name: string;
  cron: string;
  job_type: string;
  payload: string;
  next_run_at: number;
  is_enabled: number;
  created_at: number;
  updated_at: number;
}
