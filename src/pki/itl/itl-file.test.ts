import { describe, expect, it } from "vitest";

import {
  GOLDEN_TIMESTAMP,
  fixture,
  type FixtureName,
  readGolden,
  signerOf,
  thrownCode,
} from "../../../test/fixtures/itl/fixtures.js";
import { GOLDEN_FILES } from "../../../test/fixtures/itl/golden-files.js";

import { ItlBuildError } from "./itl-errors.js";
import {
  buildCtlFile,
  buildItlFile,
  itlEntriesFor,
  parseItlFile,
  type ItlBuildInput,
} from "./itl-file.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const ascii = (text: string) => Buffer.from(`${text}\0`).toString("hex");

function sastOnlyInput(overrides: Partial<ItlBuildInput> = {}): ItlBuildInput {
  return {
    signer: signerOf("sast"),
    signerCertificate: fixture("sast").der,
    entries: [],
    timestamp: 0x6553f100,
    signerVersion: "1.1",
    ...overrides,
  };
}

async function buildError(input: ItlBuildInput): Promise<ItlBuildError> {
  const error: unknown = await buildItlFile(input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ItlBuildError);
  return error as ItlBuildError;
}

describe("ITL files", () => {
  it("lays out the header exactly as the annotated example of spec §7.2", async () => {
    const file = await buildItlFile(sastOnlyInput());
    const name = ascii("CN=SAST,O=SAST,OU=SAST");
    const serial = "bc77a1c2d3e4f5061728394a5b6c7d8e";
    const expectedBefore =
      "0100020102" + // 000 version 1.2
      "0200020184" + // 005 header length 388
      "1c00020101" + // 00a signer version 1.1
      "030047" + // 00f signer info, 71 bytes nested
      `040017${name}` + // 012 signer name
      `060017${name}` + // 02c issuer name
      `050010${serial}` + // 046 serial (16 bytes: no DER sign byte)
      "07000f" + // 059 signature info
      "08000101" + // 05c SHA-1
      "090008" + // 060 signature algorithm info
      "0a000100" + // 063 RSA
      "0b000102" + // 067 256-byte signature
      "0c0100"; // 06b signature follows
    expect(hex(file.subarray(0, 0x6e))).toBe(expectedBefore);
    expect(hex(file.subarray(0x16e, 0x184))).toBe(
      `0e000c${ascii("ITLFile.tlv")}` + "0f00046553f100",
    );
    // 388 is a multiple of 4: no padding; the SAST record starts at 0x184.
    const sast = fixture("sast").der;
    const recordLength = 5 + 26 + 26 + 19 + 5 + 273 + 259 + 3 + sast.length;
    expect(hex(file.subarray(0x184, 0x189))).toBe(
      `010002${recordLength.toString(16).padStart(4, "0")}`,
    );
    expect(hex(file.subarray(0x189, 0x1a3))).toBe(`030017${name}`);
    expect(hex(file.subarray(0x1a3, 0x1bd))).toBe(`050017${name}`);
    expect(hex(file.subarray(0x1bd, 0x1d0))).toBe(`060010${serial}`);
    expect(hex(file.subarray(0x1d0, 0x1d5))).toBe("0400020000");
    expect(hex(file.subarray(0x1d5, 0x1d8))).toBe("07010e");
    expect(hex(file.subarray(0x2e6, 0x2e9))).toBe("080100");
    expect(hex(file.subarray(0x3e9, 0x3ec))).toBe(`09${sast.length.toString(16).padStart(4, "0")}`);
    expect(hex(file.subarray(0x3ec))).toBe(hex(sast));
    expect(file.length).toBe(0x184 + recordLength);
  });

  it.each(Object.keys(GOLDEN_FILES))("rebuilds the golden file %s byte for byte", async (name) => {
    const build = GOLDEN_FILES[name]!;
    expect(hex(await build())).toBe(hex(readGolden(name)));
  });

  it("parses its own output back into the records it was given", () => {
    const parsed = parseItlFile(readGolden("ITLFile.sha1.tlv"));
    expect(parsed.header.digest).toBe("SHA-1");
    expect(parsed.header.signerVersion).toEqual({ major: 1, minor: 1 });
    expect(parsed.header.fileName).toBe("ITLFile.tlv");
    expect(parsed.header.timestamp).toBe(GOLDEN_TIMESTAMP);
    expect(parsed.records.map((r) => [r.role, r.subjectName])).toEqual([
      ["SAST", "CN=SAST,O=SAST,OU=SAST"],
      ["SAST", "CN=ITLRecovery,O=Certsmith Test,OU=SAST"],
      ["CCM+TFTP", "CN=ccm.example.test,O=Certsmith Test\\, Inc.,OU=Voice"],
      ["TFTP", "CN=tftp-ec.example.test,O=Certsmith Test"],
      ["CAPF", "CN=Asterisk,O=Asterisk,OU=Asterisk"],
      ["TVS", "CN=Asterisk,O=Asterisk,OU=Asterisk"],
      ["APP-SERVER", "CN=ccm.example.test,O=Certsmith Test\\, Inc.,OU=Voice"],
    ]);
    expect(parsed.records.map((r) => r.roleCode)).toEqual([0, 0, 2, 3, 4, 21, 7]);
    expect(parsed.signerRecord.subjectName).toBe("CN=SAST,O=SAST,OU=SAST");
    // The serial with a DER sign byte (00 f1 e2 …) is stored as its magnitude.
    expect(hex(parsed.records[2]!.serialNumber)).toBe("f1e2d3c4b5a69788");
    // EC P-384 record: uncompressed point of 97 bytes, DER ECDSA certificate signature.
    const ec = parsed.records[3]!;
    expect(ec.publicKey?.length).toBe(97);
    expect(ec.publicKey?.[0]).toBe(4);
    expect(ec.signature?.length).toBe(256); // signed by the RSA SAST
    expect(parseItlFile(readGolden("ITLFile.sha512.tlv")).header.digest).toBe("SHA-512");
  });

  it("writes signer version 1.0 when every certificate is RSA and 1.1 as soon as one is EC", async () => {
    expect(parseItlFile(readGolden("CTLFile.tlv")).header.signerVersion).toEqual({
      major: 1,
      minor: 0,
    });
    const withEc = await buildItlFile(
      sastOnlyInput({
        signerVersion: undefined,
        entries: [{ certificate: fixture("tftp-ec").der, role: "TFTP" }],
      }),
    );
    expect(parseItlFile(withEc).header.signerVersion).toEqual({ major: 1, minor: 1 });
  });

  it("names a CTL CTLFile.tlv and a per-phone ITL override ITLFile.tlv (spec §2.4)", async () => {
    expect(parseItlFile(readGolden("CTLFile.tlv")).header.fileName).toBe("CTLFile.tlv");
    const ctl = await buildCtlFile(sastOnlyInput());
    expect(parseItlFile(ctl).header.fileName).toBe("CTLFile.tlv");
  });

  it("does not add the signer again when it is already a SAST record", async () => {
    const file = await buildItlFile(
      sastOnlyInput({
        entries: [
          { certificate: fixture("ccm").der, role: "CCM" },
          { certificate: fixture("sast").der, role: "SAST" },
        ],
      }),
    );
    expect(parseItlFile(file).records.map((r) => r.role)).toEqual(["CCM", "SAST"]);
  });

  it("maps seed 000 role lists to records, CCM with TFTP becoming one CCM+TFTP record", () => {
    const ccm = fixture("ccm").der;
    const entries = itlEntriesFor([
      { certificate: ccm, roles: ["CCM", "TFTP"] },
      { certificate: ccm, roles: ["capf", "TVS", "APP-SERVER"] },
    ]);
    expect(entries.map((e) => e.role)).toEqual(["CCM+TFTP", "CAPF", "APP-SERVER", "TVS"]);
    expect(thrownCode(() => itlEntriesFor([{ certificate: ccm, roles: ["SRST"] }]))).toBe(
      "unknown_role",
    );
    expect(thrownCode(() => itlEntriesFor([{ certificate: ccm, roles: [] }]))).toBe("missing_role");
  });
});

describe("ITL build rules (spec §2.3)", () => {
  it("refuses a third SAST record", async () => {
    const error = await buildError(
      sastOnlyInput({
        entries: [
          { certificate: fixture("sast2").der, role: "SAST" },
          { certificate: fixture("sast3").der, role: "SAST" },
        ],
      }),
    );
    expect(error.code).toBe("too_many_sast");
  });

  it("refuses an EC SAST record and an EC signer", async () => {
    expect(
      (
        await buildError(
          sastOnlyInput({ entries: [{ certificate: fixture("tftp-ec").der, role: "SAST" }] }),
        )
      ).code,
    ).toBe("sast_not_rsa");
    expect(
      (
        await buildError(
          sastOnlyInput({ signer: signerOf("tftp-ec"), signerCertificate: fixture("tftp-ec").der }),
        )
      ).code,
    ).toBe("signer_not_rsa");
  });

  it("refuses a signer whose key is not the signing certificate's", async () => {
    const error = await buildError(sastOnlyInput({ signer: signerOf("sast2") }));
    expect(error.code).toBe("signer_key_mismatch");
  });

  it("refuses the same certificate twice with the same role", async () => {
    const ccm = fixture("ccm").der;
    const error = await buildError(
      sastOnlyInput({
        entries: [
          { certificate: ccm, role: "CCM" },
          { certificate: ccm, role: "CCM" },
        ],
      }),
    );
    expect(error.code).toBe("duplicate_record");
  });

  it("refuses EC certificates with signer version 1.0", async () => {
    const error = await buildError(
      sastOnlyInput({
        signerVersion: "1.0",
        entries: [{ certificate: fixture("tftp-ec").der, role: "TFTP" }],
      }),
    );
    expect(error.code).toBe("ec_requires_signer_version_1_1");
  });

  it("refuses an unknown role, a bad certificate, a bad file name and a bad timestamp", async () => {
    const ccm = fixture("ccm").der;
    const unknownRole = {
      certificate: ccm,
      role: "SRST",
    } as unknown as ItlBuildInput["entries"][number];
    expect((await buildError(sastOnlyInput({ entries: [unknownRole] }))).code).toBe("unknown_role");
    expect(
      (
        await buildError(
          sastOnlyInput({ entries: [{ certificate: ccm.subarray(0, 100), role: "CCM" }] }),
        )
      ).code,
    ).toBe("bad_certificate");
    expect((await buildError(sastOnlyInput({ fileName: "" }))).code).toBe("bad_file_name");
    expect((await buildError(sastOnlyInput({ fileName: "a\0b" }))).code).toBe("bad_file_name");
    expect((await buildError(sastOnlyInput({ timestamp: -1 }))).code).toBe("bad_timestamp");
    expect((await buildError(sastOnlyInput({ timestamp: 2 ** 32 }))).code).toBe("bad_timestamp");
    expect((await buildError(sastOnlyInput({ timestamp: 1.5 }))).code).toBe("bad_timestamp");
  });

  it("refuses a file larger than phones load (about 64 KB, spec §2.3)", async () => {
    const roles = ["CCM", "TFTP", "CAPF", "APP-SERVER", "TVS"] as const;
    const entries = (names: readonly FixtureName[]) =>
      names.flatMap((name) => roles.map((role) => ({ certificate: fixture(name).der, role })));
    const fits = await buildItlFile(
      sastOnlyInput({ entries: entries(["big", "ccm", "asterisk"]) }),
    );
    expect(fits.length).toBeGreaterThan(40_000);
    const error = await buildError(
      sastOnlyInput({ entries: entries(["big", "ccm", "asterisk", "device", "sast3"]) }),
    );
    expect(error.code).toBe("too_large");
  });
});
