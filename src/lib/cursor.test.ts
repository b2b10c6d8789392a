import { describe, expect, it } from "vitest";

import { decodeCursor, encodeCursor } from "./cursor.js";
import { AppError } from "./errors.js";

describe("cursor", () => {
  it("round-trips position and sort", () => {
    const cursor = encodeCursor({ sort: "expires_at:asc", key: 1_800_000_000_000, id: "cert_1" });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, "expires_at:asc")).toEqual({
      sort: "expires_at:asc",
      key: 1_800_000_000_000,
      id: "cert_1",
    });
  });

  it("refuses a cursor from another sort order", () => {
    const cursor = encodeCursor({ sort: "id:asc", id: "x" });
    expect(() => decodeCursor(cursor, "id:desc")).toThrowError(/another sort order/);
  });

  it.each([
    "",
    "!!",
    "a".repeat(2000),
    Buffer.from("{}").toString("base64url"),
    Buffer.from('["s",{},"i"]').toString("base64url"),
  ])("refuses malformed cursor %#", (bad) => {
    try {
      decodeCursor(bad, "s");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("invalid_cursor");
    }
  });
});
