/**
 * Cold start: milliseconds from spawning `node dist/main.js serve` to the first 200 on /health.
 * Two figures per database, each the median of several runs:
 *   cold_start_first_run — empty database: includes creating it and running every migration;
 *   cold_start_restart   — the same data dir again: the everyday restart.
 * Goal (issue 2): ≤ 1 s.
 */
import { benchDatabases, storageFor } from "./support/databases.js";
import { emit, envInteger, median, note, round } from "./support/emit.js";
import { ensureBuilt, startServer } from "./support/server-process.js";

const RUNS = envInteger("CERTSMITH_BENCH_RUNS", 5);

ensureBuilt();
for (const database of benchDatabases()) {
  const storage = await storageFor(database);
  try {
    const firstRun: number[] = [];
    const restart: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const place = await storage.fresh();
      try {
        for (const times of [firstRun, restart]) {
          const server = await startServer(place);
          times.push(server.readyMs);
          await server.stop();
        }
      } finally {
        await place.remove();
      }
      note(
        `${database} run ${run}/${RUNS}: first ${round(firstRun.at(-1)!)} ms, restart ${round(restart.at(-1)!)} ms`,
      );
    }
    for (const [metric, times] of [
      ["cold_start_first_run", firstRun],
      ["cold_start_restart", restart],
    ] as const) {
      emit({
        metric,
        value: round(median(times)),
        unit: "ms",
        database,
        runs: times.length,
        min: round(Math.min(...times)),
        max: round(Math.max(...times)),
      });
    }
  } finally {
    await storage.close();
  }
}
