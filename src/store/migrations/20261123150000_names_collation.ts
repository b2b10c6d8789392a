/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from "kysely";

import { isPostgres } from "./_dialect.js";

/**
 * The inventory's `q` prefix search reads certificate_names by the range [q, q + U+10FFFF),
 * which means "starts with q" only in code-point order. SQLite compares text that way; a
 * PostgreSQL database created with a linguistic collation (en_US.UTF-8 and the like, a common
 * default) does not, and could leave names out of a search. The column gets the "C" collation,
 * whatever the database's default; PostgreSQL rebuilds certificate_names_lookup_idx with it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`alter table certificate_names alter column name type text collate "C"`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`alter table certificate_names alter column name type text collate "default"`.execute(
    db,
  );
}
