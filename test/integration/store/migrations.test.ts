import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { migrateToLatest, openStore, type Store } from "../../../src/store/db.js";
import { MIGRATIONS } from "../../../src/store/migrations/index.js";
import { DIALECTS } from "../../support/dialects.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-store.js";

describe.each(DIALECTS)("migrations on %s", (dialect) => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    store = openStore(database.config);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it("applies every migration once and records it", async () => {
    const first = await migrateToLatest(store.db);
    expect(first.results?.map((r) => r.migrationName)).toEqual(Object.keys(MIGRATIONS).sort());
    const second = await migrateToLatest(store.db);
    expect(second.results).toEqual([]);
    const rows = await sql<{
      name: string;
    }>`select name from schema_migrations order by name`.execute(store.db);
    expect(rows.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS).sort());
  });

  it("reads BIGINT epoch milliseconds back as numbers", async () => {
    const at = Date.UTC(2030, 0, 1, 12, 0, 0, 123);
    await store.db
      .insertInto("projects")
      .values({ id: "prj_x", name: "n", description: "", created_at: at, updated_at: at })
      .execute();
    const row = await store.db
      .selectFrom("projects")
      .select("created_at")
      .executeTakeFirstOrThrow();
    expect(row.created_at).toBe(at);
  });
});
