import path from "node:path";

import { describe, expect, it, vi } from "vitest";

import { MIGRATIONS } from "../../../src/store/migrations/index.js";
import { DIALECTS } from "../../support/dialects.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-store.js";

import { PROCESS_TEST_TIMEOUT_MS, runCli, tempDir } from "./cli-process.js";
import { queryDirectly } from "./direct-query.js";

vi.setConfig({ testTimeout: PROCESS_TEST_TIMEOUT_MS });

const ALL_MIGRATIONS = Object.keys(MIGRATIONS).sort();

async function recordedMigrations(database: TestDatabase): Promise<string[]> {
  const rows = await queryDirectly<{ name: string }>(
    database,
    "select name from schema_migrations order by name",
  );
  return rows.map((row) => row.name);
}

describe.each(DIALECTS)("certsmith migrate on %s", (dialect) => {
  it("applies every migration once, then reports the database up to date", async () => {
    const database = await createTestDatabase(dialect);
    const data = tempDir("cli-migrate");
    const args = ["migrate", "--data-dir", data.dir, "--database-url", database.config.url];
    try {
      const first = await runCli(args);
      expect(first.stderr).toBe("");
      expect(first.code).toBe(0);
      expect(first.stdout).toBe(`applied: ${ALL_MIGRATIONS.join(", ")}\n`);
      expect(await recordedMigrations(database)).toEqual(ALL_MIGRATIONS);

      const second = await runCli(args);
      expect(second.code).toBe(0);
      expect(second.stdout).toBe("database is up to date\n");
      expect(await recordedMigrations(database)).toEqual(ALL_MIGRATIONS);
    } finally {
      await database.drop();
      data.remove();
    }
  });
});

describe("certsmith migrate with the default database", () => {
  it("creates the SQLite file in the data dir", async () => {
    const data = tempDir("cli-migrate-default");
    try {
      const result = await runCli(["migrate", "--data-dir", data.dir]);
      expect(result.code).toBe(0);
      const file = path.join(data.dir, "certsmith.db");
      const database: TestDatabase = {
        dialect: "sqlite",
        config: { url: `sqlite:${file}`, kind: "sqlite", sqlitePath: file, poolSize: 1 },
        drop: () => Promise.resolve(),
      };
      expect(await recordedMigrations(database)).toEqual(ALL_MIGRATIONS);
    } finally {
      data.remove();
    }
  });

  it("exits 1 with one line when PostgreSQL cannot be reached", async () => {
    const result = await runCli([
      "migrate",
      "--database-url",
      "postgres://nobody@127.0.0.1:1/none",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^certsmith: .*ECONNREFUSED 127\.0\.0\.1:1$/m);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });
});
