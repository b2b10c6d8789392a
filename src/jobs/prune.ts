import type { Clock } from "../lib/clock.js";
import type { Db } from "../store/db.js";

import type { HandlerRegistry } from "./handler-registry.js";
import * as repo from "./jobs.repo.js";
import type { Schedules } from "./schedules.js";

declare module "./job.types.js" {
  interface JobPayloads {
    "system.prune": Record<string, never>;
  }
}

export const PRUNE_SCHEDULE = { name: "system.prune", cron: "17 3 * * *" } as const;
const SUCCEEDED_JOB_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export interface PruneDeps {
  db: Db;
  clock: Clock;
  handlers: HandlerRegistry;
  schedules: Schedules;
  /**
   * Housekeeping owned by services (expired idempotency keys, later sessions and nonces); the
   * app passes them in because jobs/ sits below services.
   */
  purges: ReadonlyArray<() => Promise<number>>;
}

/**
 * A daily job (03:17 UTC, off the hour) that deletes succeeded jobs finished over 7 days ago and
 * runs the services' purges. Dead jobs are kept: someone should look at them.
 */
export async function installPruneSchedule(deps: PruneDeps): Promise<void> {
  deps.handlers.register("system.prune", {
    parse: () => ({}),
    async run() {
      const before = new Date(deps.clock.now().getTime() - SUCCEEDED_JOB_RETENTION_MS);
      await repo.deleteSucceededBefore(deps.db, before);
      for (const purge of deps.purges) await purge();
    },
  });
  await deps.schedules.upsertSchedule(PRUNE_SCHEDULE.name, PRUNE_SCHEDULE.cron, "system.prune", {});
}
