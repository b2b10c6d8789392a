import { describe, expect, it } from "vitest";

import {
  decodeTvsVerifyRequest,
  decodeTvsVerifyResponse,
  encodeTvsVerifyRequest,
  encodeTvsVerifyResponse,
  tvsFrameLength,
} from "./tvs-message.js";
import { CiscoWireError } from "./wire-errors.js";

const bytes = (spaced: string) => new Uint8Array(Buffer.from(spaced.replace(/\s+/g, ""), "hex"));
const hex = (value: Uint8Array) => Buffer.from(value).toString("hex");

function wireCode(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CiscoWireError);
    return (error as CiscoWireError).code;
  }
  return "no error";
}

/** An 897-byte DER-shaped blob, the size in the captured request (30 82 03 7d …). */
const certificate = (() => {
  const out = new Uint8Array(897).fill(0x5a);
  out.set([0x30, 0x82, 0x03, 0x7d]);
  return out;
})();

describe("TVS messages match the captured vectors of spec §6", () => {
  it("encodes a VERIFY_REQUEST with the 01-prefixed device name and no NUL", () => {
    const encoded = encodeTvsVerifyRequest({
      sessionId: 1,
      deviceName: "CP-8845-SEP001122334455",
      certificate,
    });
    const name = Buffer.from("CP-8845-SEP001122334455").toString("hex");
    expect(hex(encoded.subarray(0, 44))).toBe(
      hex(bytes(`57 01 01 00 00000001 039f 01 0018 01 ${name} 02 0381 30 82 03 7d`)),
    );
    expect(decodeTvsVerifyRequest(encoded)).toEqual({
      sessionId: 1,
      deviceName: "CP-8845-SEP001122334455",
      certificate,
    });
  });

  it("encodes the valid (CCM + APP-SERVER, TTL 86400) and invalid answers", () => {
    const valid = bytes("57 01 02 00 00000001 0010 07 0001 00 08 0002 01 07 09 0004 00015180");
    expect(
      hex(
        encodeTvsVerifyResponse({
          sessionId: 1,
          status: "valid",
          roles: ["APP-SERVER", "CCM"],
          ttlSeconds: 86400,
        }),
      ),
    ).toBe(hex(valid));
    expect(decodeTvsVerifyResponse(valid)).toEqual({
      sessionId: 1,
      status: "valid",
      roles: ["CCM", "APP-SERVER"],
      ttlSeconds: 86400,
    });
    const invalid = bytes("57 01 02 00 00000001 0004 07 0001 01");
    expect(hex(encodeTvsVerifyResponse({ sessionId: 1, status: "invalid" }))).toBe(hex(invalid));
    expect(decodeTvsVerifyResponse(invalid)).toEqual({ sessionId: 1, status: "invalid" });
  });

  it("echoes any 32-bit session id the phone chose", () => {
    const encoded = encodeTvsVerifyResponse({ sessionId: 0xfffffffe, status: "invalid" });
    expect(decodeTvsVerifyResponse(encoded).sessionId).toBe(0xfffffffe);
  });

  it("ignores the leading byte of DEVICE_NAME on input (spec §9)", () => {
    const encoded = encodeTvsVerifyRequest({
      sessionId: 2,
      deviceName: "CP-7841-SEPAABBCCDDEEFF",
      certificate,
    });
    encoded[13] = 0x07;
    expect(decodeTvsVerifyRequest(encoded).deviceName).toBe("CP-7841-SEPAABBCCDDEEFF");
  });
});

describe("TVS decoding rejects malformed input with coded errors", () => {
  const name = (text: string) => Buffer.from(text).toString("hex");
  const request = (elements: string) => {
    const body = bytes(elements);
    return bytes(`57 01 01 00 00000001 ${body.length.toString(16).padStart(4, "0")} ${hex(body)}`);
  };

  it.each([
    ["a short header", bytes("57 01 01 00 0000"), "truncated"],
    ["the CAPF protocol id", bytes("55 01 01 00 00000001 0000"), "bad_protocol"],
    ["version 2", bytes("57 02 01 00 00000001 0000"), "bad_protocol"],
    [
      "a response where a request is expected",
      bytes("57 01 02 00 00000001 0000"),
      "unknown_command",
    ],
    ["a body longer than announced", bytes("57 01 01 00 00000001 0000 00"), "bad_length"],
    ["no certificate", request(`01 0018 01 ${name("CP-8845-SEP001122334455")}`), "missing_element"],
    [
      "a malformed device name",
      request(`01 0012 01 ${name("CP-88-SEP0011223344")} 02 0001 30`),
      "bad_element",
    ],
    [
      "a device name with a NUL",
      request(`01 0019 01 ${name("CP-8845-SEP001122334455")} 00 02 0001 30`),
      "bad_element",
    ],
    [
      "DEVICE_NAME twice",
      request(
        `01 0018 01 ${name("CP-8845-SEP001122334455")} 01 0018 01 ${name("CP-8845-SEP001122334455")}`,
      ),
      "duplicate_element",
    ],
  ])("a request with %s", (_name, input, code) => {
    expect(wireCode(() => decodeTvsVerifyRequest(input))).toBe(code);
  });

  it.each([
    ["no STATUS", bytes("57 01 02 00 00000001 0000"), "missing_element"],
    ["STATUS 2", bytes("57 01 02 00 00000001 0004 07 0001 02"), "bad_element"],
    [
      "valid without TTL",
      bytes("57 01 02 00 00000001 0009 07 0001 00 08 0002 01 07"),
      "missing_element",
    ],
    [
      "an unknown role code",
      bytes("57 01 02 00 00000001 0010 07 0001 00 08 0002 01 05 09 0004 00015180"),
      "bad_element",
    ],
    [
      "a 2-byte TTL",
      bytes("57 01 02 00 00000001 000f 07 0001 00 08 0002 01 07 09 0003 015180"),
      "bad_element",
    ],
  ])("a response with %s", (_name, input, code) => {
    expect(wireCode(() => decodeTvsVerifyResponse(input))).toBe(code);
  });

  it("refuses to encode a TTL outside 1..2592000, no roles, or a bad device name", () => {
    const valid = { sessionId: 1, status: "valid" as const, roles: ["CCM" as const] };
    expect(wireCode(() => encodeTvsVerifyResponse({ ...valid, ttlSeconds: 0 }))).toBe(
      "bad_element",
    );
    expect(wireCode(() => encodeTvsVerifyResponse({ ...valid, ttlSeconds: 2_592_001 }))).toBe(
      "bad_element",
    );
    expect(wireCode(() => encodeTvsVerifyResponse({ ...valid, roles: [], ttlSeconds: 60 }))).toBe(
      "bad_element",
    );
    expect(
      wireCode(() =>
        encodeTvsVerifyRequest({ sessionId: 1, deviceName: "SEP001122334455", certificate }),
      ),
    ).toBe("bad_element");
  });

  it("bounds the size from the header and frames a stream", () => {
    expect(wireCode(() => tvsFrameLength(bytes("57 01 01 00 00000001 ffff")))).toBe("too_large");
    expect(wireCode(() => tvsFrameLength(bytes("16 03 01 02")))).toBe("bad_protocol");
    const encoded = encodeTvsVerifyRequest({
      sessionId: 1,
      deviceName: "CP-8845-SEP001122334455",
      certificate,
    });
    expect(tvsFrameLength(encoded.subarray(0, 9))).toBeUndefined();
    expect(tvsFrameLength(encoded.subarray(0, 100))).toBeUndefined();
    expect(tvsFrameLength(encoded)).toBe(encoded.length);
  });

  it("turns random truncations and bit flips into coded errors only", () => {
    const encoded = encodeTvsVerifyRequest({
      sessionId: 9,
      deviceName: "CP-8845-SEP001122334455",
      certificate,
    });
    let state = 99;
    const next = (limit: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % limit;
    };
    for (let round = 0; round < 2000; round++) {
      const input = encoded.slice(0, round % 3 === 0 ? next(encoded.length) : encoded.length);
      const at = next(Math.min(input.length, 60) || 1);
      if (input.length > 0) input[at] = input[at]! ^ (1 << next(8));
      wireCode(() => decodeTvsVerifyRequest(input));
      wireCode(() => decodeTvsVerifyResponse(input));
    }
  });
});
