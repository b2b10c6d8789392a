import SQLite from "better-sqlite3";
import pg from "pg";

import type { TestDatabase } from "../../support/test-store.js";

/**
 * Reads rows straight from the database with the driver, not through our store: what a CLI
 * process left behind, checked independently of the code that wrote it.
 */
export async function queryDirectly<Row>(database: TestDatabase, query: string): Promise<Row[]> {
  if (database.dialect === "sqlite") {
    const sqlite = new SQLite(database.config.sqlitePath!, { readonly: true });
    try {
      return sqlite.prepare(query).all() as Row[];
    } finally {
      sqlite.close();
    }
  }
  const client = new pg.Client({ connectionString: database.config.url });
  await client.connect();
  try {
    return (await client.query(query)).rows as Row[];
  } finally {
    await client.end();
  }
}
