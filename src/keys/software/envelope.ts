import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

import { KeyStoreError } from "../errors.js";

/**
 * AES-256-GCM sealing (NIST SP 800-38D) with a fresh 96-bit IV per message. The sealed form is
 * `version(1) ‖ iv(12) ‖ ciphertext ‖ tag(16)`; the version byte lets a later format coexist.
 * `aad` is authenticated but not stored: the caller rebuilds it from the row (key ref, key type,
 * flags), so a sealed blob copied onto another row, or a flag edited in the table, fails to open.
 */
const FORMAT_V1 = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const AES_KEY_BYTES = 32;

export function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Buffer {
  if (key.length !== AES_KEY_BYTES) throw new RangeError("AES-256-GCM needs a 32-byte key");
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(FORMAT_V1), iv, body, cipher.getAuthTag()]);
}

/**
 * Opens a blob made by `seal`. Any failure (short blob, unknown version, wrong key, edited
 * bytes or AAD) is one "key_integrity" error naming `what`: GCM does not say which it was.
 */
export function open(key: Uint8Array, sealed: Uint8Array, aad: Uint8Array, what: string): Buffer {
  const fail = (cause?: unknown): never => {
    throw new KeyStoreError(
      "key_integrity",
      `${what} failed its integrity check: it was altered, or sealed under another master key`,
      { cause },
    );
  };
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_V1) fail();
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const body = sealed.subarray(1 + IV_BYTES, sealed.length - TAG_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (error) {
    return fail(error);
  }
}
