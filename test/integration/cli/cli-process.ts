import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: CLI processes run from here, as `npm run certsmith` would. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * The CLI is run from source as `node --import tsx src/main.ts`, so these tests need nothing but
 * `npm install` (no build). It is one process, not `npx tsx` (which forks a child and relays
 * signals), so the PID we signal and the exit code we read are the server's own.
 */
const CLI = [process.execPath, "--import", "tsx", path.join(REPO_ROOT, "src/main.ts")] as const;

/**
 * Per-test timeout for files that spawn the CLI: every process loads TypeScript through tsx and
 * starts the app, which takes seconds on a loaded CI machine (set with vi.setConfig).
 */
export const PROCESS_TEST_TIMEOUT_MS = 90_000;

/** The environment for a CLI process: no CERTSMITH_* or DATABASE_URL leaks in from the caller. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("CERTSMITH_") && name !== "DATABASE_URL") env[name] = value;
  }
  return { ...env, ...extra };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** stdout parsed as pino JSON lines (non-JSON lines skipped). */
  logLines(): Record<string, unknown>[];
  /** Resolves with the first log line matching, or rejects after `timeoutMs` or on exit. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves when the process has exited (rejects after `timeoutMs`, killing it). */
  exited(timeoutMs?: number): Promise<Exit>;
  /** SIGKILL if still running (cleanup). */
  kill(): void;
}

export function startCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): CliProcess {
  const [command, ...prefix] = CLI;
  const child = spawn(command, [...prefix, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: cleanEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exit = new Promise<Exit>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  let hasExited = false;
  void exit.then(() => (hasExited = true));

  const logLines = () =>
    out
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          return {};
        }
      });

  const describe = () => `stdout:\n${out}\nstderr:\n${err}`;

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    logLines,
    waitForLog(match, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const poll = () => {
          if (logLines().some(match)) return resolve();
          if (hasExited) return reject(new Error(`process exited first\n${describe()}`));
          if (Date.now() > deadline) return reject(new Error(`log line not seen\n${describe()}`));
          setTimeout(poll, 20);
        };
        poll();
      });
    },
    async exited(timeoutMs = 20_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill("SIGKILL");
          reject(new Error(`process did not exit within ${timeoutMs} ms\n${describe()}`));
        }, timeoutMs);
      });
      try {
        return await Promise.race([exit, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    kill() {
      if (!hasExited) child.kill("SIGKILL");
    },
  };
}

/** Runs a command that is expected to finish (version, migrate, a refused start). */
export async function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<Exit & { stdout: string; stderr: string }> {
  const cli = startCli(args, options);
  const exit = await cli.exited(options.timeoutMs ?? 30_000);
  return { ...exit, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** A temporary folder removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `certsmith-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Waits for the "listening" log line of `serve` and returns the address it printed. */
export async function listeningAddress(cli: CliProcess, timeoutMs = 30_000): Promise<string> {
  const isListening = (line: Record<string, unknown>) => typeof line.address === "string";
  await cli.waitForLog(isListening, timeoutMs);
  return cli.logLines().find(isListening)!.address as string;
}
