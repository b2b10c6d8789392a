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

  it("encode the 80 random bits as one base32 number, incremented by one within a millisecond", () => {
    const decode = (body: string) =>
      [...body.slice(10)].reduce(
        (n, c) => n * 32n + BigInt("0123456789ABCDEFGHJKMNPQRSTVWXYZ".indexOf(c)),
        0n,
      );
    const ids = Array.from({ length: 200 }, () => ulid(1_900_000_000_000));
    for (let i = 1; i < ids.length; i++) {
      expect(decode(ids[i]!) - decode(ids[i - 1]!)).toBe(1n);
    }
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
