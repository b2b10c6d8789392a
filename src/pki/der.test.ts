import { describe, expect, it } from "vitest";

import { integer, oid, sequence, setOf, tlv, unsignedInteger, x509Time } from "./der-encode.js";
import { children, readDer, readOid, readTime, readUnsignedInteger } from "./der-read.js";
import { PkiError } from "./errors.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));

function derError(run: () => unknown): PkiError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PkiError);
    expect((error as PkiError).code).toBe("bad_der");
    return error as PkiError;
  }
  throw new Error("expected a bad_der error");
}

describe("DER encoding", () => {
  it("encodes integers minimally, adding a zero octet only before a set top bit", () => {
    expect(hex(integer(0))).toBe("020100");
    expect(hex(integer(127))).toBe("02017f");
    expect(hex(integer(128))).toBe("02020080");
    expect(hex(integer(65535))).toBe("020300ffff");
    expect(hex(unsignedInteger(bytes("000001")))).toBe("020101");
    expect(hex(unsignedInteger(bytes("00ff")))).toBe("020200ff");
    expect(hex(unsignedInteger(bytes("0000")))).toBe("020100");
  });

  it("encodes object identifiers including large arcs", () => {
    expect(hex(oid("1.2.840.113549.1.1.11"))).toBe("06092a864886f70d01010b");
    expect(hex(oid("2.5.29.17"))).toBe("0603551d11");
    expect(readOid(readDer(oid("2.999.3")), "oid")).toBe("2.999.3");
    // X.667 UUID arcs exceed 2^53 and must survive the round trip exactly.
    const uuidOid = "2.25.329800735698586629295641978511506172918";
    expect(readOid(readDer(oid(uuidOid)), "oid")).toBe(uuidOid);
    expect(readOid(readDer(oid("1.3.6.1.4.1.311.21.20")), "oid")).toBe("1.3.6.1.4.1.311.21.20");
    expect(() => oid("1.2.x")).toThrow(PkiError);
    expect(() => oid("3.1")).toThrow(PkiError);
  });

  it("uses long-form lengths from 128 bytes on", () => {
    expect(hex(tlv(0x04, new Uint8Array(127))).slice(0, 4)).toBe("047f");
    expect(hex(tlv(0x04, new Uint8Array(128))).slice(0, 6)).toBe("048180");
    expect(hex(tlv(0x04, new Uint8Array(300))).slice(0, 8)).toBe("0482012c");
  });

  it("sorts SET OF elements by their encodings", () => {
    expect(hex(setOf(integer(2), integer(1)))).toBe("3106020101020102");
  });

  it("writes UTCTime through 2049 and GeneralizedTime from 2050 (RFC 5280 §4.1.2.5)", () => {
    expect(hex(x509Time(new Date("2049-12-31T23:59:59.999Z")))).toBe(
      hex(tlv(0x17, new TextEncoder().encode("491231235959Z"))),
    );
    expect(hex(x509Time(new Date("2050-01-01T00:00:00Z")))).toBe(
      hex(tlv(0x18, new TextEncoder().encode("20500101000000Z"))),
    );
    expect(readTime(readDer(x509Time(new Date("1999-05-06T07:08:09Z"))), "t").toISOString()).toBe(
      "1999-05-06T07:08:09.000Z",
    );
    expect(() => x509Time(new Date("invalid"))).toThrow(PkiError);
  });
});

describe("DER reading", () => {
  it("reads nested structures and keeps the original bytes", () => {
    const encoded = sequence(integer(5), sequence(oid("2.5.4.3")));
    const node = readDer(encoded);
    const [first, second] = children(node);
    expect(hex(first!.bytes)).toBe("020105");
    expect(readOid(children(second!)[0], "oid")).toBe("2.5.4.3");
    expect(node.bytes).toEqual(encoded);
  });

  it("refuses empty input, truncation and trailing bytes", () => {
    derError(() => readDer(new Uint8Array()));
    derError(() => readDer(bytes("3005020101")));
    derError(() => readDer(bytes("02010100")));
    derError(() => readDer(bytes("30")));
  });

  it("refuses indefinite and non-minimal lengths and high tag numbers", () => {
    derError(() => readDer(bytes("3080020101 0000".replace(" ", ""))));
    derError(() => readDer(bytes("04810100")));
    derError(() => readDer(bytes("0482000100")));
    derError(() => readDer(bytes("1f2100")));
  });

  it("refuses non-minimal and negative integers where a positive one is required", () => {
    derError(() => readUnsignedInteger(readDer(bytes("02020001")), "n"));
    derError(() => readUnsignedInteger(readDer(bytes("0201ff")), "n"));
    derError(() => readUnsignedInteger(readDer(bytes("0200")), "n"));
    expect(hex(readUnsignedInteger(readDer(bytes("020200ff")), "n"))).toBe("ff");
  });

  it("refuses malformed object identifiers and times", () => {
    derError(() => readOid(readDer(bytes("0602 2a86".replace(" ", ""))), "oid"));
    derError(() => readOid(readDer(bytes("0603 2a8001".replace(" ", ""))), "oid"));
    derError(() => readTime(readDer(tlv(0x17, new TextEncoder().encode("991332000000Z"))), "t"));
    derError(() => readTime(readDer(tlv(0x17, new TextEncoder().encode("9901010000Z"))), "t"));
    derError(() => readTime(readDer(integer(1)), "t"));
  });
});
