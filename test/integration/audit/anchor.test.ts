import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createHandlerRegistry } from "../../../src/jobs/handler-registry.js";
import { createJobQueue } from "../../../src/jobs/queue.js";
import { createSchedules } from "../../../src/jobs/schedules.js";
import {
  AUDIT_ANCHOR_SCHEDULE,
  installAuditAnchor,
} from "../../../src/services/audit/audit.jobs.js";
import type { ChainVerification } from "../../../src/services/audit/audit.types.js";
import { DIALECTS } from "../../support/dialects.js";

import {
  appendEntries,
  createAuditFixture,
  userActor,
  type AuditFixture,
} from "./audit-fixtures.js";

describe.each(DIALECTS)("audit anchor job on %s", (dialect) => {
  let f: AuditFixture;
  const reports: ChainVerification[] = [];
  const handlers = createHandlerRegistry();
  beforeAll(async () => {
    f = await createAuditFixture(dialect);
    await appendEntries(f, 5);
    const schedules = createSchedules({
      db: f.store.db,
      clock: f.clock,
      queue: createJobQueue({ clock: f.clock }),
      onScheduleError: (name, error) => {
        throw new Error(`schedule ${name}: ${String(error)}`);
      },
    });
    await installAuditAnchor({
      audit: f.audit,
      handlers,
      schedules,
      report: (result) => reports.push(result),
    });
  });
  afterAll(() => f.close());

  async function runAnchorJob() {
    const handler = handlers.get("audit.anchor");
    if (!handler) throw new Error("audit.anchor is not registered");
    await handler.run(handler.parse({}), {
      jobId: "job_test",
      type: "audit.anchor",
      attempt: 1,
      maxAttempts: 5,
      signal: new AbortController().signal,
    });
    return reports[reports.length - 1]!;
  }

  it("is scheduled hourly in the database", async () => {
    const schedule = await f.store.db
      .selectFrom("job_schedules")
      .selectAll()
      .where("name", "=", AUDIT_ANCHOR_SCHEDULE.name)
      .executeTakeFirstOrThrow();
    expect(schedule).toMatchObject({ cron: "41 * * * *", job_type: "audit.anchor" });
  });

  it("reports the verified head, and the first broken entry once one is edited", async () => {
    const head = await f.audit.head(userActor());
    expect(await runAnchorJob()).toMatchObject({
      isValid: true,
      entriesChecked: 5,
      headSequence: 5,
      headHash: head.hash,
    });
    await f.store.db
      .updateTable("audit_entries")
      .set({ action: "certificate.revoke" })
      .where("sequence", "=", 2)
      .execute();
    expect(await runAnchorJob()).toMatchObject({
      isValid: false,
      firstInvalidSequence: 2,
      reason: "hash_mismatch",
    });
  });
});
