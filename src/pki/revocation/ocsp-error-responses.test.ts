import { describe, expect, it } from "vitest";

import { ocspErrorResponse } from "./ocsp-error-responses.js";
import { isRevocationReason, revocationReasonOf, REVOKE_REASONS } from "./revocation-reasons.js";

const hex = (value: Uint8Array): string => Buffer.from(value).toString("hex");

describe("unsuccessful OCSP responses (RFC 6960 §4.2.1)", () => {
  it.each([
    ["malformedRequest", "30030a0101"],
    ["internalError", "30030a0102"],
    ["tryLater", "30030a0103"],
    ["unauthorized", "30030a0106"],
  ] as const)("encodes %s as a bare responseStatus", (status, expected) => {
    expect(hex(ocspErrorResponse(status))).toBe(expected);
  });

  it("hands out a fresh copy each time", () => {
    const first = ocspErrorResponse("tryLater");
    first[4] = 0;
    expect(hex(ocspErrorResponse("tryLater"))).toBe("30030a0103");
  });
});

describe("CRL reasons (RFC 5280 §5.3.1)", () => {
  it("maps codes to names, with 7 unused", () => {
    expect(revocationReasonOf(1)).toBe("keyCompromise");
    expect(revocationReasonOf(8)).toBe("removeFromCRL");
    expect(revocationReasonOf(10)).toBe("aACompromise");
    expect(revocationReasonOf(7)).toBeUndefined();
    expect(revocationReasonOf(11)).toBeUndefined();
  });

  it("offers every reason but removeFromCRL for revoking, and knows no inherited names", () => {
    expect(REVOKE_REASONS).toHaveLength(9);
    expect(REVOKE_REASONS).not.toContain("removeFromCRL");
    expect(isRevocationReason("cACompromise")).toBe(true);
    expect(isRevocationReason("toString")).toBe(false);
  });
});
