import { describe, expect, it } from "vitest";

import { readDer, readUnsignedInteger } from "./der-read.js";
import { generateSerialNumber, serialFromBytes } from "./serial.js";

describe("serial numbers", () => {
  it("draws 128 random bits as a positive, minimal DER INTEGER", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const serial = generateSerialNumber();
      const magnitude = readUnsignedInteger(readDer(serial.der), "serial");
      expect(magnitude.length).toBeLessThanOrEqual(16);
      expect(serial.der.length).toBeLessThanOrEqual(2 + 17);
      expect(Buffer.from(magnitude).toString("hex").replace(/^0+/, "")).toBe(serial.hex);
      seen.add(serial.hex);
    }
    expect(seen.size).toBe(200);
  });

  it("adds a zero octet before a set top bit and trims leading zeros", () => {
    const high = serialFromBytes(new Uint8Array(16).fill(0xff));
    expect(high.der.length).toBe(19);
    expect(high.der[2]).toBe(0);
    expect(high.hex).toBe("ff".repeat(16));
    const low = serialFromBytes(Uint8Array.of(0, 0, 0x01, 0x02));
    expect(Buffer.from(low.der).toString("hex")).toBe("02020102");
    expect(low.hex).toBe("102");
  });

  it("never returns zero", () => {
    const draws = [new Uint8Array(16), Uint8Array.of(...new Array<number>(15).fill(0), 7)];
    const serial = generateSerialNumber(() => draws.shift()!);
    expect(serial.hex).toBe("7");
  });
});
