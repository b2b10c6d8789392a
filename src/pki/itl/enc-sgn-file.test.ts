import { constants, privateDecrypt } from "node:crypto";

import { describe, expect, it } from "vitest";

import {
  fixture,
  flipBit,
  SAMPLE_CONFIG,
  signerOf,
  thrownCode,
} from "../../../test/fixtures/itl/fixtures.js";

import {
  buildEncryptedConfig,
  decryptEncryptedConfig,
  parseEncryptedConfig,
  verifyEncryptedConfig,
  type EncryptedConfigInput,
} from "./enc-sgn-file.js";
import { ItlBuildError } from "./itl-errors.js";
import { verifySgnFile } from "./sgn-file.js";

const config = new TextEncoder().encode(SAMPLE_CONFIG);

function input(overrides: Partial<EncryptedConfigInput> = {}): EncryptedConfigInput {
  return {
    signer: signerOf("asterisk"),
    signerCertificate: fixture("asterisk").der,
    deviceCertificate: fixture("device").der,
    config,
    configFileName: "SEP001122334455.cnf.xml",
    timestamp: 1700000000,
    ...overrides,
  };
}

/**
 * RSAES-PKCS1-v1_5 unwrap done by hand over a raw RSA operation: Node 20 refuses PKCS#1 v1.5
 * decryption (CVE-2023-46809), and the test must not lean on our own code anyway.
 */
function unwrapKey(wrapped: Uint8Array): Uint8Array {
  const block = privateDecrypt(
    { key: fixture("device").key, padding: constants.RSA_NO_PADDING },
    wrapped,
  );
  expect(block[0]).toBe(0);
  expect(block[1]).toBe(2);
  return new Uint8Array(block.subarray(block.indexOf(0, 2) + 1));
}

describe(".enc.sgn encrypted configs (spec §3.2–3.3)", () => {
  it("has the header offsets of the real build in spec §7.2", async () => {
    const { encrypted, encryptedFileName } = await buildEncryptedConfig(input());
    expect(encryptedFileName).toBe("SEP001122334455.cnf.xml.enc.sgn");
    const at = (offset: number, length = 3) =>
      Buffer.from(encrypted.subarray(offset, offset + length)).toString("hex");
    expect(at(0, 5)).toBe("0100020200");
    expect(at(5, 5)).toBe("02000202fc"); // header length 764
    expect(at(10)).toBe("03005f"); // signer info (95)
    expect(at(108)).toBe("07000f");
    expect(at(126)).toBe("0c0100");
    expect(at(385)).toBe("0e0020"); // FILENAME, 32 bytes with NUL
    expect(at(420, 3)).toBe("0f0004");
    expect(at(427)).toBe("100132"); // container 16 (306)
    expect(at(430)).toBe("11001c"); // container 17 (28)
    expect(at(433, 4)).toBe("12000100");
    expect(at(437)).toBe("130010"); // IV
    expect(at(456, 3)).toBe("140002");
    expect(at(461)).toBe("150110"); // container 21 (272)
    expect(at(464, 4)).toBe("16000100");
    expect(at(468, 5)).toBe("1700020800"); // 8 × 256-byte wrapped key
    expect(at(473, 4)).toBe("18000101");
    expect(at(477)).toBe("190100");
    expect(at(736, 4)).toBe("1a000101");
    expect(at(740)).toBe("1b0014"); // SHA-1 of the plaintext
    expect(at(763, 1)).toBe("0d");
  });

  it("round-trips: unwrap with the device key, decrypt, strip the 0D padding, match the hash", async () => {
    const { encrypted } = await buildEncryptedConfig(input({ digest: "SHA-512" }));
    const parsed = verifyEncryptedConfig(encrypted, fixture("asterisk").der);
    expect(parsed.header.digest).toBe("SHA-512");
    expect(parsed.plaintextDigest).toBe("SHA-512");
    expect(parsed.paddingCount).toBe(16 - (config.length % 16));
    expect(parsed.keySizeBits).toBe(2048);
    expect(decryptEncryptedConfig(parsed, unwrapKey(parsed.wrappedKey))).toEqual(config);
  });

  it("pads a whole extra block of 0D when the config is already block-aligned", async () => {
    const aligned = new TextEncoder().encode("<device>" + "x".repeat(15) + "</device>");
    expect(aligned.length % 16).toBe(0);
    const { encrypted } = await buildEncryptedConfig(input({ config: aligned }));
    const parsed = parseEncryptedConfig(encrypted);
    expect(parsed.paddingCount).toBe(16);
    expect(parsed.ciphertext.length).toBe(aligned.length + 16);
    expect(decryptEncryptedConfig(parsed, unwrapKey(parsed.wrappedKey))).toEqual(aligned);
  });

  it("detects a wrong key or altered ciphertext through the plaintext hash", async () => {
    const { encrypted } = await buildEncryptedConfig(input());
    const parsed = parseEncryptedConfig(encrypted);
    expect(thrownCode(() => decryptEncryptedConfig(parsed, new Uint8Array(16)))).toBe(
      "integrity_mismatch",
    );
    const tampered = flipBit(encrypted, encrypted.length - 20);
    expect(thrownCode(() => verifyEncryptedConfig(tampered, fixture("asterisk").der))).toBe(
      "bad_signature",
    );
  });

  it("builds the signed .cnf.xml.sgn stub with encrConfig and the MD5 certHash (spec §3.4)", async () => {
    const files = await buildEncryptedConfig(input());
    expect(files.stubFileName).toBe("SEP001122334455.cnf.xml.sgn");
    const stub = verifySgnFile(files.stub, fixture("asterisk").der);
    expect(stub.header.fileName).toBe("SEP001122334455.cnf.xml.sgn");
    const xml = new TextDecoder().decode(stub.payload);
    const md5 = files.certificateHash;
    expect(md5).toMatch(/^[0-9a-f]{32}$/);
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<device>",
        "  <fullConfig>false</fullConfig>",
        "  <ipAddressMode>0</ipAddressMode>",
        "  <capfAuthMode>1</capfAuthMode>",
        "  <capfList>",
        "    <capf>",
        "      <phonePort>3804</phonePort>",
        "      <processNodeName>capf.example.test</processNodeName>",
        "    </capf>",
        "  </capfList>",
        "  <loadInformation>sip88xx.14-2-1-0101-28</loadInformation>",
        `  <certHash>${md5}</certHash>`,
        "  <encrConfig>true</encrConfig>",
        "</device>",
        "",
      ].join("\n"),
    );
  });

  it("refuses an EC device certificate and a config that is not a <device> document", async () => {
    await expect(
      buildEncryptedConfig(input({ deviceCertificate: fixture("device-ec").der })),
    ).rejects.toMatchObject({ code: "device_key_not_rsa" });
    for (const bad of [
      "<phone/>",
      "<device>",
      "not xml",
      "<device></phone>",
      "<!DOCTYPE x><device/>",
    ]) {
      const error: unknown = await buildEncryptedConfig(
        input({ config: new TextEncoder().encode(bad) }),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ItlBuildError);
      expect((error as ItlBuildError).code).toBe("bad_config");
    }
  });

  it("rejects an .enc.sgn whose encryption block is broken", async () => {
    const { encrypted } = await buildEncryptedConfig(input());
    const noPadding = encrypted.slice();
    noPadding.set([0, 0], 459); // ENCRYPTION_PADDING value = 0
    expect(thrownCode(() => parseEncryptedConfig(noPadding))).toBe("bad_encryption");
    expect(
      thrownCode(() => parseEncryptedConfig(encrypted.subarray(0, encrypted.length - 5))),
    ).toBe("bad_encryption");
  });
});
