import { constants, createHash, generateKeyPairSync, privateEncrypt, verify } from "node:crypto";

import { describe, expect, it } from "vitest";

import { emsaPssEncode } from "./emsa-pss.js";
import { KeyStoreError } from "./errors.js";

describe("EMSA-PSS encoding over a given digest", () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

  for (const [hash, saltLength] of [
    ["SHA-256", 32],
    ["SHA-384", 0],
    ["SHA-512", 64],
  ] as const) {
    it(`gives a ${hash} signature (salt ${saltLength}) that Node's PSS verifier accepts`, () => {
      const nodeHash = hash.replace("-", "").toLowerCase();
      const message = Buffer.from("signed through a pre-computed digest");
      const mHash = createHash(nodeHash).update(message).digest();
      // emBits = modBits - 1 (RFC 8017 §9.1.1): the top bit of EM is cleared, so EM < n.
      const encoded = emsaPssEncode(hash, mHash, saltLength, 2048);
      expect(encoded).toHaveLength(256);
      expect(encoded[0]! & 0x80).toBe(0);
      const signature = privateEncrypt(
        { key: privateKey, padding: constants.RSA_NO_PADDING },
        encoded,
      );
      const ok = verify(
        nodeHash,
        message,
        { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength },
        signature,
      );
      expect(ok).toBe(true);
    });
  }

  it("refuses a salt that does not fit the key", () => {
    expect(errorCode(() => emsaPssEncode("SHA-512", new Uint8Array(64), 100, 1024))).toBe(
      "unsupported",
    );
  });
});

function errorCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof KeyStoreError ? error.code : String(error);
  }
  return undefined;
}
