import { describe, expect, it } from "vitest";

import { fixture, flipBit, readGolden, signerOf } from "../../../test/fixtures/itl/fixtures.js";

import { readCertificateFields } from "./certificate-fields.js";
import { parseEncryptedConfig } from "./enc-sgn-file.js";
import { ItlFormatError, type ItlFormatErrorCode } from "./itl-errors.js";
import { parseItlFile } from "./itl-file.js";
import { encodeItlRecord } from "./itl-record.js";
import { parseSgnFile } from "./sgn-file.js";
import { buildSignedFile } from "./signed-file-builder.js";
import { FILE_VERSION } from "./tags.js";

const golden = () => readGolden("ITLFile.sha1.tlv");
// Offsets in the golden ITL (same header as spec §7.2): SAST signer, 16-byte serial, SHA-1.
const HASH_ID_OFFSET = 0x5f;
const SIGNATURE_OFFSET = 0x6b;
const FIRST_RECORD = 0x184;

function formatError(parse: () => unknown): ItlFormatErrorCode {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(ItlFormatError);
    return (error as ItlFormatError).code;
  }
  throw new Error("the parser accepted the input");
}

function patched(bytes: Uint8Array, offset: number, ...values: number[]): Uint8Array {
  const copy = bytes.slice();
  copy.set(values, offset);
  return copy;
}

/** A correctly signed ITL whose body is `records` (to test rules a builder would refuse). */
async function signedWithBody(body: Uint8Array): Promise<Uint8Array> {
  return buildSignedFile(
    {
      version: FILE_VERSION.tlv,
      signerVersion: { major: 1, minor: 1 },
      signerCertificate: readCertificateFields(fixture("sast").der),
      digest: "SHA-1",
      fileName: "ITLFile.tlv",
      timestamp: 1700000000,
      body,
    },
    signerOf("sast"),
  );
}

describe("the ITL parser rejects the malformed inputs of spec §7.3", () => {
  it("a file whose tag at offset 0 is not 1, or at offset 5 is not 2", () => {
    expect(formatError(() => parseItlFile(patched(golden(), 0, 2)))).toBe("bad_version_tag");
    expect(formatError(() => parseItlFile(patched(golden(), 5, 3)))).toBe("bad_length_tag");
  });

  it("a header walk that overruns HEADER_LENGTH", () => {
    // The signer-info container claims more bytes than the header holds.
    expect(formatError(() => parseItlFile(patched(golden(), 0x10, 0x01, 0x90)))).toBe(
      "header_overrun",
    );
    // HEADER_LENGTH past the end of the file, or not a multiple of 4.
    expect(formatError(() => parseItlFile(patched(golden(), 8, 0xff, 0xfc)))).toBe(
      "bad_header_length",
    );
    expect(formatError(() => parseItlFile(patched(golden(), 9, 0x85)))).toBe("bad_header_length");
  });

  it("a record that does not start with tag 1, or whose sub-elements overrun it", () => {
    expect(formatError(() => parseItlFile(patched(golden(), FIRST_RECORD, 3)))).toBe("bad_record");
    // Shorten the first record by one byte: its last element now overruns it.
    const length = golden()[FIRST_RECORD + 4]!;
    expect(formatError(() => parseItlFile(patched(golden(), FIRST_RECORD + 4, length - 1)))).toBe(
      "bad_record",
    );
  });

  it("a hash id that is not 1 or 3, and SHA-256 (2) in particular", () => {
    expect(formatError(() => parseItlFile(patched(golden(), HASH_ID_OFFSET, 2)))).toBe(
      "unsupported_hash",
    );
    expect(formatError(() => parseItlFile(patched(golden(), HASH_ID_OFFSET, 4)))).toBe(
      "unsupported_hash",
    );
  });

  it("a header without a signature", () => {
    // Cut the SIGNATURE element out and pad the header back to a multiple of 4.
    const bytes = golden();
    const withoutSignature = Buffer.concat([
      bytes.subarray(0, SIGNATURE_OFFSET),
      bytes.subarray(SIGNATURE_OFFSET + 3 + 256),
    ]);
    withoutSignature.writeUInt16BE(388 - 259 + 3, 8); // keep a multiple of 4: pad below
    const padded = Buffer.concat([
      withoutSignature.subarray(0, 388 - 259),
      Buffer.from([13, 13, 13]),
      withoutSignature.subarray(388 - 259),
    ]);
    expect(formatError(() => parseItlFile(new Uint8Array(padded)))).toBe("missing_element");
  });

  it("a file with no SAST record whose serial matches the header serial", async () => {
    const ccm = readCertificateFields(fixture("ccm").der);
    const sast2 = readCertificateFields(fixture("sast2").der);
    const body = Buffer.concat([encodeItlRecord(sast2, "SAST"), encodeItlRecord(ccm, "CCM")]);
    const file = await signedWithBody(new Uint8Array(body));
    expect(formatError(() => parseItlFile(file))).toBe("missing_signer_record");
  });

  it("more than two SAST records", async () => {
    const sast = readCertificateFields(fixture("sast").der);
    const body = Buffer.concat(
      (["sast", "sast2", "sast3"] as const).map((name) =>
        encodeItlRecord(name === "sast" ? sast : readCertificateFields(fixture(name).der), "SAST"),
      ),
    );
    expect(formatError(() => parseItlFile(new Uint8Array(0)))).toBe("truncated");
    const file = await signedWithBody(new Uint8Array(body));
    expect(formatError(() => parseItlFile(file))).toBe("too_many_sast");
  });

  it("a bad signature: any flipped byte outside the signature element", () => {
    const bytes = golden();
    // A timestamp byte, a padding-free header byte, a certificate body byte, the last byte.
    for (const offset of [0x181, 0x30, bytes.length - 300, bytes.length - 1]) {
      const flipped = patched(bytes, offset, bytes[offset]! ^ 0x01);
      const code = formatError(() => parseItlFile(flipped));
      expect(["bad_signature", "bad_certificate", "record_mismatch"]).toContain(code);
    }
    // A flip inside the certificate's TBS part leaves a parseable certificate: only the file
    // signature catches it, as with the reference tool (spec §7.3).
    const tbsByte = FIRST_RECORD + 0x265 + 3 + 60;
    expect(formatError(() => parseItlFile(patched(bytes, tbsByte, bytes[tbsByte]! ^ 0x01)))).toBe(
      "bad_signature",
    );
  });

  it("a signature whose length disagrees with SIGNATURE_MODULUS", () => {
    expect(formatError(() => parseItlFile(patched(golden(), 0x6a, 3)))).toBe(
      "bad_signature_length",
    );
  });

  it("a record whose public key or signature is not its certificate's", () => {
    const bytes = golden();
    const publicKeyByte = FIRST_RECORD + 0x51 + 3 + 20;
    expect(
      formatError(() => parseItlFile(patched(bytes, publicKeyByte, bytes[publicKeyByte]! ^ 0xff))),
    ).toBe("record_mismatch");
  });
});

describe("every parser turns malformed input into a coded ItlFormatError", () => {
  const inputs = {
    "ITLFile.sha1.tlv": parseItlFile,
    "CTLFile.tlv": parseItlFile,
    "plain.xml.sgn": parseSgnFile,
    "SEP001122334455.cnf.xml.sgn": parseSgnFile,
  } as const;

  // A small deterministic PRNG so a failure can be reproduced from the printed seed.
  function random(seed: number) {
    let state = seed >>> 0;
    return (limit: number) => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state % limit;
    };
  }

  it.each(Object.entries(inputs))("fuzzes %s with truncations and bit flips", (name, parse) => {
    const original = readGolden(name);
    const next = random(0xc15c0 + original.length);
    const outcomes = new Map<string, number>();
    for (let round = 0; round < 200; round++) {
      let bytes = original.slice();
      if (round % 3 === 0) bytes = bytes.slice(0, next(bytes.length));
      const flips = 1 + next(4);
      for (let i = 0; i < flips && bytes.length > 0; i++) {
        const at = next(bytes.length);
        bytes[at] = bytes[at]! ^ (1 << next(8));
      }
      let outcome = "accepted";
      try {
        parse(bytes);
      } catch (error) {
        if (!(error instanceof ItlFormatError)) {
          throw new Error(`round ${round}: ${String(error)}`, { cause: error });
        }
        outcome = error.code;
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    // A signature-checking parser must never accept a changed ITL; .sgn parsing is structural.
    if (parse === parseItlFile) expect(outcomes.get("accepted") ?? 0).toBe(0);
    expect(outcomes.size).toBeGreaterThan(2);
  });

  it("fuzzes the .enc.sgn parser", async () => {
    const { buildEncryptedConfig } = await import("./enc-sgn-file.js");
    const files = await buildEncryptedConfig({
      signer: signerOf("asterisk"),
      signerCertificate: fixture("asterisk").der,
      deviceCertificate: fixture("device").der,
      config: new TextEncoder().encode("<device><ipAddressMode>0</ipAddressMode></device>"),
      configFileName: "SEP001122334455.cnf.xml",
      timestamp: 1700000000,
    });
    const next = random(7);
    for (let round = 0; round < 300; round++) {
      const cut = files.encrypted.slice(0, round % 2 ? files.encrypted.length : next(800));
      const bytes = flipBit(cut, next(cut.length), 1 << next(8));
      try {
        parseEncryptedConfig(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(ItlFormatError);
      }
    }
  });
});
