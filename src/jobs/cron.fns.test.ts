import { describe, expect, it } from "vitest";

import { cronProblem, nextCronSlot } from "./cron.fns.js";

describe("nextCronSlot", () => {
  it("finds the next five-field slot in UTC, strictly after the given instant", () => {
    const after = new Date("2026-11-23T03:16:59.500Z");
    expect(nextCronSlot("17 3 * * *", after).toISOString()).toBe("2026-11-23T03:17:00.000Z");
    const atSlot = new Date("2026-11-23T03:17:00.000Z");
    expect(nextCronSlot("17 3 * * *", atSlot).toISOString()).toBe("2026-11-24T03:17:00.000Z");
  });

  it("accepts a leading seconds field and macros", () => {
    const after = new Date("2026-11-23T10:00:00.000Z");
    expect(nextCronSlot("*/15 * * * * *", after).toISOString()).toBe("2026-11-23T10:00:15.000Z");
    expect(nextCronSlot("@daily", after).toISOString()).toBe("2026-11-24T00:00:00.000Z");
  });
});

describe("cronProblem", () => {
  it("accepts valid expressions and explains invalid ones", () => {
    expect(cronProblem("*/5 * * * *")).toBeNull();
    expect(cronProblem("")).toMatch(/1 to 200/);
    expect(cronProblem("61 * * * *")).toEqual(expect.any(String));
    expect(cronProblem("not a cron")).toEqual(expect.any(String));
  });
});
