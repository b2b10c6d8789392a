import { describe, expect, it } from "vitest";

import { tvsCertificateFingerprint } from "./tvs-lookup.js";

describe("tvsCertificateFingerprint", () => {
  it("is the lowercase hex SHA-256 of the DER (FIPS 180-2 test vector 'abc')", () => {
    expect(tvsCertificateFingerprint(new TextEncoder().encode("abc"))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
});
