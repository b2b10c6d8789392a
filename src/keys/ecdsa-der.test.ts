import { generateKeyPairSync, sign, verify } from "node:crypto";

import { describe, expect, it } from "vitest";

import { ecdsaDerToRaw, ecdsaRawToDer } from "./ecdsa-der.js";
import { KeyStoreError } from "./errors.js";

describe("ECDSA signature encodings", () => {
  for (const [curve, orderLength] of [
    ["prime256v1", 32],
    ["secp384r1", 48],
    ["secp521r1", 66],
  ] as const) {
    it(`turns ${curve} r‖s into DER that OpenSSL verifies, and back`, () => {
      const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: curve });
      // Enough signatures that some r or s has its top bit set and some start with zero bytes.
      for (let i = 0; i < 40; i++) {
        const data = Buffer.from(`message ${i}`);
        const raw = sign("sha256", data, { key: privateKey, dsaEncoding: "ieee-p1363" });
        expect(raw).toHaveLength(orderLength * 2);
        const der = ecdsaRawToDer(raw);
        expect(verify("sha256", data, { key: publicKey, dsaEncoding: "der" }, der)).toBe(true);
        expect(Buffer.from(ecdsaDerToRaw(der, orderLength))).toEqual(raw);
      }
    });
  }

  it("encodes integers minimally, with a zero octet before a set top bit (X.690 §8.3.2)", () => {
    const raw = Buffer.concat([Buffer.from([0, 0, 0x80, 1]), Buffer.from([0, 0, 0, 5])]);
    expect(Buffer.from(ecdsaRawToDer(raw)).toString("hex")).toBe("30080203008001020105");
  });

  it("rejects malformed input with a coded error", () => {
    expect(errorCode(() => ecdsaRawToDer(new Uint8Array(3)))).toBe("unsupported");
    expect(errorCode(() => ecdsaDerToRaw(Buffer.from("3006020101020102ff", "hex"), 32))).toBe(
      "unsupported",
    );
    expect(errorCode(() => ecdsaDerToRaw(Buffer.from("30", "hex"), 32))).toBe("unsupported");
  });
});

function errorCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof KeyStoreError ? error.code : String(error);
  }
  return undefined;
}
