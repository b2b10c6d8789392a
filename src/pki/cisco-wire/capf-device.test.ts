import { describe, expect, it } from "vitest";

import { CapfCurve } from "./capf-constants.js";
import { CAPF_CURVE_BY_NAME, isCapfDeviceName } from "./capf-device.js";

describe("CAPF device values (spec §5.2)", () => {
  it.each([
    ["SEP001122334455", true],
    ["SEPAABBCCDDEEFF", true],
    ["SEPaabbccddeeff", false],
    ["SEP0011223344", false],
    ["SEP0011223344556", false],
    ["CP-8845-SEP001122334455", false],
    ["SEP00112233445G", false],
  ])("%s is a device name: %s", (name, valid) => {
    expect(isCapfDeviceName(name)).toBe(valid);
  });

  it("maps U2 curve names to the CURVE codes 0, 1, 2", () => {
    expect(
      ["secp256r1", "secp384r1", "secp521r1"].map((n) => CapfCurve[CAPF_CURVE_BY_NAME[n]!]),
    ).toEqual([0, 1, 2]);
  });
});
