import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { buildEncryptedConfig } from "../../../src/pki/itl/enc-sgn-file.js";
import { buildItlFile } from "../../../src/pki/itl/itl-file.js";
import { buildSgnFile } from "../../../src/pki/itl/sgn-file.js";
import {
  GOLDEN_TIMESTAMP,
  SAMPLE_CONFIG,
  fixture,
  readGolden,
  signerOf,
  type FixtureName,
  flipBit,
} from "../../fixtures/itl/fixtures.js";
import { goldenItlEntries } from "../../fixtures/itl/golden-files.js";

import {
  inScratch,
  openssl,
  opensslVerifies,
  readHeader,
  readRecords,
  splitSignature,
  writeRecord,
  writeSignedFile,
} from "./independent-reader.js";

const ROLE_CODE = { SAST: 0, CCM: 1, "CCM+TFTP": 2, TFTP: 3, CAPF: 4, "APP-SERVER": 7, TVS: 21 };
const pem = (name: FixtureName) => fixture(name).certificatePath;

/** Which fixture a golden entry's DER came from, so the independent writer can use its PEM. */
function fixtureOf(der: Uint8Array): FixtureName {
  const names: FixtureName[] = ["sast", "sast2", "sast3", "asterisk", "ccm", "tftp-ec", "device"];
  return names.find((name) => Buffer.from(fixture(name).der).equals(der))!;
}

function sastPemFromRecords(file: Buffer, serial: Buffer): string {
  const signer = readRecords(file).find(
    (record) => record.get(4)!.readUInt16BE(0) === 0 && record.get(6)!.equals(serial),
  );
  expect(signer).toBeDefined();
  return openssl(["x509", "-inform", "DER", "-outform", "PEM"], signer!.get(9)).toString();
}

describe("ITL and CTL files checked with OpenSSL and an independent reader (spec §7, §8)", () => {
  it.each([
    ["ITLFile.sha1.tlv", "sha1"],
    ["ITLFile.sha512.tlv", "sha512"],
  ] as const)(
    "%s equals the same file laid out by the test's own writer and signed by openssl dgst -sign",
    (name, digest) => {
      const body = Buffer.concat([
        writeRecord(pem("sast"), 0),
        ...goldenItlEntries().map((entry) =>
          writeRecord(pem(fixtureOf(entry.certificate)), ROLE_CODE[entry.role]),
        ),
      ]);
      const expected = writeSignedFile({
        version: [1, 2],
        signerVersion: [1, 1],
        certificatePem: pem("sast"),
        keyPem: fixture("sast").keyPath,
        digest,
        fileName: "ITLFile.tlv",
        timestamp: GOLDEN_TIMESTAMP,
        body,
      });
      expect(Buffer.from(readGolden(name)).toString("hex")).toBe(expected.toString("hex"));
    },
  );

  it("CTLFile.tlv equals the independent construction with signer version 1.0", () => {
    const body = Buffer.concat([
      writeRecord(pem("sast"), 0),
      writeRecord(pem("ccm"), 2),
      writeRecord(pem("asterisk"), 4),
    ]);
    const expected = writeSignedFile({
      version: [1, 2],
      signerVersion: [1, 0],
      certificatePem: pem("sast"),
      keyPem: fixture("sast").keyPath,
      digest: "sha1",
      fileName: "CTLFile.tlv",
      timestamp: GOLDEN_TIMESTAMP,
      body,
    });
    expect(Buffer.from(readGolden("CTLFile.tlv")).equals(expected)).toBe(true);
  });

  it.each(["ITLFile.sha1.tlv", "ITLFile.sha512.tlv", "CTLFile.tlv"])(
    "openssl dgst -verify accepts %s with the SAST record the header serial names",
    (name) => {
      const file = Buffer.from(readGolden(name));
      const header = readHeader(file);
      expect(header.headerLength % 4).toBe(0);
      const digest = header.elements.get(8)![0] === 1 ? "sha1" : "sha512";
      const sastPem = sastPemFromRecords(file, header.elements.get(5)!);
      const { signed, signature } = splitSignature(file);
      inScratch((dir) => {
        const p = path.join(dir, "sast.pem");
        writeFileSync(p, sastPem);
        expect(opensslVerifies(p, digest, signed, signature)).toBe(true);
        // Flip one byte of a certificate deep in the body: OpenSSL must now refuse it.
        const tampered = Buffer.from(flipBit(signed, signed.length - 100));
        expect(opensslVerifies(p, digest, tampered, signature)).toBe(false);
      });
    },
  );

  it("a freshly built ITL (current time, SHA-512) verifies with OpenSSL", async () => {
    const file = Buffer.from(
      await buildItlFile({
        signer: signerOf("sast"),
        signerCertificate: fixture("sast").der,
        entries: [{ certificate: fixture("ccm").der, role: "CCM" }],
        timestamp: Math.floor(Date.now() / 1000),
        digest: "SHA-512",
      }),
    );
    const { signed, signature } = splitSignature(file);
    expect(opensslVerifies(pem("sast"), "sha512", signed, signature)).toBe(true);
    expect(opensslVerifies(pem("sast"), "sha1", signed, signature)).toBe(false);
  });
});

describe(".sgn files checked with OpenSSL (spec §3.1)", () => {
  it("plain.xml.sgn equals the independent construction (header 412 bytes)", () => {
    const expected = writeSignedFile({
      version: [1, 0],
      certificatePem: pem("asterisk"),
      keyPem: fixture("asterisk").keyPath,
      digest: "sha1",
      fileName: "plain.xml.sgn",
      timestamp: GOLDEN_TIMESTAMP,
      body: Buffer.from(SAMPLE_CONFIG),
    });
    expect(readHeader(expected).headerLength).toBe(412);
    expect(Buffer.from(readGolden("plain.xml.sgn")).equals(expected)).toBe(true);
  });

  it.each(["sha1", "sha512"] as const)(
    "a %s .sgn verifies with openssl dgst and unsigns to the original payload",
    async (digest) => {
      const payload = Buffer.from("ring tone bytes \x00\x01\x02 and more", "binary");
      const file = Buffer.from(
        await buildSgnFile({
          signer: signerOf("asterisk"),
          signerCertificate: fixture("asterisk").der,
          payload,
          fileName: "New_Zealand/g3-tones.xml.sgn",
          timestamp: GOLDEN_TIMESTAMP,
          digest: digest === "sha1" ? "SHA-1" : "SHA-512",
        }),
      );
      const { signed, signature } = splitSignature(file);
      expect(opensslVerifies(pem("asterisk"), digest, signed, signature)).toBe(true);
      expect(file.subarray(readHeader(file).headerLength).equals(payload)).toBe(true);
    },
  );
});

describe(".enc.sgn decrypted with the OpenSSL CLI (spec §3.5)", () => {
  it.each(["sha1", "sha512"] as const)(
    "unwraps the key with pkeyutl, decrypts with enc -aes-128-cbc -nopad, and matches the %s hash",
    async (digest) => {
      const config = Buffer.from(SAMPLE_CONFIG);
      const files = await buildEncryptedConfig({
        signer: signerOf("asterisk"),
        signerCertificate: fixture("asterisk").der,
        deviceCertificate: fixture("device").der,
        config,
        configFileName: "SEP001122334455.cnf.xml",
        timestamp: Math.floor(Date.now() / 1000),
        digest: digest === "sha1" ? "SHA-1" : "SHA-512",
      });
      const file = Buffer.from(files.encrypted);
      const header = readHeader(file);
      const iv = header.elements.get(19)!;
      const paddingCount = header.elements.get(20)!.readUInt16BE(0);
      const wrapped = header.elements.get(25)!;
      expect(header.elements.get(26)![0]).toBe(digest === "sha1" ? 1 : 3);
      const expectedHash = header.elements.get(27)!;

      const { signed, signature } = splitSignature(file);
      expect(opensslVerifies(pem("asterisk"), digest, signed, signature)).toBe(true);

      const plaintext = inScratch((dir) => {
        writeFileSync(path.join(dir, "wrapped.bin"), wrapped);
        const key = openssl([
          "pkeyutl",
          "-decrypt",
          "-inkey",
          fixture("device").keyPath,
          "-pkeyopt",
          "rsa_padding_mode:pkcs1",
          "-in",
          path.join(dir, "wrapped.bin"),
        ]);
        expect(key.length).toBe(16);
        writeFileSync(path.join(dir, "cipher.bin"), file.subarray(header.headerLength));
        const padded = openssl([
          "enc",
          "-d",
          "-aes-128-cbc",
          "-nopad",
          "-K",
          key.toString("hex"),
          "-iv",
          iv.toString("hex"),
          "-in",
          path.join(dir, "cipher.bin"),
        ]);
        // Spec §3.2: n bytes of 0x0D, not PKCS#7.
        expect(padded.subarray(padded.length - paddingCount).every((b) => b === 0x0d)).toBe(true);
        return padded.subarray(0, padded.length - paddingCount);
      });
      expect(plaintext.equals(config)).toBe(true);
      const hash = openssl([`dgst`, `-${digest}`, "-binary"], plaintext);
      expect(hash.equals(expectedHash)).toBe(true);

      // The stub's certHash is the MD5 of the device certificate, as OpenSSL computes it.
      const md5 = openssl(["x509", "-noout", "-fingerprint", "-md5", "-in", pem("device")])
        .toString()
        .split("=")[1]!
        .trim()
        .replace(/:/g, "")
        .toLowerCase();
      expect(files.certificateHash).toBe(md5);
      expect(createHash("md5").update(fixture("device").der).digest("hex")).toBe(md5);
      const stub = Buffer.from(files.stub);
      const stubParts = splitSignature(stub);
      expect(opensslVerifies(pem("asterisk"), digest, stubParts.signed, stubParts.signature)).toBe(
        true,
      );
      expect(stub.subarray(readHeader(stub).headerLength).toString()).toContain(
        `<certHash>${md5}</certHash>`,
      );
    },
  );
});
