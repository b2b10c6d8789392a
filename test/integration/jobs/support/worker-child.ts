/**
 * A worker in its own process, for the lease tests: the parent SIGKILLs it mid-job.
 * argv[2]: JSON of the DatabaseConfig. Prints "claimed <jobId>" when a `test.block` job starts,
 * then never finishes it.
 */
import pino from "pino";

import type { DatabaseConfig } from "../../../../src/config/config.types.js";
import { createHandlerRegistry } from "../../../../src/jobs/handler-registry.js";
import { createWorker } from "../../../../src/jobs/worker.js";
import { systemClock } from "../../../../src/lib/clock.js";
import { openStore } from "../../../../src/store/db.js";

import "./test-job-types.js";

const config = JSON.parse(process.argv[2] ?? "") as DatabaseConfig;
const store = openStore(config);
const handlers = createHandlerRegistry();
handlers.register("test.block", {
  run: (_payload, context) =>
    new Promise<void>(() => {
      process.stdout.write(`claimed ${context.jobId} attempt ${context.attempt}\n`);
    }),
});
const worker = createWorker({
  db: store.db,
  dialect: store.dialect,
  clock: systemClock,
  logger: pino({ level: "silent" }),
  handlers,
  config: { pollIntervalMs: 20, leaseSeconds: 1, concurrency: 1, shutdownGraceMs: 0 },
});
worker.start();
process.stdout.write("ready\n");
