import { createHash, generateKeyPairSync, verify } from "node:crypto";

import { describe, expect, it } from "vitest";

import type { KeyType } from "../pki/signer.js";

import { ecdsaDerToRaw } from "./ecdsa-der.js";
import { signEcdsaDigests } from "./ecdsa-digest.js";

const CASES: { keyType: KeyType; curve: string; hashes: string[]; orderLength: number }[] = [
  // SHA-384/512 on P-256 exercise the truncation of SEC 1 §4.1.3 step 5.
  { keyType: "ECDSA-P256", curve: "prime256v1", hashes: ["sha256", "sha512"], orderLength: 32 },
  { keyType: "ECDSA-P384", curve: "secp384r1", hashes: ["sha384", "sha256"], orderLength: 48 },
  { keyType: "ECDSA-P521", curve: "secp521r1", hashes: ["sha512", "sha256"], orderLength: 66 },
];

describe("ECDSA over given digests", () => {
  for (const { keyType, curve, hashes, orderLength } of CASES) {
    for (const hash of hashes) {
      it(`signs a batch of ${hash} digests with ${keyType} that OpenSSL verifies`, () => {
        const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: curve });
        const messages = Array.from({ length: 48 }, (_, i) => Buffer.from(`message ${i}`));
        const digests = messages.map((m) => createHash(hash).update(m).digest());

        const signatures = signEcdsaDigests(privateKey, keyType, digests);

        expect(signatures).toHaveLength(messages.length);
        // OpenSSL hashes the message itself and must find the signature over that digest.
        messages.forEach((message, i) => {
          expect(verify(hash, message, publicKey, signatures[i]!), `#${i}`).toBe(true);
          const other = messages[(i + 1) % messages.length]!;
          expect(verify(hash, other, publicKey, signatures[i]!)).toBe(false);
        });
      });
    }

    it(`uses a fresh nonce for each signature of one ${keyType} digest`, () => {
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: curve });
      const digest = createHash("sha256").update("same").digest();
      const signatures = signEcdsaDigests(privateKey, keyType, [digest, digest, digest]);
      const rs = signatures.map((s) =>
        Buffer.from(ecdsaDerToRaw(s, orderLength).subarray(0, orderLength)).toString("hex"),
      );
      expect(new Set(rs).size).toBe(3);
    });
  }

  it("signs an empty batch as nothing, and refuses a key type that is not ECDSA", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    expect(signEcdsaDigests(privateKey, "ECDSA-P256", [])).toEqual([]);
    expect(() => signEcdsaDigests(privateKey, "RSA-2048", [new Uint8Array(32)])).toThrow(TypeError);
  });
});
