import { describe, expect, it } from "vitest";

import { retryDelayMs } from "./backoff.fns.js";

const policy = { baseMs: 1_000, maxMs: 60_000 };

describe("retryDelayMs", () => {
  it("doubles the ceiling with each attempt, with the random half on top of a fixed half", () => {
    expect(retryDelayMs(1, policy, () => 0)).toBe(500);
    expect(retryDelayMs(1, policy, () => 0.999999)).toBe(1_000);
    expect(retryDelayMs(2, policy, () => 0)).toBe(1_000);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(3_000);
    expect(retryDelayMs(4, policy, () => 0)).toBe(4_000);
  });

  it("never exceeds the cap, even after very many attempts", () => {
    expect(retryDelayMs(7, policy, () => 0.999999)).toBe(60_000);
    expect(retryDelayMs(500, policy, () => 0)).toBe(30_000);
    expect(retryDelayMs(500, policy, () => 0.999999)).toBe(60_000);
  });

  it("spreads the delays of jobs that failed together", () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(5, policy)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(8_000);
      expect(delay).toBeLessThanOrEqual(16_000);
    }
  });
});
