import type SQLite from "better-sqlite3";
import type { SqliteDatabase } from "kysely";

/** Enough for every distinct statement the server makes; bounded against ad-hoc SQL. */
const MAX_STATEMENTS = 1_000;

/**
 * Kysely's SQLite driver prepares every query again (`db.prepare(sql)` per execution), and
 * sqlite3_prepare costs as much as running a small indexed query. Queries built by Kysely
 * differ only in their bound parameters, so one prepared statement per SQL text serves them
 * all. A statement busy iterating (a streamed select) is never handed out twice: that caller
 * gets a fresh, uncached one. SQLite re-prepares a cached statement itself after a schema
 * change (sqlite3_prepare_v2), so migrations need no invalidation.
 */
export function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    prepare(sql) {
      const cached = statements.get(sql);
      if (cached !== undefined && !cached.busy) return cached;
      const statement = database.prepare(sql);
      if (cached === undefined) {
        if (statements.size >= MAX_STATEMENTS) {
          // Map keeps insertion order: drop the oldest entry.
          statements.delete(statements.keys().next().value!);
        }
        statements.set(sql, statement);
      }
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}
