import { generateKeyPairSync } from "node:crypto";

import { describe, expect, it } from "vitest";

import { CapfCommand } from "./capf-constants.js";
import {
  decodeCapfMessage,
  encodeCapfMessage,
  readCapfFrame,
  type CapfMessage,
} from "./capf-message.js";
import {
  capfAuthRequest,
  capfAuthResponse,
  capfDeleteCertificateRequest,
  capfDeleteCertificateResponse,
  capfEndSession,
  capfFetchCertificateRequest,
  capfFetchCertificateResponse,
  capfKeyGenerateRequest,
  capfKeyGenerateResponse,
  capfRequestInProgress,
  capfStoreCertificateRequest,
  capfStoreCertificateResponse,
} from "./capf-messages.js";
import { CiscoWireError } from "./wire-errors.js";

const bytes = (spaced: string) => new Uint8Array(Buffer.from(spaced.replace(/\s+/g, ""), "hex"));
const hex = (value: Uint8Array) => Buffer.from(value).toString("hex");

/** A DER-shaped blob of `size` bytes (30 82 LL LL …); the codec never parses it. */
function derOfSize(size: number): Uint8Array {
  const out = new Uint8Array(size).fill(0xab);
  out.set([0x30, 0x82, (size - 4) >> 8, (size - 4) & 0xff]);
  return out;
}

function wireCode(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CiscoWireError);
    return (error as CiscoWireError).code;
  }
  return "no error";
}

describe("CAPF messages match the captured vectors of spec §5.7", () => {
  const vectors: [string, CapfMessage, string][] = [
    ["AUTH_REQUEST", capfAuthRequest(1), "55 01 00000001 0008 07 0001 03 08 0001 00"],
    [
      "AUTH_RESPONSE with the null string",
      capfAuthResponse(1, { deviceName: "SEP001122334455" }),
      "55 02 00000001 001f 01 0001 01 07 0001 03 0b 0001 00 0d 0010 53 45 50 30 30 31 31 32 32 33 33 34 34 35 35 00",
    ],
    [
      "KEY_GENERATE_REQUEST RSA-2048",
      capfKeyGenerateRequest(1, { keyType: "RSA", keySize: 2048 }),
      "55 03 00000001 0009 0a 0002 0800 11 0001 00",
    ],
    ["REQUEST_IN_PROGRESS", capfRequestInProgress(1), "55 11 00000001 0000"],
    [
      "STORE_CERTIFICATE_RESPONSE",
      capfStoreCertificateResponse(1, 1),
      "55 0a 00000001 0004 01 0001 01",
    ],
    ["END_SESSION success", capfEndSession(1, 1), "55 0f 00000001 0004 01 0001 01"],
    ["END_SESSION unknown device", capfEndSession(3, 9), "55 0f 00000003 0004 01 0001 09"],
    ["DELETE_CERTIFICATE_REQUEST", capfDeleteCertificateRequest(4), "55 0d 00000004 0000"],
    [
      "DELETE_CERTIFICATE_RESPONSE",
      capfDeleteCertificateResponse(4, 1),
      "55 0e 00000004 0004 01 0001 01",
    ],
  ];

  it.each(vectors)("%s encodes to the vector and decodes back", (_name, message, vector) => {
    expect(hex(encodeCapfMessage(message))).toBe(hex(bytes(vector)));
    expect(decodeCapfMessage(bytes(vector))).toEqual(message);
  });

  it("writes the PASSWORD element for the authentication string 123456", () => {
    const encoded = encodeCapfMessage(
      capfAuthResponse(1, { deviceName: "SEP001122334455", password: "123456" }),
    );
    expect(hex(encoded)).toContain(hex(bytes("0b 0007 31 32 33 34 35 36 00")));
    expect(decodeCapfMessage(encoded).fields.password).toBe("123456");
  });

  it("carries a 2048-bit SubjectPublicKeyInfo (294 bytes) in KEY_GENERATE_RESPONSE", () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
    expect(spki.length).toBe(294);
    const encoded = encodeCapfMessage(capfKeyGenerateResponse(1, { publicKey: spki }));
    expect(hex(encoded.subarray(0, 30))).toBe(
      hex(
        bytes(
          "55 04 00000001 0129 09 0126 30 82 01 22 30 0d 06 09 2a 86 48 86 f7 0d 01 01 01 05 00",
        ),
      ),
    );
    expect(decodeCapfMessage(encoded).fields.publicKey).toEqual(spki);
  });

  it("wraps an 856-byte certificate in STORE_CERTIFICATE_REQUEST as 01 len+2 00 01 DER", () => {
    const der = derOfSize(856);
    const encoded = encodeCapfMessage(capfStoreCertificateRequest(1, der));
    expect(hex(encoded.subarray(0, 24))).toBe(
      hex(bytes("55 09 00000001 0364 03 0001 01 04 035d 01 035a 00 01 30 82 03 54")),
    );
    const decoded = decodeCapfMessage(encoded);
    expect(decoded.command).toBe(CapfCommand.STORE_CERTIFICATE_REQUEST);
    expect(decoded.fields).toEqual({ certificateType: 1, certificate: der });
  });

  it("encodes the other flow messages of spec §5.4 and decodes them back", () => {
    const der = derOfSize(700);
    const messages = [
      capfKeyGenerateRequest(7, { keyType: "EC", curve: "P-384" }),
      capfKeyGenerateResponse(7, { reason: 7 }),
      capfFetchCertificateRequest(7),
      capfFetchCertificateResponse(7, 1, der),
      capfFetchCertificateResponse(7, 7),
      capfEndSession(7, 0),
      capfAuthResponse(7, {
        deviceName: "SEP00112233AABB",
        version: 2,
        proof: {
          certificate: der,
          certificateType: 2,
          signedData: new Uint8Array(256).fill(1),
          sha2SignedData: { hashId: 3, signature: new Uint8Array(256).fill(2) },
          sudiData: {
            certificate: derOfSize(600),
            sha1Proof: new Uint8Array(256),
            sha512Proof: new Uint8Array(256).fill(3),
          },
        },
      }),
    ];
    for (const message of messages) {
      expect(decodeCapfMessage(encodeCapfMessage(message))).toEqual(message);
    }
    expect(hex(encodeCapfMessage(messages[0]!))).toBe(
      hex(bytes("55 03 00000007 0008 11 0001 01 12 0001 01")),
    );
  });
});

describe("CAPF decoding rejects malformed input with coded errors", () => {
  const good = bytes("55 0f 00000001 0004 01 0001 01");

  it.each([
    ["a short header", bytes("55 0f 0000"), "truncated"],
    ["another protocol id", bytes("57 0f 00000001 0004 01 0001 01"), "bad_protocol"],
    ["command 0", bytes("55 00 00000001 0000"), "unknown_command"],
    ["command 24", bytes("55 18 00000001 0000"), "unknown_command"],
    ["a body shorter than announced", bytes("55 0f 00000001 0005 01 0001 01"), "bad_length"],
    ["trailing bytes", bytes("55 0f 00000001 0004 01 0001 01 00"), "bad_length"],
    ["an element overrunning the body", bytes("55 0f 00000001 0004 01 0009 01"), "bad_element"],
    ["a cut element header", bytes("55 0f 00000001 0002 01 00"), "bad_element"],
    ["a two-byte REASON", bytes("55 0f 00000001 0005 01 0002 0101"), "bad_element"],
    ["REASON twice", bytes("55 0f 00000001 0008 01 0001 01 01 0001 01"), "duplicate_element"],
    ["a DEVICE_NAME without NUL", bytes("55 02 00000001 0006 0d 0003 534550"), "bad_element"],
    ["a PASSWORD that is not UTF-8", bytes("55 02 00000001 0005 0b 0002 ff00"), "bad_element"],
    [
      "a bad certificate wrapper",
      bytes("55 09 00000001 000a 04 0007 01 0009 00 01 30 00"),
      "bad_element",
    ],
    [
      "SHA2_SIGNED_DATA with SHA-1 id",
      bytes("55 02 00000001 0009 14 0006 01 0003 aabbcc"),
      "bad_element",
    ],
    [
      "SUDI_DATA without certificate",
      bytes("55 02 00000001 0009 10 0006 01 0003 aabbcc"),
      "bad_element",
    ],
  ])("%s", (_name, input, code) => {
    expect(wireCode(() => decodeCapfMessage(input))).toBe(code);
  });

  it("ignores element tags it does not know, keeping them aside", () => {
    const decoded = decodeCapfMessage(bytes("55 0f 00000001 0009 01 0001 01 63 0002 abcd"));
    expect(decoded.fields).toEqual({ reason: 1 });
    expect(decoded.unknownElements).toEqual([{ tag: 0x63, value: bytes("abcd") }]);
  });

  it("bounds message size before the body arrives", () => {
    const header = bytes("55 09 00000001 ffff");
    expect(wireCode(() => readCapfFrame(header))).toBe("too_large");
    expect(wireCode(() => readCapfFrame(header, 70_000))).toBe("no error");
    expect(wireCode(() => readCapfFrame(bytes("16 03 01")))).toBe("bad_protocol");
  });

  it("frames a stream: waits for whole messages, then returns one at a time", () => {
    const two = Buffer.concat([good, bytes("55 0d 00000004 0000")]);
    expect(readCapfFrame(two.subarray(0, 5))).toBeUndefined();
    expect(readCapfFrame(two.subarray(0, 11))).toBeUndefined();
    const first = readCapfFrame(two)!;
    expect(first.consumed).toBe(12);
    expect(first.message.command).toBe(CapfCommand.END_SESSION);
    expect(readCapfFrame(two.subarray(first.consumed))?.message.command).toBe(
      CapfCommand.DELETE_CERTIFICATE_REQUEST,
    );
  });

  it("refuses to encode values that do not fit their elements", () => {
    expect(
      wireCode(() => encodeCapfMessage({ command: 99 as CapfCommand, sessionId: 1, fields: {} })),
    ).toBe("unknown_command");
    expect(wireCode(() => encodeCapfMessage(capfEndSession(-1, 1)))).toBe("bad_element");
    expect(wireCode(() => encodeCapfMessage(capfEndSession(1, 256)))).toBe("bad_element");
    expect(
      wireCode(() => encodeCapfMessage(capfKeyGenerateRequest(1, { keyType: "RSA", keySize: 0 }))),
    ).toBe("bad_element");
  });

  it("turns random truncations and bit flips into coded errors only", () => {
    const message = encodeCapfMessage(
      capfAuthResponse(5, {
        deviceName: "SEP001122334455",
        password: "1234",
        proof: {
          certificate: derOfSize(300),
          signedData: new Uint8Array(128).fill(9),
          sha2SignedData: { hashId: 3, signature: new Uint8Array(128).fill(4) },
          sudiData: { certificate: derOfSize(200), sha1Proof: new Uint8Array(64) },
        },
      }),
    );
    let state = 12345;
    const next = (limit: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % limit;
    };
    const codes = new Set<string>();
    for (let round = 0; round < 2000; round++) {
      const input = message.slice(0, round % 4 === 0 ? next(message.length) : message.length);
      for (let flips = 1 + next(3); flips > 0 && input.length > 0; flips--) {
        const at = next(input.length);
        input[at] = input[at]! ^ (1 << next(8));
      }
      codes.add(wireCode(() => readCapfFrame(input) ?? decodeCapfMessage(input)));
    }
    expect(codes.size).toBeGreaterThan(3);
  });
});
