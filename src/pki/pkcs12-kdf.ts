/**
 * The PKCS#12 key derivation function (RFC 7292 Appendix B.2), used for the PKCS#12 MAC key
 * (ID 3) and for the legacy pbeWithSHAAnd* ciphers (ID 1 key, ID 2 IV).
 */

import { createHash } from "node:crypto";

import { utf16be } from "./der-encode.js";

export type Pkcs12KdfHash = "sha1" | "sha256" | "sha384" | "sha512";

/** Output (u) and block (v) sizes in bytes per hash (RFC 7292 §B.2 step list). */
const SIZES: Record<Pkcs12KdfHash, { u: number; v: number }> = {
  sha1: { u: 20, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 },
};

/** RFC 7292 §B.1: the password as a BMPString with two trailing zero bytes. */
export function pkcs12PasswordBytes(password: string): Uint8Array {
  const out = new Uint8Array(password.length * 2 + 2);
  out.set(utf16be(password), 0);
  return out;
}

function repeatToMultiple(input: Uint8Array, v: number): Uint8Array {
  if (input.length === 0) return new Uint8Array();
  const length = v * Math.ceil(input.length / v);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = input[i % input.length]!;
  return out;
}

export function pkcs12Kdf(
  hash: Pkcs12KdfHash,
  password: string,
  salt: Uint8Array,
  id: 1 | 2 | 3,
  iterations: number,
  length: number,
): Uint8Array {
  const { u, v } = SIZES[hash];
  const diversifier = new Uint8Array(v).fill(id);
  const input = new Uint8Array([
    ...repeatToMultiple(salt, v),
    ...repeatToMultiple(pkcs12PasswordBytes(password), v),
  ]);
  const out = new Uint8Array(Math.ceil(length / u) * u);
  for (let block = 0; block * u < length; block++) {
    let a = createHash(hash).update(diversifier).update(input).digest();
    for (let i = 1; i < iterations; i++) a = createHash(hash).update(a).digest();
    out.set(a, block * u);
    // Step 6C: I_j = (I_j + B + 1) mod 2^(8v), with B = A repeated to v bytes.
    const b = repeatToMultiple(a, v);
    for (let j = 0; j < input.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = input[j + k]! + b[k]! + carry;
        input[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return out.subarray(0, length);
}
