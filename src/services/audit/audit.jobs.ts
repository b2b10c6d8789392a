import type { HandlerRegistry } from "../../jobs/handler-registry.js";
import type { Schedules } from "../../jobs/schedules.js";
import { systemActor } from "../actor.js";

import type { AuditService } from "./audit.service.js";
import type { ChainVerification } from "./audit.types.js";

declare module "../../jobs/job.types.js" {
  interface JobPayloads {
    "audit.anchor": Record<string, never>;
  }
}

/** Hourly, off the hour so it does not pile onto every other :00 schedule. */
export const AUDIT_ANCHOR_SCHEDULE = { name: "audit.anchor", cron: "41 * * * *" } as const;

export interface AuditAnchorDeps {
  audit: Pick<AuditService, "verifyChain">;
  handlers: Pick<HandlerRegistry, "register">;
  schedules: Pick<Schedules, "upsertSchedule">;
  /**
   * Where each result goes: the server log, which operators ship off the host. That copy of the
   * head is what exposes a wholesale rewrite of the chain later (docs/audit.md, "Limits").
   */
  report(result: ChainVerification): void;
}

/**
 * A scheduled job that verifies the whole chain and reports its head (sequence and hash), so a
 * head kept outside the database exists without anyone remembering to export it, and a broken
 * chain is noticed within the hour.
 */
export async function installAuditAnchor(deps: AuditAnchorDeps): Promise<void> {
  deps.handlers.register("audit.anchor", {
    parse: () => ({}),
    async run() {
      deps.report(await deps.audit.verifyChain(systemActor()));
    },
  });
  await deps.schedules.upsertSchedule(
    AUDIT_ANCHOR_SCHEDULE.name,
    AUDIT_ANCHOR_SCHEDULE.cron,
    "audit.anchor",
    {},
  );
}
