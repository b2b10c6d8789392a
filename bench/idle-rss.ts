/**
 * Idle memory: resident set size (VmRSS in /proc/PID/status) of `node dist/main.js serve` after
 * it has answered /health and then sat idle for a few seconds (CERTSMITH_BENCH_IDLE_SECONDS,
 * default 5), so start-up garbage has had a chance to be collected. Also the peak (VmHWM).
 * Goal (issue 2): ≤ 100 MB.
 */
import { setTimeout as sleep } from "node:timers/promises";

import { benchDatabases, storageFor } from "./support/databases.js";
import { emit, envInteger, note, round } from "./support/emit.js";
import { ensureBuilt, residentMiB, startServer } from "./support/server-process.js";

const IDLE_SECONDS = envInteger("CERTSMITH_BENCH_IDLE_SECONDS", 5);

ensureBuilt();
for (const database of benchDatabases()) {
  const storage = await storageFor(database);
  const place = await storage.fresh();
  try {
    const server = await startServer(place);
    try {
      note(`${database}: healthy after ${round(server.readyMs)} ms; idling ${IDLE_SECONDS} s`);
      await sleep(IDLE_SECONDS * 1000);
      const rss = residentMiB(server.pid, "VmRSS");
      const peak = residentMiB(server.pid, "VmHWM");
      emit({
        metric: "idle_rss",
        value: round(rss),
        unit: "MiB",
        database,
        idle_seconds: IDLE_SECONDS,
      });
      emit({ metric: "peak_rss_after_start", value: round(peak), unit: "MiB", database });
    } finally {
      await server.stop();
    }
  } finally {
    await place.remove();
    await storage.close();
  }
}
