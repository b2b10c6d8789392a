import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import type SQLite from "better-sqlite3";
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteAdapter,
  sql,
  type MigrationResultSet,
} from "kysely";
import type pg from "pg";

import type { DatabaseConfig } from "../config/config.types.js";

import type { Database } from "./database.js";
import { MIGRATIONS } from "./migrations/index.js";
import { startSqliteCheckpointer, type SqliteCheckpointer } from "./sqlite-checkpointer.js";
import { ImmediateSqliteDialect } from "./sqlite-immediate-dialect.js";
import { withStatementCache } from "./sqlite-statement-cache.js";

export type Dialect = "sqlite" | "postgres";

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Round-trips a trivial query; rejects when the database is unreachable. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export type Db = Kysely<Database>;

const PG_INT8 = 20;

/**
 * Each database driver is loaded when a store of its kind is opened: a deployment uses one, and
 * loading the other cost every start-up time and memory (pg ~80 ms; issue 2: cold start ≤ 1 s).
 * `require` keeps openStore synchronous; both drivers are CommonJS packages, so it is the same
 * load an `import` would do.
 */
const requireDriver = createRequire(import.meta.url);

function openPostgres(config: DatabaseConfig): Kysely<Database> {
  const driver = requireDriver("pg") as typeof pg;
  const readInt8AsNumber = (oid: number, format?: "text" | "binary") => {
    if (oid === PG_INT8) return (value: string) => Number(value);
    return driver.types.getTypeParser(oid, format ?? "text") as (value: string) => unknown;
  };
  const pool = new driver.Pool({
    connectionString: config.url,
    max: config.poolSize,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // BIGINT holds epoch milliseconds and counters, all far below 2^53: read them as numbers.
    types: { getTypeParser: readInt8AsNumber as typeof pg.types.getTypeParser },
  });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on("error", () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

function openSqlite(file: string): { db: Kysely<Database>; checkpointer: SqliteCheckpointer } {
  mkdirSync(path.dirname(file), { recursive: true });
  const Driver = requireDriver("better-sqlite3") as typeof SQLite;
  const database = new Driver(file);
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  database.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(database) }),
  });
  return { db, checkpointer: startSqliteCheckpointer(database, file) };
}

/** The dialect behind a database or transaction handle, for the few repos that need its own SQL. */
export function dialectOf(db: Kysely<Database>): Dialect {
  return db.getExecutor().adapter instanceof SqliteAdapter ? "sqlite" : "postgres";
}

export function openStore(config: DatabaseConfig): Store {
  const dialect: Dialect = config.kind;
  const sqlite = dialect === "sqlite" ? openSqlite(config.sqlitePath!) : null;
  const db = sqlite ? sqlite.db : openPostgres(config);
  let closed = false;
  return {
    db,
    dialect,
    async ping(timeoutMs = 2_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("database ping timed out")), timeoutMs);
      });
      try {
        await Promise.race([sql`select 1`.execute(db), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await sqlite?.checkpointer.stop();
      await db.destroy();
    },
  };
}

function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
    migrationTableName: "schema_migrations",
    migrationLockTableName: "schema_migrations_lock",
  });
}

export class MigrationError extends Error {}

/** Applies every pending migration (several nodes starting at once take turns on a lock). */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResultSet> {
  const result = await migrator(db).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error");
    throw new MigrationError(
      `migration ${failed?.migrationName ?? "(unknown)"} failed: ${String((result.error as Error).message ?? result.error)}`,
      { cause: result.error },
    );
  }
  return result;
}

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === "23505" ||
    code === "SQLITE_CONSTRAINT_UNIQUE" ||
    code === "SQLITE_CONSTRAINT_PRIMARYKEY"
  );
}

export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "23503" || code === "SQLITE_CONSTRAINT_FOREIGNKEY";
}
