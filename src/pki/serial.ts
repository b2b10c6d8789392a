/**
 * Certificate serial numbers: RFC 5280 §4.1.2.2 (positive, at most 20 octets) and the CA/B
 * Baseline Requirements §7.1 (at least 64 bits from a CSPRNG). We use 128 random bits.
 * Uniqueness per CA is the store's job (a unique index); 2^-64 collision odds make retries rare.
 */

import { randomBytes } from "node:crypto";

import { unsignedInteger } from "./der-encode.js";

export interface SerialNumber {
  /** The DER INTEGER (minimal, positive). */
  der: Uint8Array;
  /** Lower-case hex of the magnitude without leading zeros, as the inventory stores it. */
  hex: string;
}

/** A serial from unsigned magnitude bytes. */
export function serialFromBytes(magnitude: Uint8Array): SerialNumber {
  const der = unsignedInteger(magnitude);
  const content = der.subarray(2);
  const hex = Buffer.from(content[0] === 0 && content.length > 1 ? content.subarray(1) : content)
    .toString("hex")
    .replace(/^0+(?=.)/, "");
  return { der, hex };
}

/** randomBytes per call costs more than the bytes; draw a block and hand out slices. */
const POOL_SIZE = 4096;
let pool = new Uint8Array(0);
let poolOffset = 0;

function pooledRandom(size: number): Uint8Array {
  if (poolOffset + size > pool.length) {
    pool = new Uint8Array(randomBytes(POOL_SIZE));
    poolOffset = 0;
  }
  const out = pool.slice(poolOffset, poolOffset + size);
  // Wipe what was handed out so the pool never hands the same bytes twice.
  pool.fill(0, poolOffset, poolOffset + size);
  poolOffset += size;
  return out;
}

/**
 * A fresh serial of 128 random bits. A zero value is redrawn (a serial must be positive);
 * `random` is injectable so tests can pin the bytes.
 */
export function generateSerialNumber(
  random: (size: number) => Uint8Array = pooledRandom,
): SerialNumber {
  for (;;) {
    const bytes = random(16);
    if (bytes.some((b) => b !== 0)) return serialFromBytes(bytes);
  }
}
