import { describe, expect, it } from "vitest";

import { readDer } from "./der-read.js";
import { PkiError } from "./errors.js";
import {
  classifySan,
  encodeGeneralName,
  normalizeGeneralName,
  parseGeneralName,
} from "./general-names.js";
import { formatCidr, parseCidr, parseIpv6 } from "./ip-address.js";

function invalidInput(run: () => unknown): PkiError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PkiError);
    expect((error as PkiError).code).toBe("invalid_input");
    return error as PkiError;
  }
  throw new Error("expected an invalid_input error");
}

describe("subject alternative names", () => {
  it.each([
    ["www.Example.COM", { type: "dns", value: "www.example.com" }],
    ["*.example.com", { type: "dns", value: "*.example.com" }],
    ["bücher.example", { type: "dns", value: "xn--bcher-kva.example" }],
    ["192.0.2.1", { type: "ip", value: "192.0.2.1" }],
    ["2001:DB8:0:0:0:0:0:1", { type: "ip", value: "2001:db8::1" }],
    ["[::1]", { type: "ip", value: "::1" }],
    ["::ffff:192.0.2.1", { type: "ip", value: "::ffff:c000:201" }],
    ["admin@example.com", { type: "email", value: "admin@example.com" }],
    ["mailto:admin@example.com", { type: "email", value: "admin@example.com" }],
    ["https://example.com/path", { type: "uri", value: "https://example.com/path" }],
    ["spiffe://trust.example/ns/web", { type: "uri", value: "spiffe://trust.example/ns/web" }],
    [
      "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
      { type: "uri", value: "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6" },
    ],
    ["DNS:host.example", { type: "dns", value: "host.example" }],
    ["IP:10.0.0.1", { type: "ip", value: "10.0.0.1" }],
  ])("tells %s apart", (input, expected) => {
    expect(classifySan(input)).toEqual(expected);
  });

  it.each([
    "",
    "exa mple.com",
    "-bad.example",
    "foo..example",
    "a.*.example",
    "x".repeat(64) + ".example",
    "user@@example.com",
    ".user@example.com",
    "http://",
    "1.2.3.04",
    "IP:300.1.1.1",
  ])("refuses %j with a coded error", (input) => {
    invalidInput(() => classifySan(input));
  });

  it("refuses a wildcard where it is not allowed and an unknown type", () => {
    invalidInput(() =>
      normalizeGeneralName({ type: "dns", value: "*.example.com" }, { allowWildcard: false }),
    );
    invalidInput(() => normalizeGeneralName({ type: "x400" as "dns", value: "a" }));
  });

  it("encodes each type under its GeneralName tag and reads it back", () => {
    for (const input of [
      "host.example",
      "192.0.2.7",
      "fe80::1",
      "a@b.example",
      "https://b.example/",
    ]) {
      const name = classifySan(input);
      const encoded = encodeGeneralName(name);
      expect(parseGeneralName(readDer(encoded))).toEqual(name);
    }
    expect(Buffer.from(encodeGeneralName(classifySan("192.0.2.7"))).toString("hex")).toBe(
      "8704c0000207",
    );
  });
});

describe("IP addresses", () => {
  it("parses IPv6 forms and refuses malformed ones", () => {
    expect(parseIpv6("::")).toEqual(new Uint8Array(16));
    expect(parseIpv6("1:2:3:4:5:6:7:8")?.[15]).toBe(8);
    expect(parseIpv6("1::2::3")).toBeNull();
    expect(parseIpv6("1:2:3:4:5:6:7:8:9")).toBeNull();
    expect(parseIpv6("12345::")).toBeNull();
    expect(parseIpv6("fe80::1%eth0")).toBeNull();
  });

  it("parses subnets and refuses host bits and bad prefixes", () => {
    expect(formatCidr(parseCidr("10.0.0.0/8")!)).toBe("10.0.0.0/8");
    expect(formatCidr(parseCidr("fd00::/8")!)).toBe("fd00::/8");
    expect(parseCidr("10.1.0.0/8")).toBeNull();
    expect(parseCidr("10.0.0.0/33")).toBeNull();
    expect(parseCidr("10.0.0.0")).toBeNull();
  });
});
