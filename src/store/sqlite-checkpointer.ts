import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

import type SQLite from "better-sqlite3";

/** SQLite's default `wal_autocheckpoint`, in pages: what the connection goes back to. */
const AUTOCHECKPOINT_PAGES = 1_000;

export interface CheckpointerOptions {
  /** How often the write rate is sampled and, while the worker runs, how often it checkpoints. */
  tickMs?: number;
  /** Rows changed by this connection within one tick that start the worker. */
  busyChanges?: number;
  /** Ticks in a row without new WAL frames after which the worker stops. */
  idleTicks?: number;
}

export interface SqliteCheckpointer {
  /** Whether the worker is checkpointing now (autocheckpoint is off on the main connection). */
  isActive(): boolean;
  /** Stops sampling and the worker; the main connection checkpoints by itself again. */
  stop(): Promise<void>;
}

/**
 * The worker: one more connection to the same file, running PASSIVE checkpoints, which never
 * block the writer or readers (https://www.sqlite.org/wal.html#ckpt). It is source text, not a
 * module, so it runs the same from the TypeScript sources and from the bundle; the driver comes
 * from the path the main thread resolved.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Driver = require(workerData.driverPath);
const database = new Driver(workerData.file, { fileMustExist: true });
const checkpoint = database.prepare("PRAGMA wal_checkpoint(PASSIVE)");
let lastLog = -1;
let idle = 0;
const timer = setInterval(() => {
  const { log, checkpointed } = checkpoint.get();
  idle = log === lastLog && checkpointed === log ? idle + 1 : 0;
  lastLog = log;
  if (idle >= workerData.idleTicks) stop();
}, workerData.tickMs);
function stop() {
  clearInterval(timer);
  database.close();
  parentPort.close();
}
parentPort.on("message", stop);
`;

/**
 * Moves WAL checkpoints off the event loop while the server writes a lot.
 *
 * In WAL mode the connection that commits past `wal_autocheckpoint` pages copies them into the
 * database file and syncs it, inside that COMMIT: under sustained issuance that was a third of the
 * request thread's time (issue 4, P1 profile). When this connection changes more than
 * `busyChanges` rows in a tick, a worker thread with its own connection takes over checkpointing
 * and autocheckpoint is turned off here; when the WAL has had no new frames for `idleTicks` ticks
 * the worker exits and autocheckpoint comes back. The worker costs ~10 MiB while it runs, which is
 * why it is not always there (issue 2: idle RSS). If it fails, autocheckpoint comes back too, so
 * the WAL never grows without bound.
 */
export function startSqliteCheckpointer(
  database: SQLite.Database,
  file: string,
  options: CheckpointerOptions = {},
): SqliteCheckpointer {
  const tickMs = options.tickMs ?? 1_000;
  const busyChanges = options.busyChanges ?? 500;
  const idleTicks = options.idleTicks ?? 30;
  const totalChanges = database.prepare("SELECT total_changes() AS n").pluck();
  let lastChanges = totalChanges.get() as number;
  let worker: Worker | null = null;
  let stopped = false;

  function startWorker(): void {
    const driverPath = createRequire(import.meta.url).resolve("better-sqlite3");
    const started = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driverPath, file, tickMs, idleTicks },
      // It holds one prepared statement: keep its heap (and so its RSS) small.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
      stdout: false,
      stderr: false,
    });
    // A CLI command ends when its work does; a killed checkpoint is one SQLite recovers from.
    started.unref();
    worker = started;
    database.pragma("wal_autocheckpoint = 0");
    // An error is followed by 'exit' too; either way this connection checkpoints again.
    started.on("error", () => undefined);
    started.on("exit", () => {
      if (worker !== started) return;
      worker = null;
      if (database.open) database.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    });
  }

  const sampler = setInterval(() => {
    if (!database.open) return;
    const changes = totalChanges.get() as number;
    const isBusy = changes - lastChanges >= busyChanges;
    lastChanges = changes;
    if (!isBusy || worker !== null || stopped) return;
    try {
      startWorker();
    } catch {
      // No worker (thread limits, out of memory): autocheckpoint is still on, as without one.
    }
  }, tickMs);
  sampler.unref();

  return {
    isActive: () => worker !== null,
    async stop() {
      stopped = true;
      clearInterval(sampler);
      const running = worker;
      if (running === null) return;
      const exited = new Promise((resolve) => running.once("exit", resolve));
      running.postMessage("stop");
      await exited;
    },
  };
}
