import { generateKeyPair, generateKeyPairSync, type KeyObject } from "node:crypto";
import { promisify } from "node:util";

import { createKeyObjectSigner } from "../../../../src/keys/key-object-signer.js";
import type { KeyType, Signer } from "../../../../src/pki/signer.js";

export interface TestKey {
  keyType: KeyType;
  privateKey: KeyObject;
  /** PKCS#8 DER of the private key. */
  pkcs8: Uint8Array;
  signer: Signer;
}

function generate(keyType: KeyType): KeyObject {
  switch (keyType) {
    case "RSA-2048":
    case "RSA-3072":
    case "RSA-4096":
      return generateKeyPairSync("rsa", { modulusLength: Number(keyType.slice(4)) }).privateKey;
    case "ECDSA-P256":
      return generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
    case "ECDSA-P384":
      return generateKeyPairSync("ec", { namedCurve: "secp384r1" }).privateKey;
    case "ECDSA-P521":
      return generateKeyPairSync("ec", { namedCurve: "secp521r1" }).privateKey;
    case "Ed25519":
      return generateKeyPairSync("ed25519").privateKey;
  }
}

/** A fresh key of `keyType` with a Signer over it (the real KeyObject signer of keys/). */
export function newTestKey(keyType: KeyType): TestKey {
  return wrap(keyType, generate(keyType));
}

function wrap(keyType: KeyType, privateKey: KeyObject): TestKey {
  return {
    keyType,
    privateKey,
    pkcs8: new Uint8Array(privateKey.export({ type: "pkcs8", format: "der" })),
    signer: createKeyObjectSigner(privateKey),
  };
}

const cache = new Map<string, TestKey>();

/** A key per (type, name) for this process: RSA-4096 generation is slow, so reuse keys. */
export function testKey(keyType: KeyType, name = "default"): TestKey {
  const id = `${keyType}/${name}`;
  let key = cache.get(id);
  if (!key) {
    key = newTestKey(keyType);
    cache.set(id, key);
  }
  return key;
}

const generateAsync = promisify(generateKeyPair);

/**
 * Generates the named keys in parallel on the libuv thread pool and caches them, so suites with
 * RSA-3072/4096 keys spend their key generation in one `beforeAll` instead of inside tests.
 */
export async function preloadTestKeys(specs: readonly [KeyType, string][]): Promise<void> {
  await Promise.all(
    specs.map(async ([keyType, name]) => {
      const id = `${keyType}/${name}`;
      if (cache.has(id)) return;
      if (!keyType.startsWith("RSA-")) {
        cache.set(id, newTestKey(keyType));
        return;
      }
      const { privateKey } = await generateAsync("rsa", {
        modulusLength: Number(keyType.slice(4)),
      });
      cache.set(id, wrap(keyType, privateKey));
    }),
  );
}
