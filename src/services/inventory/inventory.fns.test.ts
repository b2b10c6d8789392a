import { describe, expect, it } from "vitest";

import { effectiveStatus, hexQuery, serialCandidates } from "./inventory.fns.js";

describe("effectiveStatus", () => {
  const now = new Date("2026-11-23T12:00:00Z");
  it("is expired only strictly after notAfter (RFC 5280 §4.1.2.5, inclusive validity)", () => {
    expect(effectiveStatus("active", new Date("2026-11-23T12:00:00Z"), now)).toBe("active");
    expect(effectiveStatus("active", new Date("2026-11-23T11:59:59Z"), now)).toBe("expired");
  });
  it("keeps revoked over expired, and the stored status while valid", () => {
    expect(effectiveStatus("revoked", new Date("2020-01-01T00:00:00Z"), now)).toBe("revoked");
    expect(effectiveStatus("renewal_failed", new Date("2027-01-01T00:00:00Z"), now)).toBe(
      "renewal_failed",
    );
    expect(effectiveStatus("superseded", new Date("2020-01-01T00:00:00Z"), now)).toBe("expired");
  });
});

describe("hexQuery and serialCandidates", () => {
  it("accepts OpenSSL's colon form in any case", () => {
    expect(hexQuery("00:AB:cd")).toBe("00abcd");
    expect(hexQuery("www.example.com")).toBeNull();
    expect(hexQuery("")).toBeNull();
  });
  it("tries a serial with and without DER's leading zero octets", () => {
    expect(serialCandidates("00abcd")).toEqual(["00abcd", "abcd"]);
    expect(serialCandidates("abcd")).toEqual(["abcd"]);
    expect(serialCandidates("00")).toEqual(["00"]);
  });
});
