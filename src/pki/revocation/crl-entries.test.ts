import { describe, expect, it } from "vitest";

import { encodeCrlEntries } from "./crl-entries.js";
import type { RevocationError } from "./revocation-error.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const revokedAt = new Date("2026-01-02T03:04:05Z");
/** UTCTime 260102030405Z. */
const REVOKED_AT = "170d3236303130323033303430355a";

describe("CRL entries (RFC 5280 §5.1.2.6)", () => {
  it("writes serial and date only when the reason is unspecified", () => {
    const der = encodeCrlEntries(
      [{ serialNumber: "8f0001", revokedAt, reason: "unspecified" }],
      false,
    );
    expect(hex(der)).toBe("3015" + "0204008f0001" + REVOKED_AT);
    expect(hex(encodeCrlEntries([{ serialNumber: "8f0001", revokedAt }], false))).toBe(hex(der));
  });

  it("adds the reasonCode entry extension as an ENUMERATED (§5.3.1)", () => {
    const der = encodeCrlEntries(
      [{ serialNumber: "01", revokedAt, reason: "keyCompromise" }],
      false,
    );
    const reasonExtension = "300a0603551d150403" + "0a0101";
    expect(hex(der)).toBe("3020" + "020101" + REVOKED_AT + "300c" + reasonExtension);
  });

  it("adds the invalidityDate entry extension as a GeneralizedTime (§5.3.2)", () => {
    const der = encodeCrlEntries(
      [
        {
          serialNumber: "01",
          revokedAt,
          reason: "aACompromise",
          invalidityDate: new Date("2025-12-31T00:00:00Z"),
        },
      ],
      false,
    );
    const reason = "300a0603551d150403" + "0a010a";
    const invalidity =
      "30180603551d18" + "0411" + "180f" + Buffer.from("20251231000000Z").toString("hex");
    expect(hex(der)).toBe("303a" + "020101" + REVOKED_AT + "3026" + reason + invalidity);
  });

  it("writes GeneralizedTime revocation dates from 2050 on", () => {
    const der = encodeCrlEntries(
      [{ serialNumber: "02", revokedAt: new Date("2051-01-01T00:00:00Z") }],
      false,
    );
    expect(hex(der)).toBe(
      "3014" + "020102" + "180f" + Buffer.from("20510101000000Z").toString("hex"),
    );
  });

  it("concatenates many entries and grows past its first buffer", () => {
    const entries = Array.from({ length: 5000 }, (_, i) => ({
      serialNumber: (0x100000 + i).toString(16),
      revokedAt,
      reason: "superseded" as const,
      invalidityDate: revokedAt,
    }));
    const der = encodeCrlEntries(entries, false);
    // Each entry: 2 + 5 (serial) + 15 (UTCTime) + 2 + 12 (reason) + 26 (invalidity) octets.
    expect(der.length).toBe(5000 * 62);
    expect(hex(der.subarray(62 * 4999, 62 * 4999 + 9))).toBe("303c" + "0203" + "101387" + "170d");
  });

  it.each([
    [
      "a duplicate serial",
      [
        { serialNumber: "0a", revokedAt },
        { serialNumber: "000A", revokedAt },
      ],
    ],
    [
      "removeFromCRL outside a delta CRL",
      [{ serialNumber: "0a", revokedAt, reason: "removeFromCRL" }],
    ],
    ["an unknown reason", [{ serialNumber: "0a", revokedAt, reason: "lostIt" }]],
    ["an invalid revocation date", [{ serialNumber: "0a", revokedAt: new Date(Number.NaN) }]],
    [
      "an invalidity date before 1950",
      [{ serialNumber: "0a", revokedAt, invalidityDate: new Date(0 - 1e12) }],
    ],
    ["a serial that is not hex", [{ serialNumber: "serial-1", revokedAt }]],
  ])("rejects %s as invalid input", (_name, entries) => {
    expect(() => encodeCrlEntries(entries as never, false)).toThrow(
      expect.objectContaining({
        name: "RevocationError",
        code: "invalid_input",
      }) as RevocationError,
    );
  });

  it("allows removeFromCRL in a delta CRL (§5.2.4)", () => {
    const der = encodeCrlEntries(
      [{ serialNumber: "0a", revokedAt, reason: "removeFromCRL" }],
      true,
    );
    expect(hex(der).endsWith("0a0108")).toBe(true);
  });
});
