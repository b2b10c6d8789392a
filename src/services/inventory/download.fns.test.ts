import { describe, expect, it } from "vitest";

import { decodePem } from "../../pki/pem.js";

import { encodeBundle, encodePublic, fileStem } from "./download.fns.js";

const cert = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
const issuer = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x02]);

describe("fileStem", () => {
  it("keeps names safe for Content-Disposition and file systems", () => {
    expect(fileStem("www.example.com", "cert_1")).toBe("www.example.com");
    expect(fileStem("*.example.com", "cert_1")).toBe("wildcard.example.com");
    expect(fileStem('Jane "Doe"/../x', "cert_1")).toBe("Jane_Doe_.._x");
    expect(fileStem("", "cert_1")).toBe("cert_1");
    expect(fileStem("...", "cert_1")).toBe("cert_1");
  });
});

describe("encodePublic", () => {
  const material = { certificate: cert, chain: [issuer], stem: "site" };
  it("puts the certificate before its issuers in the chain file", () => {
    const file = encodePublic("chain", material);
    expect(file.fileName).toBe("site.chain.pem");
    const blocks = decodePem(file.body as string);
    expect(blocks.map((b) => Buffer.from(b.der).toString("hex"))).toEqual([
      "3003020101",
      "3003020102",
    ]);
  });
  it("serves DER as application/pkix-cert", () => {
    expect(encodePublic("der", material)).toMatchObject({
      body: cert,
      contentType: "application/pkix-cert",
      fileName: "site.cer",
    });
  });
});

describe("encodeBundle", () => {
  it("names the zip after the stem", () => {
    const file = encodeBundle("zip", {
      certificate: cert,
      chain: [],
      stem: "site",
      privateKey: null,
      password: "",
      now: new Date("2026-01-01T00:00:00Z"),
    });
    expect(file).toMatchObject({ contentType: "application/zip", fileName: "site.zip" });
  });
});
