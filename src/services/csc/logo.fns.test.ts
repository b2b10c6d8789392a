import { describe, expect, it } from "vitest";

import { logoFacts } from "./logo.fns.js";

describe("CSC logo facts", () => {
  it("reads a PNG's size from IHDR", () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000400000002008000000", "hex");
    expect(logoFacts(png)).toEqual({ contentType: "image/png", width: 64, height: 32 });
  });

  it("reads a JPEG's size from its first frame header, past an APP0 segment", () => {
    const jpeg = Buffer.from(
      "ffd8" +
        "ffe000104a46494600010100000100010000" +
        "ffc0001108" +
        "0030" +
        "0050" +
        "03012200021101031101",
      "hex",
    );
    expect(logoFacts(jpeg)).toEqual({ contentType: "image/jpeg", width: 80, height: 48 });
  });

  it("refuses other formats", () => {
    expect(logoFacts(Buffer.from("GIF89a0000", "latin1"))).toBeNull();
    expect(logoFacts(Buffer.alloc(0))).toBeNull();
  });
});
