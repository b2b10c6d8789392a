import { describe, expect, it } from "vitest";

import { readDer } from "./der-read.js";
import { PkiError } from "./errors.js";
import { encodeName, parseNameNode } from "./names.js";

describe("distinguished names", () => {
  it("encodes a typed subject and reads it back with an RFC 4514 string", () => {
    const der = encodeName({
      commonName: " www.example.com ",
      organization: "Example, Inc.",
      organizationalUnit: "Web",
      country: "DE",
      state: "Berlin",
      locality: "Berlin",
    });
    const name = parseNameNode(readDer(der));
    expect(name.subject).toEqual({
      commonName: "www.example.com",
      organization: "Example, Inc.",
      organizationalUnit: "Web",
      country: "DE",
      state: "Berlin",
      locality: "Berlin",
    });
    expect(name.text).toBe("CN=www.example.com,OU=Web,O=Example\\, Inc.,L=Berlin,ST=Berlin,C=DE");
    // countryName is a PrintableString (tag 0x13), the others UTF8String (0x0c).
    expect(Buffer.from(der).toString("hex")).toContain("0603550406130244" + "45");
    expect(Buffer.from(der).toString("hex")).toContain("060355040a0c");
  });

  it("encodes an empty subject as an empty SEQUENCE and skips blank fields", () => {
    expect(Buffer.from(encodeName({ commonName: "  " })).toString("hex")).toBe("3000");
  });

  it.each([
    [{ country: "Germany" }, "country"],
    [{ country: "de" }, "country"],
    [{ commonName: "x".repeat(65) }, "commonName"],
    [{ organization: "bad\u0000name" }, "organization"],
    [{ locality: 5 as unknown as string }, "locality"],
  ])("refuses %j naming the field", (subject, field) => {
    try {
      encodeName(subject);
      throw new Error("expected a refusal");
    } catch (error) {
      expect(error).toBeInstanceOf(PkiError);
      expect((error as PkiError).code).toBe("invalid_input");
      expect((error as PkiError).details[0]).toMatchObject({ field });
    }
  });
});
