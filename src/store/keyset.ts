import { sql, type Expression, type SqlBool } from "kysely";

import { decodeCursor, encodeCursor, type CursorKey, type Page } from "../lib/cursor.js";

/**
 * Keyset pagination over (sort column, id): the WHERE that resumes strictly after the cursor and
 * the ORDER BY that matches it. Ties on the sort column are broken by id, so the order is total
 * and stable, and rows inserted or deleted meanwhile never shift the page boundary (no skip, no
 * repeat) — unlike OFFSET.
 */
export interface KeysetSpec {
  /** Qualified column of the sort key, or null to sort by id alone. */
  column: string | null;
  idColumn: string;
  direction: "asc" | "desc";
  /** Tag written into cursors, e.g. "expires_at:asc"; a cursor for another sort is refused. */
  sortTag: string;
}

export function keysetWhere(
  spec: KeysetSpec,
  cursor: string | undefined,
): Expression<SqlBool> | null {
  if (cursor === undefined) return null;
  const position = decodeCursor(cursor, spec.sortTag);
  const id = sql.ref(spec.idColumn);
  const op = sql.raw(spec.direction === "asc" ? ">" : "<");
  if (spec.column === null) return sql<SqlBool>`${id} ${op} ${position.id}`;
  const col = sql.ref(spec.column);
  return sql<SqlBool>`(${col} ${op} ${position.key ?? null} or (${col} = ${position.key ?? null} and ${id} ${op} ${position.id}))`;
}

export function keysetOrder(spec: KeysetSpec): { column: string; direction: "asc" | "desc" }[] {
  const order = [{ column: spec.idColumn, direction: spec.direction }];
  return spec.column === null
    ? order
    : [{ column: spec.column, direction: spec.direction }, ...order];
}

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only signals that more exist.
 */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  spec: KeysetSpec,
  keyOf: (row: Row) => { key: CursorKey; id: string },
  map: (row: Row) => Item,
): Page<Item> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  let nextCursor: string | null = null;
  if (hasMore && last !== undefined) {
    const { key, id } = keyOf(last);
    nextCursor = encodeCursor({ sort: spec.sortTag, ...(spec.column === null ? {} : { key }), id });
  }
  return { items: pageRows.map(map), nextCursor };
}
