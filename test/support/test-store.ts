import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import pg from "pg";
import { inject } from "vitest";

import type { DatabaseConfig } from "../../src/config/config.types.js";
import { migrateToLatest, openStore, type Dialect, type Store } from "../../src/store/db.js";

export interface TestDatabase {
  dialect: Dialect;
  config: DatabaseConfig;
  /** Removes the database (and its folder). */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /**
   * PostgreSQL only: what follows `CREATE DATABASE name`, e.g. a template and locale to test
   * behaviour under a collation other than the cluster's default.
   */
  postgresCreateOptions?: string;
}

/** A fresh, empty database of the dialect: a temp SQLite file, or a new database in the run's cluster. */
export async function createTestDatabase(
  dialect: Dialect,
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(path.join(os.tmpdir(), "certsmith-sqlite-"));
    const file = path.join(dir, "test.db");
    return {
      dialect,
      config: { url: `sqlite:${file}`, kind: "sqlite", sqlitePath: file, poolSize: 1 },
      drop: () => {
        rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  }
  const adminUrl = inject("postgresAdminUrl");
  if (!adminUrl)
    throw new Error(
      "the PostgreSQL test cluster is not running (see test/support/global-setup.ts)",
    );
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} ${options.postgresCreateOptions ?? ""}`);
  await admin.end();
  const url = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  return {
    dialect,
    config: { url, kind: "postgres", sqlitePath: null, poolSize: 10 },
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** A migrated store on a fresh database; `close` also drops the database. */
export async function createTestStore(
  dialect: Dialect,
): Promise<Store & { database: TestDatabase }> {
  const database = await createTestDatabase(dialect);
  const store = openStore(database.config);
  await migrateToLatest(store.db);
  return {
    ...store,
    database,
    async close() {
      await store.close();
      await database.drop();
    },
  };
}
