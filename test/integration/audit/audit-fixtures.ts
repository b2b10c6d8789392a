import { fixedClock } from "../../../src/lib/clock.js";
import type { Actor } from "../../../src/services/actor.js";
import {
  createAuditService,
  type AuditService,
  type AuditServiceDeps,
} from "../../../src/services/audit/audit.service.js";
import type { AuditSpec } from "../../../src/services/audit/audit.types.js";
import type { Dialect, Store } from "../../../src/store/db.js";
import { createTestStore, type TestDatabase } from "../../support/test-store.js";

export interface AuditFixture {
  store: Store & { database: TestDatabase };
  audit: AuditService;
  clock: ReturnType<typeof fixedClock>;
  close(): Promise<void>;
}

/** A migrated store of the dialect with the real audit service over it. */
export async function createAuditFixture(
  dialect: Dialect,
  options: Partial<AuditServiceDeps> = {},
): Promise<AuditFixture> {
  const store = await createTestStore(dialect);
  const clock = fixedClock(new Date("2026-11-23T10:00:00.000Z"));
  const audit = createAuditService({ db: store.db, clock, ...options });
  return { store, audit, clock, close: () => store.close() };
}

export function userActor(overrides: Partial<Actor> = {}): Actor {
  return {
    type: "user",
    id: "usr_01JD3K9Z2X4Q8W6V5T7R1N0M3B",
    name: "alice",
    requestId: "req-test",
    sourceIp: "127.0.0.1",
    ...overrides,
  };
}

export function specNumber(i: number): AuditSpec {
  return {
    action: "certificate.issue",
    targetType: "certificate",
    targetId: `cert_${i}`,
    projectId: i % 2 === 0 ? "prj_even" : "prj_odd",
    details: { index: i, subject: `CN=host-${i}.example` },
  };
}

/** `count` entries, one transaction each, the clock one second further for each. */
export async function appendEntries(
  fixture: AuditFixture,
  count: number,
  actor: Actor = userActor(),
): Promise<void> {
  for (let i = 1; i <= count; i++) {
    await fixture.store.db
      .transaction()
      .execute((trx) => fixture.audit.append(trx, actor, specNumber(i)));
    fixture.clock.advance(1_000);
  }
}
