import { describe, expect, it } from "vitest";

import { DerReader, integerToHex, readSingle } from "./der-reader.js";
import { generalizedTime, x509Time } from "./der-time.js";
import { encodeLength, enumerated, integer, oid, sequence, TAG, tlv } from "./der-writer.js";
import { RevocationError } from "./revocation-error.js";
import { serialNumberDer } from "./serial-number.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof RevocationError) return error.code;
    throw error;
  }
  throw new Error("expected a RevocationError");
}

describe("DER writing", () => {
  it("writes short and long lengths minimally (X.690 §10.1)", () => {
    expect(hex(encodeLength(0))).toBe("00");
    expect(hex(encodeLength(127))).toBe("7f");
    expect(hex(encodeLength(128))).toBe("8180");
    expect(hex(encodeLength(256))).toBe("820100");
    expect(hex(encodeLength(4_566_903))).toBe("8345af77");
  });

  it("encodes object identifiers with multi-byte arcs", () => {
    expect(hex(oid("2.5.29.20"))).toBe("0603551d14");
    expect(hex(oid("1.2.840.113549.1.1.11"))).toBe("06092a864886f70d01010b");
    expect(hex(oid("1.3.6.1.5.5.7.48.1.2"))).toBe("06092b0601050507300102");
  });

  it("encodes non-negative integers with a sign octet when the top bit is set", () => {
    expect(hex(integer(0n))).toBe("020100");
    expect(hex(integer(127n))).toBe("02017f");
    expect(hex(integer(128n))).toBe("02020080");
    expect(hex(integer(0x0123456789n))).toBe("02050123456789");
    expect(codeOf(() => integer(-1n))).toBe("invalid_input");
    expect(hex(enumerated(10))).toBe("0a010a");
  });

  it("nests elements, moving to long-form lengths past 127 octets", () => {
    expect(hex(sequence(integer(1n), tlv(TAG.null)))).toBe("3005020101" + "0500");
    const long = sequence(new Uint8Array(200));
    expect(hex(long.subarray(0, 3))).toBe("3081c8");
    expect(long.length).toBe(203);
  });
});

describe("DER reading", () => {
  it("reads nested elements as views that keep the original bytes", () => {
    const input = bytes("300702010105000400");
    const outer = new DerReader(input, "malformed_request");
    const body = outer.sequence("outer");
    expect(body.expect(TAG.integer, "n").value).toEqual(bytes("01"));
    expect(body.optional(TAG.boolean, "flag")).toBeUndefined();
    expect(body.expect(TAG.null, "null").der).toEqual(bytes("0500"));
    expect(body.expect(TAG.octetString, "empty").value.length).toBe(0);
    body.end("outer");
    outer.end("outer");
  });

  it.each([
    ["nothing at all", ""],
    ["a truncated length", "30"],
    ["content shorter than its length", "300502010105"],
    ["a truncated long-form length", "3082"],
    ["BER's indefinite length", "30800000"],
    ["a five-octet length", "3085ffffffffff"],
    ["a high tag number", "1f8101"],
  ])("fails with the caller's code on %s", (_name, input) => {
    expect(codeOf(() => new DerReader(bytes(input), "bad_certificate").next("x"))).toBe(
      "bad_certificate",
    );
  });

  it("rejects a wrong tag and trailing data", () => {
    expect(codeOf(() => readSingle(bytes("020101"), TAG.sequence, "x", "malformed_request"))).toBe(
      "malformed_request",
    );
    expect(codeOf(() => readSingle(bytes("02010100"), TAG.integer, "x", "malformed_request"))).toBe(
      "malformed_request",
    );
  });

  it("turns INTEGER content into minimal hex of its magnitude", () => {
    expect(integerToHex(bytes("008f0001"))).toBe("8f0001");
    expect(integerToHex(bytes("0000ff"))).toBe("ff");
    expect(integerToHex(bytes("00"))).toBe("00");
    expect(integerToHex(bytes("0123456789abcdef"))).toBe("0123456789abcdef");
  });
});

describe("serial numbers", () => {
  it("encodes hex serials as positive INTEGERs, the inverse of integerToHex", () => {
    expect(hex(serialNumberDer("8f0001"))).toBe("0204008f0001");
    expect(hex(serialNumberDer("8F0001"))).toBe("0204008f0001");
    expect(hex(serialNumberDer("0000123"))).toBe("02020123");
    expect(hex(serialNumberDer("0"))).toBe("020100");
    const twenty = "7f" + "ab".repeat(19);
    expect(integerToHex(serialNumberDer(twenty).subarray(2))).toBe(twenty);
    const withTopBit = "ff" + "01".repeat(19);
    expect(hex(serialNumberDer(withTopBit))).toBe("021500" + withTopBit);
  });

  it.each([
    ["not hex", "12xz"],
    ["empty", ""],
    ["a separator", "8f:00"],
    ["21 octets", "01".repeat(21)],
  ])("rejects a serial that is %s", (_name, serial) => {
    expect(codeOf(() => serialNumberDer(serial))).toBe("invalid_input");
  });
});

describe("times", () => {
  it("writes UTCTime through 2049 and GeneralizedTime from 2050 (RFC 5280 §4.1.2.5)", () => {
    const text = (encoded: Uint8Array): string => Buffer.from(encoded.subarray(2)).toString();
    const y2049 = x509Time(new Date("2049-12-31T23:59:59.999Z"));
    expect(y2049[0]).toBe(TAG.utcTime);
    expect(text(y2049)).toBe("491231235959Z");
    const y2050 = x509Time(new Date("2050-01-01T00:00:00Z"));
    expect(y2050[0]).toBe(TAG.generalizedTime);
    expect(text(y2050)).toBe("20500101000000Z");
    expect(text(x509Time(new Date("1950-01-01T00:00:00Z")))).toBe("500101000000Z");
  });

  it("writes GeneralizedTime in whole seconds with Z, dropping the fraction", () => {
    const encoded = generalizedTime(new Date("2026-03-04T05:06:07.890Z"));
    expect(hex(encoded.subarray(0, 2))).toBe("180f");
    expect(Buffer.from(encoded.subarray(2)).toString()).toBe("20260304050607Z");
  });

  it.each([
    ["an invalid date", new Date("not a date")],
    ["a date before 1950", new Date("1949-12-31T23:59:59Z")],
    ["a date after 9999", new Date("+010000-01-01T00:00:00Z")],
  ])("rejects %s", (_name, date) => {
    expect(codeOf(() => x509Time(date))).toBe("invalid_input");
    expect(codeOf(() => generalizedTime(date))).toBe("invalid_input");
  });
});
