import { randomBytes } from "node:crypto";

import type { HashAlgorithm } from "../pki/signer.js";

import { DIGEST_LENGTH, hashData } from "./digest.js";
import { KeyStoreError } from "./errors.js";

/** MGF1 (RFC 8017 §B.2.1). */
export function mgf1(hash: HashAlgorithm, seed: Uint8Array, maskLength: number): Buffer {
  const hLen = DIGEST_LENGTH[hash];
  const out = Buffer.alloc(Math.ceil(maskLength / hLen) * hLen);
  const counter = Buffer.alloc(4);
  for (let i = 0; i * hLen < maskLength; i++) {
    counter.writeUInt32BE(i);
    hashData(hash, Buffer.concat([seed, counter])).copy(out, i * hLen);
  }
  return out.subarray(0, maskLength);
}

/**
 * EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with `mHash` given by the caller, so the message is never
 * hashed here (csc-api-v2.md §6.2). MGF1 uses the same hash; trailer 0xBC. `modulusBits` is the
 * RSA modulus length; the result is emLen = ceil((modBits-1)/8) bytes, ready for RSASP1.
 */
export function emsaPssEncode(
  hash: HashAlgorithm,
  mHash: Uint8Array,
  saltLength: number,
  modulusBits: number,
  salt: Uint8Array = randomBytes(saltLength),
): Buffer {
  const hLen = DIGEST_LENGTH[hash];
  const emBits = modulusBits - 1;
  const emLen = Math.ceil(emBits / 8);
  // Step 3: emLen < hLen + sLen + 2 → "encoding error".
  if (!Number.isInteger(saltLength) || saltLength < 0 || emLen < hLen + saltLength + 2) {
    throw new KeyStoreError(
      "unsupported",
      `a PSS salt of ${saltLength} bytes does not fit a ${modulusBits}-bit key with ${hash}`,
    );
  }
  // Steps 5–6: M' = (0x)00 00 00 00 00 00 00 00 || mHash || salt; H = Hash(M').
  const h = hashData(hash, Buffer.concat([Buffer.alloc(8), mHash, salt]));
  // Steps 7–8: DB = PS || 0x01 || salt.
  const db = Buffer.alloc(emLen - hLen - 1);
  db[db.length - saltLength - 1] = 0x01;
  Buffer.from(salt).copy(db, db.length - saltLength);
  // Steps 9–10: maskedDB = DB xor MGF(H, emLen - hLen - 1).
  const mask = mgf1(hash, h, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  // Step 11: clear the leftmost 8*emLen - emBits bits.
  db[0]! &= 0xff >> (8 * emLen - emBits);
  // Step 12: EM = maskedDB || H || 0xbc.
  return Buffer.concat([db, h, Buffer.from([0xbc])]);
}
