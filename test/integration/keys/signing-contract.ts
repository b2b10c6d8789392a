import { createHash, randomBytes } from "node:crypto";

import { expect, it } from "vitest";

import { KeyStoreError } from "../../../src/keys/errors.js";
import type { DigestSignatureScheme, KeyStore } from "../../../src/keys/key-store.js";
import type { KeyType, SignatureScheme } from "../../../src/pki/signer.js";

import { opensslVerifiesData, opensslVerifiesDigest } from "./openssl.js";

interface Case {
  keyType: KeyType;
  schemes: SignatureScheme[];
  digestSchemes: DigestSignatureScheme[];
}

const RSA_SCHEMES: SignatureScheme[] = [
  { kind: "rsa-pkcs1", hash: "SHA-256" },
  { kind: "rsa-pkcs1", hash: "SHA-512" },
  { kind: "rsa-pss", hash: "SHA-256", saltLength: 32 },
  { kind: "rsa-pss", hash: "SHA-384", saltLength: 48 },
];
const RSA_DIGEST_SCHEMES: DigestSignatureScheme[] = [
  { kind: "rsa-pkcs1", hash: "SHA-256" },
  { kind: "rsa-pkcs1", hash: "SHA-384" },
  { kind: "rsa-pss", hash: "SHA-256", saltLength: 32 },
  { kind: "rsa-pss", hash: "SHA-512", saltLength: 64 },
];

export const SIGNING_CASES: Case[] = [
  { keyType: "RSA-2048", schemes: RSA_SCHEMES, digestSchemes: RSA_DIGEST_SCHEMES },
  { keyType: "RSA-3072", schemes: RSA_SCHEMES, digestSchemes: RSA_DIGEST_SCHEMES },
  { keyType: "RSA-4096", schemes: RSA_SCHEMES, digestSchemes: RSA_DIGEST_SCHEMES },
  {
    keyType: "ECDSA-P256",
    schemes: [{ kind: "ecdsa", hash: "SHA-256" }],
    // A longer digest than the order is truncated (SEC 1 §4.1.3 step 5); openssl does the same.
    digestSchemes: [
      { kind: "ecdsa", hash: "SHA-256" },
      { kind: "ecdsa", hash: "SHA-384" },
    ],
  },
  {
    keyType: "ECDSA-P384",
    schemes: [{ kind: "ecdsa", hash: "SHA-384" }],
    digestSchemes: [{ kind: "ecdsa", hash: "SHA-384" }],
  },
  {
    keyType: "ECDSA-P521",
    schemes: [{ kind: "ecdsa", hash: "SHA-512" }],
    digestSchemes: [
      { kind: "ecdsa", hash: "SHA-512" },
      { kind: "ecdsa", hash: "SHA-256" },
    ],
  },
  { keyType: "Ed25519", schemes: [{ kind: "ed25519" }], digestSchemes: [] },
];

const NODE_HASH = {
  "SHA-1": "sha1",
  "SHA-256": "sha256",
  "SHA-384": "sha384",
  "SHA-512": "sha512",
};

function label(scheme: SignatureScheme | DigestSignatureScheme): string {
  return "hash" in scheme ? `${scheme.kind}/${scheme.hash}` : scheme.kind;
}

/**
 * The behaviour every backend shares: each key type generates, its Signer's signatures verify
 * with `openssl dgst`, its digest signatures verify with `openssl pkeyutl`, and a signature
 * does not verify over other data (so these checks can fail).
 */
export function defineSigningContract(store: () => KeyStore, keyTypes: readonly KeyType[]): void {
  for (const { keyType, schemes, digestSchemes } of SIGNING_CASES.filter((c) =>
    keyTypes.includes(c.keyType),
  )) {
    it(`generates a ${keyType} key whose signatures openssl verifies`, async () => {
      const info = await store().generate(keyType, { label: `contract ${keyType}` });
      expect(info.keyType).toBe(keyType);
      expect((await store().publicKey(info.keyRef)).publicKeySpki).toEqual(info.publicKeySpki);
      const signer = await store().signer(info.keyRef);
      expect(signer.keyType).toBe(keyType);
      expect(Buffer.from(signer.publicKeySpki)).toEqual(Buffer.from(info.publicKeySpki));

      const data = randomBytes(300);
      for (const scheme of schemes) {
        const signature = await signer.sign(data, scheme);
        expect(
          await opensslVerifiesData(info.publicKeySpki, data, signature, scheme),
          label(scheme),
        ).toBe(true);
        const other = Buffer.from(data);
        other[0]! ^= 1;
        expect(await opensslVerifiesData(info.publicKeySpki, other, signature, scheme)).toBe(false);
      }

      for (const scheme of digestSchemes) {
        // A batch, as signHash sends it: each signature belongs to its own digest, in order.
        const digests = ["first", "second", "third"].map((text) =>
          createHash(NODE_HASH[scheme.hash]).update(data).update(text).digest(),
        );
        const signatures = await store().signDigests(info.keyRef, digests, scheme);
        expect(signatures).toHaveLength(digests.length);
        for (const [i, digest] of digests.entries()) {
          expect(
            await opensslVerifiesDigest(info.publicKeySpki, digest, signatures[i]!, scheme),
            `${label(scheme)} #${i}`,
          ).toBe(true);
        }
        expect(
          await opensslVerifiesDigest(info.publicKeySpki, digests[1]!, signatures[0]!, scheme),
        ).toBe(false);
        // Signed as given, not hashed again: the signature does not verify over H(digest).
        const rehashed = createHash(NODE_HASH[scheme.hash]).update(digests[0]!).digest();
        expect(
          await opensslVerifiesDigest(info.publicKeySpki, rehashed, signatures[0]!, scheme),
        ).toBe(false);
      }
      if (digestSchemes.length === 0) {
        await expect(
          store().signDigests(info.keyRef, [new Uint8Array(32)], {
            kind: "ecdsa",
            hash: "SHA-256",
          }),
        ).rejects.toMatchObject({ code: "unsupported" });
      }
      await store().destroy(info.keyRef);
    });
  }

  it("rejects a digest of the wrong length and a scheme that does not fit the key", async () => {
    const info = await store().generate("ECDSA-P256");
    await expect(
      store().signDigests(info.keyRef, [new Uint8Array(32), new Uint8Array(31)], {
        kind: "ecdsa",
        hash: "SHA-256",
      }),
    ).rejects.toMatchObject({ code: "invalid_digest" });
    await expect(
      store().signDigests(info.keyRef, [new Uint8Array(32)], {
        kind: "rsa-pkcs1",
        hash: "SHA-256",
      }),
    ).rejects.toMatchObject({ code: "unsupported" });
    const signer = await store().signer(info.keyRef);
    await expect(
      signer.sign(new Uint8Array(8), { kind: "rsa-pkcs1", hash: "SHA-256" }),
    ).rejects.toBeInstanceOf(KeyStoreError);
    await store().destroy(info.keyRef);
  });

  it("forgets a destroyed key, and destroying it again is not an error", async () => {
    const info = await store().generate("ECDSA-P256");
    await store().signer(info.keyRef);
    await store().destroy(info.keyRef);
    await expect(store().signer(info.keyRef)).rejects.toMatchObject({ code: "key_not_found" });
    await expect(store().publicKey(info.keyRef)).rejects.toMatchObject({ code: "key_not_found" });
    await expect(store().destroy(info.keyRef)).resolves.toBeUndefined();
  });

  it("refuses a key ref of another backend or a malformed one", async () => {
    const other = store().backend === "software" ? "pkcs11" : "software";
    await expect(store().signer(`${other}:01JD3ZQ8T3Y6W2V5N0M4K8P2R7`)).rejects.toMatchObject({
      code: "key_not_found",
    });
    await expect(store().signer("nonsense")).rejects.toMatchObject({ code: "key_not_found" });
  });
}
