import { AppError } from "./errors.js";

/**
 * Opaque keyset cursors. A cursor holds the sort key and id of the last item returned, plus a
 * tag of the sort it was made for, so a cursor from one ordering is refused under another.
 * Keyset (not offset) pagination is what keeps iteration free of skips and repeats while rows
 * are inserted and deleted.
 */

export type CursorKey = string | number | null;

export interface CursorPosition {
  /** The sort the cursor belongs to, e.g. "id:asc" or "expires_at:desc". */
  sort: string;
  /** Value of the sort column of the last item (absent when sorting by id alone). */
  key?: CursorKey;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  const compact = [position.sort, position.key ?? null, position.id];
  return Buffer.from(JSON.stringify(compact), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string, expectedSort: string): CursorPosition {
  const invalid = () =>
    new AppError("invalid_cursor", { details: [{ field: "cursor", reason: "malformed" }] });
  if (cursor.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid();
  const [sort, key, id] = parsed as unknown[];
  if (typeof sort !== "string" || typeof id !== "string") throw invalid();
  if (key !== null && typeof key !== "string" && typeof key !== "number") throw invalid();
  if (sort !== expectedSort) {
    throw new AppError("invalid_cursor", {
      message: "The cursor was made for another sort order; start again without it.",
      details: [{ field: "cursor", reason: "sort_mismatch" }],
    });
  }
  return { sort, key, id };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  /** Defaults to PAGE_LIMIT_DEFAULT when absent. */
  limit?: number | undefined;
  cursor?: string | undefined;
}

export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 500;
