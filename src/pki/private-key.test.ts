import { createPrivateKey } from "node:crypto";

import { describe, expect, it } from "vitest";

import { testKey } from "../../test/integration/pki/support/signers.js";

import { PkiError } from "./errors.js";
import { decodeSinglePem } from "./pem.js";
import {
  decryptPrivateKey,
  encryptPrivateKey,
  privateKeyToPem,
  publicKeyOfPrivateKey,
} from "./private-key.js";

describe("private keys", () => {
  it("encrypts PKCS#8 so that OpenSSL (node:crypto) opens it with the password", () => {
    const key = testKey("ECDSA-P384");
    const pem = privateKeyToPem(key.pkcs8, "open sesame");
    expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    const opened = createPrivateKey({ key: pem, format: "pem", passphrase: "open sesame" });
    expect(new Uint8Array(opened.export({ type: "pkcs8", format: "der" }))).toEqual(key.pkcs8);
    expect(() => createPrivateKey({ key: pem, format: "pem", passphrase: "nope" })).toThrow();
  });

  it("decrypts its own encryption and refuses a wrong password", () => {
    const key = testKey("Ed25519");
    const encrypted = encryptPrivateKey(key.pkcs8, "pw", { iterations: 1000 });
    expect(decryptPrivateKey(encrypted, "pw")).toEqual(key.pkcs8);
    try {
      decryptPrivateKey(encrypted, "wrong");
      throw new Error("expected a refusal");
    } catch (error) {
      expect((error as PkiError).code).toBe("wrong_password");
    }
  });

  it("refuses malformed encrypted keys with bad_keystore", () => {
    for (const input of [new Uint8Array([0x30, 0x00]), new Uint8Array([0x04, 0x01, 0x00])]) {
      try {
        decryptPrivateKey(input, "pw");
        throw new Error("expected a refusal");
      } catch (error) {
        expect((error as PkiError).code).toBe("bad_keystore");
      }
    }
  });

  it("writes plain PKCS#8 PEM without a password and derives the public key", () => {
    const key = testKey("ECDSA-P256");
    expect(decodeSinglePem(privateKeyToPem(key.pkcs8), ["PRIVATE KEY"]).der).toEqual(key.pkcs8);
    expect(publicKeyOfPrivateKey(key.pkcs8)).toEqual(key.signer.publicKeySpki);
    expect(() => publicKeyOfPrivateKey(new Uint8Array([0x30, 0x00]))).toThrow(PkiError);
  });
});
