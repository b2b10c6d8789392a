import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from "kysely";

/**
 * Transactions start with BEGIN IMMEDIATE, which takes the database's write lock at once
 * (https://www.sqlite.org/lang_transaction.html). With Kysely's plain BEGIN (DEFERRED), a
 * transaction that read before its first write failed with SQLITE_BUSY whenever another
 * connection (a CLI command, a second process) had written meanwhile: a read snapshot cannot
 * be upgraded, and busy_timeout does not apply. Taking the lock up front waits politely for it
 * instead. In the server it costs nothing: Kysely gives SQLite one connection, and its
 * transactions already run one at a time.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
