import type { HandlerRegistry } from "../../jobs/handler-registry.js";
import { PermanentJobFailure } from "../../jobs/permanent-failure.js";
import type { JobQueue } from "../../jobs/queue.js";
import type { Schedules } from "../../jobs/schedules.js";
import type { Clock } from "../../lib/clock.js";
import { isAppError } from "../../lib/errors.js";
import type { Db } from "../../store/db.js";

import { isCrlDue, requirePublishingCa, type CrlPublisher } from "./crl-publisher.js";
import type { ResponderManager } from "./ocsp-responders.js";
import * as repo from "./revocation.repo.js";

export const CRL_PUBLISH_JOB = "revocation.publish_crl";
export const REFRESH_JOB = "revocation.refresh";

declare module "../../jobs/job.types.js" {
  interface JobPayloads {
    "revocation.publish_crl": { caId: string };
    "revocation.refresh": Record<string, never>;
  }
}

/**
 * Every 10 minutes, off the hour: far more often than a CRL's half-life (3.5 days by default),
 * so whichever node takes the job replaces every CRL long before its nextUpdate.
 */
export const REFRESH_SCHEDULE = { name: "revocation.refresh", cron: "3-59/10 * * * *" } as const;

/** One pending CRL build per CA: revocations while it waits coalesce into it. */
export function crlJobKey(caId: string): string {
  return `revocation.crl:${caId}`;
}

export interface RevocationJobsDeps {
  db: Db;
  clock: Clock;
  crl: Pick<CrlPublisher, "publish">;
  responders: Pick<ResponderManager, "ensure">;
  queue: Pick<JobQueue, "enqueue">;
  handlers: Pick<HandlerRegistry, "register">;
  schedules: Pick<Schedules, "upsertSchedule">;
}

function parseCaPayload(raw: unknown): { caId: string } {
  const caId = (raw as { caId?: unknown } | null)?.caId;
  if (typeof caId !== "string" || caId.length === 0 || caId.length > 64) {
    throw new PermanentJobFailure("the payload names no CA");
  }
  return { caId };
}

/** Registers the CRL build and the periodic refresh (CRLs at half-life, responder rotation). */
export async function installRevocationJobs(deps: RevocationJobsDeps): Promise<void> {
  const { db, clock } = deps;
  deps.handlers.register(CRL_PUBLISH_JOB, {
    parse: parseCaPayload,
    backoff: { baseMs: 10_000, maxMs: 15 * 60_000 },
    async run({ caId }) {
      try {
        await deps.crl.publish(caId);
      } catch (error) {
        // The CA was deleted, or lost its key: nothing to publish, ever.
        if (isAppError(error) && error.code === "not_found") {
          throw new PermanentJobFailure(error.message, { cause: error });
        }
        throw error;
      }
    },
  });
  deps.handlers.register(REFRESH_JOB, {
    parse: () => ({}),
    async run(_payload, { signal }) {
      const failures: unknown[] = [];
      for (const caId of await repo.listPublishingCaIds(db)) {
        if (signal.aborted) return;
        // One CA whose key is unreachable (an HSM slot down) must not hold the others back.
        try {
          const state = await repo.findState(db, caId);
          if (isCrlDue(state, clock.now())) {
            await deps.queue.enqueue(db, {
              type: CRL_PUBLISH_JOB,
              payload: { caId },
              dedupeKey: crlJobKey(caId),
            });
          }
          const ca = await repo.findCa(db, caId);
          if (ca) await deps.responders.ensure(requirePublishingCa(ca, caId));
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length > 0) {
        throw new AggregateError(failures, `${failures.length} CA(s) could not be refreshed`);
      }
    },
  });
  await deps.schedules.upsertSchedule(
    REFRESH_SCHEDULE.name,
    REFRESH_SCHEDULE.cron,
    REFRESH_JOB,
    {},
  );
}
