import { describe, expect, it } from "vitest";

import {
  fixture,
  readGolden,
  SAMPLE_CONFIG,
  signerOf,
  flipBit,
  thrownCode,
} from "../../../test/fixtures/itl/fixtures.js";

import { ItlBuildError, ItlFormatError } from "./itl-errors.js";
import { buildSgnFile, parseSgnFile, verifySgnFile } from "./sgn-file.js";

const payload = new TextEncoder().encode(SAMPLE_CONFIG);

describe(".sgn files (spec §3.1)", () => {
  it("pads the header of the spec §3.1 worked example to 412 bytes with three 0D bytes", () => {
    const file = readGolden("plain.xml.sgn");
    const parsed = parseSgnFile(file);
    expect(parsed.header.headerLength).toBe(412);
    expect(parsed.header.version).toEqual({ major: 1, minor: 0 });
    expect(parsed.header.signerVersion).toBeUndefined();
    expect(parsed.header.signerName).toBe("CN=Asterisk,O=Asterisk,OU=Asterisk");
    expect(parsed.header.fileName).toBe("plain.xml.sgn");
    expect(Buffer.from(file.subarray(409, 412)).toString("hex")).toBe("0d0d0d");
    expect(new TextDecoder().decode(parsed.payload)).toBe(SAMPLE_CONFIG);
  });

  it("verifies against the signing certificate and only that one", () => {
    const file = readGolden("plain.xml.sgn");
    expect(verifySgnFile(file, fixture("asterisk").der).payload).toEqual(payload);
    expect(thrownCode(() => verifySgnFile(file, fixture("sast").der))).toBe("signer_mismatch");
    const tampered = flipBit(file, file.length - 2, 0x20);
    expect(thrownCode(() => verifySgnFile(tampered, fixture("asterisk").der))).toBe(
      "bad_signature",
    );
  });

  it("signs with SHA-512 on request, and keeps a path in FILENAME", async () => {
    const file = await buildSgnFile({
      signer: signerOf("asterisk"),
      signerCertificate: fixture("asterisk").der,
      payload,
      fileName: "Desktops/320x196x4/List.xml.sgn",
      timestamp: 1700000000,
      digest: "SHA-512",
    });
    const parsed = verifySgnFile(file, fixture("asterisk").der);
    expect(parsed.header.digest).toBe("SHA-512");
    expect(parsed.header.fileName).toBe("Desktops/320x196x4/List.xml.sgn");
    expect(parsed.header.headerLength % 4).toBe(0);
  });

  it("refuses a name without .sgn and an EC signer", async () => {
    const input = {
      signer: signerOf("asterisk"),
      signerCertificate: fixture("asterisk").der,
      payload,
      fileName: "plain.xml",
      timestamp: 1,
    };
    await expect(buildSgnFile(input)).rejects.toBeInstanceOf(ItlBuildError);
    await expect(
      buildSgnFile({
        ...input,
        fileName: "x.sgn",
        signer: signerOf("tftp-ec"),
        signerCertificate: fixture("tftp-ec").der,
      }),
    ).rejects.toMatchObject({ code: "signer_not_rsa" });
  });

  it("accepts any 1.x header as a signed file and refuses 2.x (.enc.sgn)", () => {
    const itl = readGolden("ITLFile.sha1.tlv");
    // A .tlv is version 1.2, so it parses as a signed file; its payload is the records.
    expect(parseSgnFile(itl).payload[0]).toBe(1);
    const v2 = itl.slice();
    v2[3] = 2;
    expect(() => parseSgnFile(v2)).toThrow(ItlFormatError);
  });
});
