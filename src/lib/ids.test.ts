import { describe, expect, it } from "vitest";

import { isWellFormedId, newId, ulid } from "./ids.js";

describe("ids", () => {
  it("are prefixed ULIDs", () => {
    const id = newId("prj");
    expect(id).toMatch(/^prj_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(isWellFormedId(id, "prj")).toBe(true);
    expect(isWellFormedId(id, "cert")).toBe(false);
  });

  it("sort by creation time, strictly increasing within one millisecond", () => {
    const ids = Array.from({ length: 1000 }, () => ulid(1_800_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ulid(1_800_000_000_001) > ids.at(-1)!).toBe(true);
  });

  it("encode the time in the first ten characters, and never go backwards with the clock", () => {
    const at = 2_000_000_000_000;
    const decode = (body: string) =>
      [...body.slice(0, 10)].reduce(
        (n, c) => n * 32 + "0123456789ABCDEFGHJKMNPQRSTVWXYZ".indexOf(c),
        0,
      );
    const id = ulid(at);
    expect(decode(id)).toBe(at);
    const earlier = ulid(at - 5000); // clock stepped back
    expect(earlier > id).toBe(true);
  });
});
