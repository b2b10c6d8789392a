/**
 * A separate "node" for the concurrency test: opens its own store on the given database and
 * appends `count` audited mutations, each reading before it writes (the pattern that makes SQLite
 * transactions fail with SQLITE_BUSY unless the write lock is taken first).
 * Usage: append-worker.ts <database-url> <node-name> <count> <barrier-dir>
 * It writes <barrier-dir>/<node-name>.ready once its store is open, then starts only when
 * <barrier-dir>/go exists, so the processes really run at the same time.
 */
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { systemClock } from "../../../src/lib/clock.js";
import { createAuditService } from "../../../src/services/audit/audit.service.js";
import { openStore } from "../../../src/store/db.js";

const [url, node, countText, barrier] = process.argv.slice(2);
if (!url || !node || !countText || !barrier) {
  throw new Error("usage: append-worker.ts <url> <node> <count> <barrier-dir>");
}
const sqlitePath = url.startsWith("sqlite:") ? url.slice("sqlite:".length) : null;
const store = openStore({
  url,
  kind: sqlitePath ? "sqlite" : "postgres",
  sqlitePath,
  poolSize: 4,
});
const audit = createAuditService({ db: store.db, clock: systemClock });
const actor = { type: "system", id: node, name: node, requestId: null, sourceIp: null } as const;

try {
  await store.ping();
  writeFileSync(path.join(barrier, `${node}.ready`), "");
  while (!existsSync(path.join(barrier, "go"))) await sleep(10);
  for (let i = 0; i < Number(countText); i++) {
    await audit.record(
      actor,
      { action: "job.run", targetType: "job", targetId: `${node}-${i}` },
      async (trx) => {
        await trx.selectFrom("projects").select("id").limit(1).execute();
        // Yield between the read and the append, so the other process gets to interleave.
        await new Promise((resolve) => setImmediate(resolve));
      },
    );
  }
} finally {
  await store.close();
}
