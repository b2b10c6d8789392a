/**
 * Where cold start and idle memory go, phase by phase, in a plain `node` child process that does
 * what `certsmith serve` does, timing each step (process.hrtime) and reading its RSS:
 *   startup_imports      — loading createApp and everything it imports, from a bundle made the way
 *                          `npm run build` bundles dist/main.js (scripts/bundle.mjs);
 *   startup_create_app   — createApp(): open the store, run migrations, build services and routes;
 *   startup_listen       — listen(): Fastify's ready (schema compilation, plugins) and bind;
 *   startup_first_health — the first GET /health over HTTP.
 * Each figure has the time in ms and the RSS after the phase in MiB (median of CERTSMITH_BENCH_RUNS
 * runs, fresh storage each). Use it with cold-start.ts and idle-rss.ts to see which phase to fix.
 */
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";

import { benchDatabases, storageFor, type ServerStorage } from "./support/databases.js";
import { emit, envInteger, median, note, round } from "./support/emit.js";
import { ensureBuilt, REPO_ROOT } from "./support/server-process.js";

const RUNS = envInteger("CERTSMITH_BENCH_RUNS", 5);
const APP_ENTRY = path.join(REPO_ROOT, "dist", "startup-phases-entry.js");
const APP_BUNDLE_NAME = "startup-phases-app";
const APP_BUNDLE = path.join(REPO_ROOT, "dist", `${APP_BUNDLE_NAME}.js`);
const PHASES = ["imports", "create_app", "listen", "first_health"] as const;
type Phase = (typeof PHASES)[number];
type Sample = Record<Phase, { ms: number; rssMiB: number }>;

// Runs in the child, an ES module given on the command line; the app bundle's path comes in argv.
const CHILD = `
const started = process.hrtime.bigint();
const rss = () => process.memoryUsage().rss / 1048576;
const [appBundle, dataDir, databaseUrl] = process.argv.slice(1);
const sample = {};
let last = started;
const mark = (phase) => {
  const now = process.hrtime.bigint();
  sample[phase] = { ms: Number(now - last) / 1e6, rssMiB: rss() };
  last = now;
};
const { createApp, loadConfig, createLogger } = await import(appBundle);
mark("imports");
const config = loadConfig({
  flags: { "data-dir": dataDir, "database-url": databaseUrl, port: "0" },
  env: {},
});
const app = await createApp(config, { logger: createLogger("warn") });
mark("create_app");
const address = await app.server.listen({ host: "127.0.0.1", port: 0 });
mark("listen");
// node:http, already loaded by Fastify: fetch would add undici's own start-up to the figure.
const { get } = await import("node:http");
const status = await new Promise((resolve, reject) =>
  get(address + "/health", (response) => {
    response.resume();
    response.on("end", () => resolve(response.statusCode));
  }).on("error", reject),
);
if (status !== 200) throw new Error("/health answered " + status);
mark("first_health");
process.stdout.write(JSON.stringify(sample) + "\\n");
await app.close();
`;

function runOnce(storage: ServerStorage): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--input-type=module", "-e", CHILD, APP_BUNDLE, storage.dataDir, storage.databaseUrl],
      { cwd: storage.dataDir, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    child.on("exit", (code) => {
      const line = out.split("\n").find((text) => text.startsWith("{"));
      if (code !== 0 || line === undefined) reject(new Error(`phase run failed (${code}): ${err}`));
      else resolve(JSON.parse(line) as Sample);
    });
  });
}

/** What the child imports, bundled like dist/main.js so that loading it costs what serve's does. */
function bundleApp(): void {
  writeFileSync(
    APP_ENTRY,
    [
      'export { createApp } from "./app/create-app.js";',
      'export { loadConfig } from "./config/load.js";',
      'export { createLogger } from "./app/logger.js";',
      "",
    ].join("\n"),
  );
  const bundler = path.join(REPO_ROOT, "scripts", "bundle.mjs");
  const result = spawnSync(process.execPath, [bundler, APP_ENTRY, APP_BUNDLE_NAME], {
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error("bundling the phase child's imports failed");
}

ensureBuilt();
bundleApp();
for (const database of benchDatabases()) {
  const storage = await storageFor(database);
  try {
    const samples: Sample[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const place = await storage.fresh();
      try {
        samples.push(await runOnce(place));
      } finally {
        await place.remove();
      }
      note(`${database} run ${run}/${RUNS}`);
    }
    for (const phase of PHASES) {
      emit({
        metric: `startup_${phase}`,
        value: round(median(samples.map((sample) => sample[phase].ms))),
        unit: "ms",
        database,
        rss_after_mib: round(median(samples.map((sample) => sample[phase].rssMiB))),
        runs: samples.length,
      });
    }
  } finally {
    await storage.close();
  }
}
