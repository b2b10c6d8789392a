import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import pg from "pg";

import { startPostgresCluster, type PostgresCluster } from "../../test/support/postgres-cluster.js";

import { note } from "./emit.js";

export type BenchDatabase = "sqlite" | "postgres";

/** Databases to measure: CERTSMITH_BENCH_DATABASES=sqlite narrows the default "sqlite,postgres". */
export function benchDatabases(): BenchDatabase[] {
  const listed = (process.env.CERTSMITH_BENCH_DATABASES ?? "sqlite,postgres")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  for (const name of listed) {
    if (name !== "sqlite" && name !== "postgres") {
      throw new Error(`CERTSMITH_BENCH_DATABASES: unknown database "${name}"`);
    }
  }
  return listed as BenchDatabase[];
}

/** Where one server run keeps its state: a fresh data dir, and a fresh database in it or in PostgreSQL. */
export interface ServerStorage {
  database: BenchDatabase;
  dataDir: string;
  /** The --database-url to pass; for SQLite the default file in the data dir. */
  databaseUrl: string;
  remove(): Promise<void>;
}

/**
 * Hands out fresh storage for server runs on one database kind. For PostgreSQL it starts one
 * throw-away cluster (initdb + pg_ctl on a free loopback port, as the tests do) and makes a new
 * database per run; `close()` stops and deletes the cluster.
 */
export interface StorageFactory {
  fresh(): Promise<ServerStorage>;
  close(): Promise<void>;
}

export async function storageFor(database: BenchDatabase): Promise<StorageFactory> {
  let cluster: PostgresCluster | null = null;
  if (database === "postgres") {
    note("starting a throw-away PostgreSQL cluster");
    cluster = await startPostgresCluster();
  }
  return {
    async fresh() {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), "certsmith-bench-"));
      const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
      if (cluster === null) {
        return {
          database,
          dataDir,
          databaseUrl: `sqlite:${path.join(dataDir, "certsmith.db")}`,
          remove: () => Promise.resolve(removeDir()),
        };
      }
      const name = `bench_${randomBytes(5).toString("hex")}`;
      await adminQuery(cluster, `CREATE DATABASE ${name}`);
      const owner = cluster;
      return {
        database,
        dataDir,
        databaseUrl: cluster.url(name),
        async remove() {
          await adminQuery(owner, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          removeDir();
        },
      };
    },
    async close() {
      await cluster?.destroy();
    },
  };
}

async function adminQuery(cluster: PostgresCluster, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: cluster.url() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
