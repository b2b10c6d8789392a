import { describe, expect, it } from "vitest";

import { canonicalJson } from "./canonical-json.fns.js";

describe("canonicalJson (RFC 8785 for audit values)", () => {
  it("sorts members at every depth and writes no whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("sorts member names by UTF-16 code units, not by locale (RFC 8785 §3.2.3)", () => {
    // "Z" (0x5A) < "a" (0x61) < "é" (0xE9); a locale sort would put "é" before "Z" or "a".
    expect(canonicalJson({ é: 3, a: 2, Z: 1 })).toBe('{"Z":1,"a":2,"é":3}');
  });

  it("escapes strings as JSON.stringify does and keeps non-ASCII text as is", () => {
    expect(canonicalJson('a"b\\c\n\u0001ü')).toBe('"a\\"b\\\\c\\n\\u0001ü"');
  });

  it("writes numbers in their shortest round-trip form and drops undefined members", () => {
    expect(canonicalJson({ n: 1e21, f: 0.1, z: -0, u: undefined })).toBe(
      '{"f":0.1,"n":1e+21,"z":0}',
    );
  });

  it("refuses values that have no JSON form", () => {
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });
});
