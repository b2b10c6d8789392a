import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { freePort } from "./ports.js";

const run = promisify(execFile);

/** A throw-away PostgreSQL cluster on loopback, in its own temp folder (DESIGN.md §4). */
export interface PostgresCluster {
  url(database?: string): string;
  port: number;
  dir: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

function findBinDir(): string {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], "bin");
  }
  throw new Error(
    "PostgreSQL server binaries not found under /usr/lib/postgresql; run scripts/test-all.sh (installs the postgresql package) or set CERTSMITH_TEST_DIALECTS=sqlite",
  );
}

function postgresUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  // initdb refuses to run as root: run the cluster as Debian's "postgres" account.
  const passwd = execFileSync("getent", ["passwd", "postgres"], { encoding: "utf8" });
  const [, , uid, gid] = passwd.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = findBinDir();
  const user = postgresUser();
  const dir = mkdtempSync(path.join(os.tmpdir(), "certsmith-pg-"));
  const dataDir = path.join(dir, "data");
  if (user) chownSync(dir, user.uid, user.gid);
  const asUser = (cmd: string, args: string[]) =>
    user ? run("runuser", ["-u", "postgres", "--", cmd, ...args]) : run(cmd, args);

  await asUser(path.join(bin, "initdb"), [
    "-D",
    dataDir,
    "-U",
    "postgres",
    "-A",
    "trust",
    "-E",
    "UTF8",
    "--locale=C",
    "--no-sync",
  ]);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c max_connections=300",
  ].join(" ");
  const start = async () => {
    await asUser(path.join(bin, "pg_ctl"), [
      "-D",
      dataDir,
      "-o",
      options,
      "-l",
      path.join(dir, "log"),
      "-w",
      "start",
    ]);
  };
  const stop = async () => {
    await asUser(path.join(bin, "pg_ctl"), ["-D", dataDir, "-m", "fast", "-w", "stop"]).catch(
      () => {},
    );
  };
  await start();
  return {
    url: (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`,
    port,
    dir,
    start,
    stop,
    async destroy() {
      await asUser(path.join(bin, "pg_ctl"), [
        "-D",
        dataDir,
        "-m",
        "immediate",
        "-w",
        "stop",
      ]).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
