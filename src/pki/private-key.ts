/**
 * PKCS#8 private keys (RFC 5208 / RFC 5958): password protection as EncryptedPrivateKeyInfo,
 * PEM forms, and the public key of a private key. Keys only pass through here on the way to a
 * download the user asked for; nothing is logged or kept.
 */

import { createPrivateKey, createPublicKey } from "node:crypto";

import { octetString, sequence } from "./der-encode.js";
import { readDer, readOctetString, sequenceItems } from "./der-read.js";
import { PkiError, relabelDerErrors } from "./errors.js";
import { decryptWithPassword, encryptPbes2, type RandomSource } from "./password-encryption.js";
import { encodePem } from "./pem.js";

/** EncryptedPrivateKeyInfo (RFC 5958 §3) under PBES2 / AES-256-CBC / PBKDF2-HMAC-SHA256. */
export function encryptPrivateKey(
  pkcs8: Uint8Array,
  password: string,
  options: { iterations?: number; random?: RandomSource } = {},
): Uint8Array {
  const { algorithm, ciphertext } = encryptPbes2(pkcs8, password, options);
  return sequence(algorithm, octetString(ciphertext));
}

/** The PKCS#8 DER inside EncryptedPrivateKeyInfo; `wrong_password` when it does not open. */
export function decryptPrivateKey(encrypted: Uint8Array, password: string): Uint8Array {
  return relabelDerErrors("bad_keystore", "the encrypted private key", () => {
    const [algorithm, data] = sequenceItems(readDer(encrypted), "EncryptedPrivateKeyInfo", 2, 2);
    const pkcs8 = decryptWithPassword(
      algorithm!,
      password,
      readOctetString(data, "the encrypted key"),
    );
    // A wrong password can still yield valid padding by chance (1 in 256); check the structure.
    try {
      sequenceItems(readDer(pkcs8), "PrivateKeyInfo", 3, 5);
    } catch (cause) {
      throw new PkiError("wrong_password", "the password is wrong or the data is damaged", {
        cause,
      });
    }
    return pkcs8;
  });
}

/** PEM of a private key: "ENCRYPTED PRIVATE KEY" with a password, "PRIVATE KEY" without. */
export function privateKeyToPem(
  pkcs8: Uint8Array,
  password?: string,
  options: { iterations?: number } = {},
): string {
  if (password === undefined) return encodePem("PRIVATE KEY", pkcs8);
  return encodePem("ENCRYPTED PRIVATE KEY", encryptPrivateKey(pkcs8, password, options));
}

/** The SubjectPublicKeyInfo DER of a PKCS#8 private key. */
export function publicKeyOfPrivateKey(pkcs8: Uint8Array): Uint8Array {
  try {
    const privateKey = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
    return new Uint8Array(createPublicKey(privateKey).export({ type: "spki", format: "der" }));
  } catch (cause) {
    throw new PkiError("unsupported_key", "the private key cannot be read", { cause });
  }
}
