import { describe, expect, it } from "vitest";

import { checkPassword, deviceKey, normalizeDeviceName, trustRoles } from "./cisco-input.fns.js";

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return "no error";
};

describe("Cisco input rules (spec §5.2, §6)", () => {
  it("takes SEP + 12 hex digits, stored uppercase, and nothing else", () => {
    expect(normalizeDeviceName("sep00112233aabb")).toBe("SEP00112233AABB");
    for (const bad of [
      "SEP0011223344",
      "SEP00112233445566",
      "CP-8845-SEP001122334455",
      "SEP00112233GGHH",
      "",
    ]) {
      expect(
        codeOf(() => normalizeDeviceName(bad)),
        bad,
      ).toBe("validation_failed");
    }
  });

  it("keeps one of key size (RSA) or curve (EC), with U2's defaults", () => {
    expect(deviceKey("RSA", undefined, undefined)).toEqual({ keySize: 2048, curve: null });
    expect(deviceKey("EC", undefined, undefined)).toEqual({ keySize: null, curve: "secp256r1" });
    expect(deviceKey("EC", undefined, "P-521")).toEqual({ keySize: null, curve: "secp521r1" });
    expect(codeOf(() => deviceKey("RSA", 2048, "secp256r1"))).toBe("validation_failed");
    expect(codeOf(() => deviceKey("EC", 2048, undefined))).toBe("validation_failed");
    expect(codeOf(() => deviceKey("RSA", 1536, undefined))).toBe("validation_failed");
  });

  it("accepts an authentication string of 4 to 15 digits", () => {
    expect(checkPassword("1234")).toBe("1234");
    expect(checkPassword("123456789012345")).toBe("123456789012345");
    for (const bad of ["123", "1234567890123456", "12a4", "    "]) {
      expect(
        codeOf(() => checkPassword(bad)),
        bad,
      ).toBe("validation_failed");
    }
  });

  it("orders trust roles as the TVS returns them and combines CCM with TFTP", () => {
    expect(trustRoles(["TVS", "app-server", "CCM"])).toEqual(["CCM", "APP-SERVER", "TVS"]);
    expect(trustRoles(["TFTP", "CCM"])).toEqual(["CCM+TFTP"]);
    expect(codeOf(() => trustRoles(["PRINTER"]))).toBe("validation_failed");
    expect(codeOf(() => trustRoles([]))).toBe("validation_failed");
  });
});
