import { createPublicKey, sign as nodeSign, constants, type KeyObject } from "node:crypto";

import type { HashAlgorithm, KeyType, SignatureScheme, Signer } from "../pki/signer.js";

import { KeyStoreError } from "./errors.js";

const NODE_HASH: Record<HashAlgorithm, string> = {
  "SHA-1": "sha1",
  "SHA-256": "sha256",
  "SHA-384": "sha384",
  "SHA-512": "sha512",
};

const CURVE_KEY_TYPE: Record<string, KeyType> = {
  prime256v1: "ECDSA-P256",
  secp384r1: "ECDSA-P384",
  secp521r1: "ECDSA-P521",
};

/** A key type or scheme that Certsmith does not handle; a `KeyStoreError` with code "unsupported". */
export class UnsupportedKeyError extends KeyStoreError {
  constructor(message: string) {
    super("unsupported", message);
    this.name = "UnsupportedKeyError";
  }
}

/** The Certsmith key type of a Node private or public key, or an error for anything else. */
export function keyTypeOf(key: KeyObject): KeyType {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case "rsa": {
      const bits = details.modulusLength;
      if (bits === 2048 || bits === 3072 || bits === 4096) return `RSA-${bits}`;
      throw new UnsupportedKeyError(`RSA keys of ${bits ?? "unknown"} bits are not supported`);
    }
    case "ec": {
      const type = CURVE_KEY_TYPE[details.namedCurve ?? ""];
      if (type) return type;
      throw new UnsupportedKeyError(`curve ${details.namedCurve ?? "unknown"} is not supported`);
    }
    case "ed25519":
      return "Ed25519";
    default:
      throw new UnsupportedKeyError(`${key.asymmetricKeyType ?? "unknown"} keys are not supported`);
  }
}

/** Whether `scheme` can be used with a key of `keyType`. */
export function schemeFits(keyType: KeyType, scheme: SignatureScheme): boolean {
  if (keyType.startsWith("RSA-")) return scheme.kind === "rsa-pkcs1" || scheme.kind === "rsa-pss";
  if (keyType.startsWith("ECDSA-")) return scheme.kind === "ecdsa";
  return scheme.kind === "ed25519";
}

/**
 * A Signer over a private key held in this process (software keys, tests). Signing is
 * synchronous OpenSSL work; the Promise keeps the interface the same as for HSM keys.
 */
export function createKeyObjectSigner(privateKey: KeyObject): Signer {
  const keyType = keyTypeOf(privateKey);
  const publicKeySpki = new Uint8Array(
    createPublicKey(privateKey).export({ type: "spki", format: "der" }),
  );
  return {
    keyType,
    publicKeySpki,
    sign(data, scheme) {
      if (!schemeFits(keyType, scheme)) {
        return Promise.reject(
          new UnsupportedKeyError(`a ${keyType} key cannot sign with ${scheme.kind}`),
        );
      }
      switch (scheme.kind) {
        case "ed25519":
          return Promise.resolve(new Uint8Array(nodeSign(null, data, privateKey)));
        case "ecdsa":
          return Promise.resolve(
            new Uint8Array(
              nodeSign(NODE_HASH[scheme.hash], data, { key: privateKey, dsaEncoding: "der" }),
            ),
          );
        case "rsa-pkcs1":
          return Promise.resolve(
            new Uint8Array(
              nodeSign(NODE_HASH[scheme.hash], data, {
                key: privateKey,
                padding: constants.RSA_PKCS1_PADDING,
              }),
            ),
          );
        case "rsa-pss":
          return Promise.resolve(
            new Uint8Array(
              nodeSign(NODE_HASH[scheme.hash], data, {
                key: privateKey,
                padding: constants.RSA_PKCS1_PSS_PADDING,
                saltLength: scheme.saltLength,
              }),
            ),
          );
      }
    },
  };
}
