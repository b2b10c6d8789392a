import { verify } from "node:crypto";

import { describe, expect, it } from "vitest";

import { testKey } from "../../test/integration/pki/support/signers.js";

import { PkiError } from "./errors.js";
import { parsePublicKeyInfo } from "./key-info.js";
import { publicKeyObject } from "./public-key-object.js";
import { KEY_TYPES } from "./signer.js";

describe("public key objects", () => {
  it.each(KEY_TYPES.filter((t) => t !== "RSA-3072" && t !== "RSA-4096"))(
    "imports a %s key that verifies its own signatures",
    async (keyType) => {
      const key = testKey(keyType);
      const info = parsePublicKeyInfo(key.signer.publicKeySpki);
      const object = publicKeyObject(info);
      expect(new Uint8Array(object.export({ type: "spki", format: "der" }))).toEqual(
        key.signer.publicKeySpki,
      );
      const data = new TextEncoder().encode("hello");
      const scheme = keyType.startsWith("RSA")
        ? { kind: "rsa-pkcs1" as const, hash: "SHA-256" as const }
        : keyType === "Ed25519"
          ? { kind: "ed25519" as const }
          : { kind: "ecdsa" as const, hash: "SHA-256" as const };
      const signature = await key.signer.sign(data, scheme);
      expect(
        verify(
          scheme.kind === "ed25519" ? null : "sha256",
          data,
          scheme.kind === "ecdsa" ? { key: object, dsaEncoding: "der" } : object,
          signature,
        ),
      ).toBe(true);
    },
  );

  it("refuses an EC point that is not on the curve", () => {
    const info = parsePublicKeyInfo(testKey("ECDSA-P256").signer.publicKeySpki);
    const point = new Uint8Array(info.subjectPublicKey);
    point[40]! ^= 0x01;
    try {
      publicKeyObject({ ...info, subjectPublicKey: point });
      throw new Error("expected a refusal");
    } catch (error) {
      expect(error).toBeInstanceOf(PkiError);
      expect((error as PkiError).code).toBe("unsupported_key");
    }
  });
});
