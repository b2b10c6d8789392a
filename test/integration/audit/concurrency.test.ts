import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { systemClock } from "../../../src/lib/clock.js";
import { createAuditService } from "../../../src/services/audit/audit.service.js";
import { openStore, type Store } from "../../../src/store/db.js";
import { DIALECTS } from "../../support/dialects.js";

import { createAuditFixture, specNumber, userActor, type AuditFixture } from "./audit-fixtures.js";

const run = promisify(execFile);
const PER_PROCESS = 150;
const WORKER = path.join(import.meta.dirname, "append-worker.ts");

async function expectOneUnbrokenChain(f: AuditFixture, count: number) {
  const verification = await f.audit.verifyChain(userActor());
  expect(verification).toMatchObject({
    isValid: true,
    entriesChecked: count,
    headSequence: count,
  });
  const rows = await f.store.db
    .selectFrom("audit_entries")
    .select(["sequence", "id"])
    .orderBy("sequence")
    .execute();
  expect(rows.map((r) => Number(r.sequence))).toEqual(
    Array.from({ length: count }, (_, i) => i + 1),
  );
  expect(new Set(rows.map((r) => r.id)).size).toBe(count);
}

// Two pools in one process need a server that lets both write: SQLite's lock would block this
// thread itself. The two-process test below covers SQLite.
const SERVER_DIALECTS = DIALECTS.filter((d) => d === "postgres");

describe.each(SERVER_DIALECTS)("audit appends from two pools on %s", (dialect) => {
  let f: AuditFixture;
  let second: Store;
  beforeAll(async () => {
    f = await createAuditFixture(dialect);
    second = openStore(f.store.database.config);
  });
  afterAll(async () => {
    await second.close();
    await f.close();
  });

  it("keeps one linear chain under 200 concurrent appends across two pools", async () => {
    const nodes = [
      { db: f.store.db, audit: f.audit },
      { db: second.db, audit: createAuditService({ db: second.db, clock: systemClock }) },
    ];
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const node = nodes[i % 2]!;
        return node.db
          .transaction()
          .execute((trx) =>
            node.audit.append(trx, userActor({ id: `node-${i % 2}` }), specNumber(i)),
          );
      }),
    );
    await expectOneUnbrokenChain(f, 200);
  });
});

describe.each(DIALECTS)("audit appends from two processes on %s", (dialect) => {
  let f: AuditFixture;
  beforeAll(async () => {
    f = await createAuditFixture(dialect);
  });
  afterAll(() => f.close());

  it("keeps one linear chain when two processes record() at once", async () => {
    const url = f.store.database.config.url;
    const barrier = mkdtempSync(path.join(os.tmpdir(), "certsmith-audit-barrier-"));
    try {
      const nodes = ["node-a", "node-b"];
      const done = Promise.all(
        nodes.map((node) =>
          run(
            process.execPath,
            ["--import", "tsx", WORKER, url, node, String(PER_PROCESS), barrier],
            { cwd: process.cwd(), timeout: 60_000 },
          ),
        ),
      );
      // Release both at once, after both have started (tsx start-up takes seconds).
      const bothReady = async () => {
        while (!nodes.every((n) => existsSync(path.join(barrier, `${n}.ready`)))) await sleep(20);
        writeFileSync(path.join(barrier, "go"), "");
      };
      await Promise.all([done, bothReady()]);
    } finally {
      rmSync(barrier, { recursive: true, force: true });
    }
    await expectOneUnbrokenChain(f, 2 * PER_PROCESS);
    const perNode = await f.store.db
      .selectFrom("audit_entries")
      .select(["actor_id", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy("actor_id")
      .orderBy("actor_id")
      .execute();
    expect(perNode.map((r) => [r.actor_id, Number(r.n)])).toEqual([
      ["node-a", PER_PROCESS],
      ["node-b", PER_PROCESS],
    ]);
  }, 90_000);
});
