import { createRequire } from "node:module";

import type SQLite from "better-sqlite3";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { openStore, type Store } from "../../../src/store/db.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-store.js";

const Driver = createRequire(import.meta.url)("better-sqlite3") as typeof SQLite;

describe("SQLite transactions", () => {
  let database: TestDatabase;
  let store: Store;
  let other: SQLite.Database;

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    store = openStore(database.config);
    await sql`CREATE TABLE counters (n INTEGER NOT NULL)`.execute(store.db);
    await sql`INSERT INTO counters (n) VALUES (0)`.execute(store.db);
    // Another process's connection, which gives up at once instead of waiting for the lock.
    other = new Driver(database.config.sqlitePath!, { timeout: 0 });
  });
  afterAll(async () => {
    other.close();
    await store.close();
    await database.drop();
  });

  it("hold the write lock from BEGIN, so no other connection writes between a read and a write", async () => {
    await store.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ n: number }>`SELECT n FROM counters`.execute(trx);
      // With a deferred BEGIN this write would succeed, and the UPDATE below would then fail
      // with SQLITE_BUSY_SNAPSHOT.
      expect(() => other.prepare("UPDATE counters SET n = n + 100").run()).toThrow(
        /database is locked/,
      );
      await sql`UPDATE counters SET n = ${rows[0]!.n + 1}`.execute(trx);
    });
    other.prepare("UPDATE counters SET n = n + 100").run();
    expect(other.prepare("SELECT n FROM counters").pluck().get()).toBe(101);
  });
});
