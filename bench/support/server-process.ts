import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

import { apiHeaders } from "../../test/integration/cli/api-credentials.js";
import { freePort } from "../../test/support/ports.js";

import type { ServerStorage } from "./databases.js";
import { note } from "./emit.js";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The built server: what `npm start` and the package's `certsmith` bin run. */
export const MAIN_JS = path.join(REPO_ROOT, "dist", "main.js");

/**
 * The V8 options `npm start` gives node (package.json `scripts.start`: `node OPTIONS dist/main.js
 * serve`), so the figures are for the process an operator runs.
 */
export function nodeOptionsOfStart(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    scripts: { start: string };
  };
  const words = manifest.scripts.start.trim().split(/\s+/);
  const main = words.indexOf("dist/main.js");
  if (words[0] !== "node" || main < 0) {
    throw new Error(`package.json scripts.start is not "node [OPTIONS] dist/main.js …"`);
  }
  return words.slice(1, main);
}

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(full));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
      newest = Math.max(newest, statSync(full).mtimeMs);
    }
  }
  return newest;
}

/** Builds dist/ when it is missing or older than src/, so the figures are for the current code. */
export function ensureBuilt(): void {
  const stale =
    !existsSync(MAIN_JS) ||
    statSync(MAIN_JS).mtimeMs < newestSourceMtime(path.join(REPO_ROOT, "src"));
  if (!stale) return;
  note("building dist/ (npm run build)");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["run", "--silent", "build"], { cwd: REPO_ROOT, stdio: "inherit" });
  if (result.status !== 0) throw new Error("npm run build failed; fix the build, then re-run");
}

/**
 * `--cpu-prof` into CERTSMITH_BENCH_CPU_PROFILE_DIR when it is set: every server a bench starts
 * writes a V8 CPU profile there on exit (open it in Chrome DevTools or `npx speedscope`).
 */
function cpuProfileOptions(): string[] {
  const dir = process.env.CERTSMITH_BENCH_CPU_PROFILE_DIR;
  return dir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(dir)}`] : [];
}

/** The environment for the server: none of the caller's CERTSMITH_* settings leak in. */
function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("CERTSMITH_") && name !== "DATABASE_URL") env[name] = value;
  }
  return env;
}

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  /** Milliseconds from spawn to the first 200 on /health. */
  readyMs: number;
  /** The server's own stdout and stderr (its JSON log), kept in a file in the data dir. */
  log(): string;
  stop(): Promise<void>;
}

const POLL_INTERVAL_MS = 5;
const START_TIMEOUT_MS = 30_000;

/**
 * Spawns `node [OPTIONS] dist/main.js serve` (OPTIONS as in `npm start`) on a free loopback port with the given storage, and resolves
 * once /health answers 200. The log goes to a file, not a pipe, so reading it costs the bench
 * process nothing while the server is under load.
 */
export async function startServer(
  storage: ServerStorage,
  extraArgs: readonly string[] = [],
): Promise<ServerProcess> {
  const port = await freePort();
  // Load fetch (undici) before the clock starts, so its first-use cost is not counted.
  await fetch("http://127.0.0.1:1/").catch(() => undefined);
  const logFile = path.join(storage.dataDir, "server.log");
  const logFd = openSync(logFile, "a");
  const args = [
    ...nodeOptionsOfStart(),
    ...cpuProfileOptions(),
    MAIN_JS,
    "serve",
    "--port",
    String(port),
    "--data-dir",
    storage.dataDir,
    "--database-url",
    storage.databaseUrl,
    ...extraArgs,
  ];
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: storage.dataDir,
    env: serverEnv(),
    stdio: ["ignore", logFd, logFd],
  });
  closeSync(logFd);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const log = () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "");
  const baseUrl = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (hasExited) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  };

  for (;;) {
    if (hasExited) throw new Error(`the server exited during start-up:\n${log().slice(-4000)}`);
    if (performance.now() - spawnedAt > START_TIMEOUT_MS) {
      await stop();
      throw new Error(`no 200 on /health within ${START_TIMEOUT_MS} ms:\n${log().slice(-4000)}`);
    }
    const status = await fetch(`${baseUrl}/health`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  const readyMs = performance.now() - spawnedAt;
  return { child, pid: child.pid!, baseUrl, readyMs, log, stop };
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on every Linux build in use). */
const USER_HZ = 100;

/**
 * CPU time a process (all its threads) has used so far, user + system, in milliseconds, from
 * /proc/PID/stat (Linux). Divided by the requests served between two readings it gives the cost
 * of a request, a figure that varies far less than requests per second when the load generator
 * shares the machine's cores.
 */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start with the state, field 3.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / USER_HZ;
}

/** Resident set size of a process in MiB, from /proc/PID/status (Linux). */
export function residentMiB(pid: number, field: "VmRSS" | "VmHWM" = "VmRSS"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status)?.[1];
  if (kib === undefined) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(kib) / 1024;
}

/**
 * Headers with an admin API key for a server started on this storage: `certsmith setup` run
 * against the same data dir and database, a login, one key with every permission.
 */
export function adminApiHeaders(
  server: ServerProcess,
  storage: ServerStorage,
): Promise<Record<string, string>> {
  return apiHeaders({
    baseUrl: server.baseUrl,
    runCli: (args) =>
      new Promise((resolve) => {
        const child = spawn(
          process.execPath,
          [MAIN_JS, ...args, "--data-dir", storage.dataDir, "--database-url", storage.databaseUrl],
          { stdio: ["ignore", "ignore", "pipe"] },
        );
        let stderr = "";
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
        child.on("exit", (code) => resolve({ code, stderr }));
      }),
    scratchDir: storage.dataDir,
  });
}
