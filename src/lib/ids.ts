import { randomBytes } from "node:crypto";

/**
 * Sortable, type-prefixed identifiers: `prj_01JD3…`. The body is a ULID (48-bit millisecond
 * time + 80 random bits, Crockford base32), so ids sort by creation time across nodes and
 * cursor pagination "by id" follows insertion order. Within one millisecond in one process the
 * random part is incremented, keeping ids strictly increasing.
 */

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export const ID_PREFIXES = [
  "prj",
  "job",
  "sch",
  "usr",
  "key",
  "ses",
  "aud",
  "ca",
  "cert",
  "prf",
  "op",
  "cred",
  "dev",
] as const;
export type IdPrefix = (typeof ID_PREFIXES)[number];

let lastTime = -1;
let lastRandom: Uint8Array = new Uint8Array(10);

function encodeTime(ms: number): string {
  let out = "";
  let value = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[value % 32]! + out;
    value = Math.floor(value / 32);
  }
  return out;
}

/** Five bytes from `offset` (40 bits, exact in a double) as 8 base32 characters. */
function encode40Bits(bytes: Uint8Array, offset: number): string {
  let value = 0;
  for (let i = offset; i < offset + 5; i++) value = value * 256 + bytes[i]!;
  let out = "";
  for (let i = 0; i < 8; i++) {
    out = ALPHABET[value % 32]! + out;
    value = Math.floor(value / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  // 80 bits → 16 base32 characters, most significant first: two 40-bit halves, without BigInt
  // (ids are minted several times per request).
  return encode40Bits(bytes, 0) + encode40Bits(bytes, 5);
}

function incrementRandom(bytes: Uint8Array): Uint8Array {
  const next = Uint8Array.from(bytes);
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i]! < 255) {
      next[i]! += 1;
      return next;
    }
    next[i] = 0;
  }
  return randomBytes(10); // overflowed 2^80 ids in one millisecond: start a fresh sequence
}

/** A new ULID body (26 characters) for time `ms`. */
export function ulid(ms: number = Date.now()): string {
  if (ms <= lastTime) {
    lastRandom = incrementRandom(lastRandom);
  } else {
    lastTime = ms;
    lastRandom = randomBytes(10);
  }
  return encodeTime(Math.max(ms, lastTime)) + encodeRandom(lastRandom);
}

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}

const ID_PATTERN = /^[a-z]{2,5}_[0-9A-HJKMNP-TV-Z]{26}$/;

export function isWellFormedId(value: string, prefix?: IdPrefix): boolean {
  return ID_PATTERN.test(value) && (prefix === undefined || value.startsWith(`${prefix}_`));
}
