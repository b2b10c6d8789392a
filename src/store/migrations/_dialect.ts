import { PostgresAdapter, type Kysely } from "kysely";

// Frozen with the migrations that use it: change only by adding, never by editing behaviour.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function binaryType(db: Kysely<any>): "bytea" | "blob" {
  return isPostgres(db) ? "bytea" : "blob";
}
