/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from "kysely";

import { isPostgres } from "./_dialect.js";

/**
 * What the inventory's `q` name search needs to stay exact and fast at millions of rows.
 *
 * 1. Code-point order for `name`. The prefix search reads certificate_names by the range
 *    [q, q + U+10FFFF), which means "starts with q" only in code-point order. SQLite compares
 *    text that way; a PostgreSQL database created with a linguistic collation (en_US.UTF-8 and
 *    the like, a common default) does not, and could return names that do not start with q.
 *    The column gets the "C" collation whatever the database's default.
 * 2. The certificate's sort keys beside each name. A prefix can match thousands of certificates;
 *    with `created_at`, `expires_at` and `common_name` (fixed for a certificate's life) in one
 *    covering index next to the name, a page of matches is chosen from that index alone, and
 *    only the page's rows are read from `certificates`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`alter table certificate_names alter column name type text collate "C"`.execute(db);
  }
  for (const [column, type] of [
    ["created_at", "bigint"],
    ["expires_at", "bigint"],
    ["common_name", "text"],
  ] as const) {
    await db.schema.alterTable("certificate_names").addColumn(column, type).execute();
  }
  await sql`
    update certificate_names set
      created_at = (select c.created_at from certificates c where c.id = certificate_names.certificate_id),
      expires_at = (select c.expires_at from certificates c where c.id = certificate_names.certificate_id),
      common_name = (select c.common_name from certificates c where c.id = certificate_names.certificate_id)
  `.execute(db);
  await db.schema.dropIndex("certificate_names_lookup_idx").execute();
  await db.schema
    .createIndex("certificate_names_search_idx")
    .on("certificate_names")
    .columns(["project_id", "name", "created_at", "expires_at", "common_name", "certificate_id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("certificate_names_search_idx").execute();
  for (const column of ["created_at", "expires_at", "common_name"]) {
    await db.schema.alterTable("certificate_names").dropColumn(column).execute();
  }
  await db.schema
    .createIndex("certificate_names_lookup_idx")
    .on("certificate_names")
    .columns(["project_id", "name", "certificate_id"])
    .execute();
  if (isPostgres(db)) {
    await sql`alter table certificate_names alter column name type text collate "default"`.execute(
      db,
    );
  }
}
