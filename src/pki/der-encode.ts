/**
 * A small DER encoder (ITU-T X.690 §10). Issuance is a hot path, so certificates and CSRs are
 * built directly as bytes instead of through an object model; every value produced here is
 * already in its one DER form (definite minimal lengths, minimal integers, sorted SET OF).
 */

import { PkiError } from "./errors.js";

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  sequence: 0x30,
  set: 0x31,
  printableString: 0x13,
  t61String: 0x14,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  universalString: 0x1c,
  bmpString: 0x1e,
} as const;

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** One TLV with the identifier octet `tag` (low tag numbers only, X.690 §8.1.2.2). */
export function tlv(tag: number, content: Uint8Array): Uint8Array {
  const length = content.length;
  let header: Uint8Array;
  if (length < 0x80) {
    header = Uint8Array.of(tag, length);
  } else {
    const lengthBytes: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256))
      lengthBytes.unshift(rest % 256);
    header = Uint8Array.of(tag, 0x80 | lengthBytes.length, ...lengthBytes);
  }
  const out = new Uint8Array(header.length + length);
  out.set(header, 0);
  out.set(content, header.length);
  return out;
}

export function sequence(...items: Uint8Array[]): Uint8Array {
  return tlv(TAG.sequence, concatBytes(items));
}

/** SET OF: DER orders the encodings as octet strings (X.690 §11.6). */
export function setOf(...items: Uint8Array[]): Uint8Array {
  const sorted = [...items].sort(compareBytes);
  return tlv(TAG.set, concatBytes(sorted));
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

/** A non-negative INTEGER from a bigint or a number. */
export function integer(value: bigint | number): Uint8Array {
  let rest = BigInt(value);
  if (rest < 0n) throw new PkiError("invalid_input", "negative integers are not encoded here");
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(rest & 0xffn));
    rest >>= 8n;
  } while (rest > 0n);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(TAG.integer, Uint8Array.from(bytes));
}

/**
 * A non-negative INTEGER from big-endian unsigned magnitude bytes: leading zero octets are
 * dropped and one is added back when the top bit is set, so the encoding is minimal (X.690 §8.3.2).
 */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  if (trimmed.length === 0) return Uint8Array.of(TAG.integer, 1, 0);
  if (trimmed[0]! & 0x80) return tlv(TAG.integer, concatBytes([Uint8Array.of(0), trimmed]));
  return tlv(TAG.integer, trimmed);
}

export function boolean(value: boolean): Uint8Array {
  return Uint8Array.of(TAG.boolean, 1, value ? 0xff : 0x00);
}

export const DER_NULL = Uint8Array.of(TAG.null, 0);

export function octetString(content: Uint8Array): Uint8Array {
  return tlv(TAG.octetString, content);
}

export function bitString(content: Uint8Array, unusedBits = 0): Uint8Array {
  return tlv(TAG.bitString, concatBytes([Uint8Array.of(unusedBits), content]));
}

const oidCache = new Map<string, Uint8Array>();

/** An OBJECT IDENTIFIER from its dotted form; encodings are cached (there are few of them). */
export function oid(dotted: string): Uint8Array {
  const cached = oidCache.get(dotted);
  if (cached) return cached;
  const arcs = dotted.split(".").map((arc) => {
    if (!/^(0|[1-9][0-9]*)$/.test(arc)) {
      throw new PkiError("invalid_input", `"${dotted}" is not a dotted object identifier`);
    }
    return BigInt(arc);
  });
  const [first, second] = arcs;
  if (arcs.length < 2 || first! > 2n || (first! < 2n && second! > 39n)) {
    throw new PkiError("invalid_input", `"${dotted}" is not a valid object identifier`);
  }
  const bytes: number[] = [];
  for (const arc of [first! * 40n + second!, ...arcs.slice(2)]) {
    const group: number[] = [Number(arc & 0x7fn)];
    for (let rest = arc >> 7n; rest > 0n; rest >>= 7n) group.unshift(Number(rest & 0x7fn) | 0x80);
    bytes.push(...group);
  }
  const encoded = tlv(TAG.oid, Uint8Array.from(bytes));
  oidCache.set(dotted, encoded);
  return encoded;
}

const encoder = new TextEncoder();

export function utf8String(value: string): Uint8Array {
  return tlv(TAG.utf8String, encoder.encode(value));
}

/** PrintableString: the caller has checked the character set (isPrintableString). */
export function printableString(value: string): Uint8Array {
  return tlv(TAG.printableString, encoder.encode(value));
}

export function ia5String(value: string): Uint8Array {
  return tlv(TAG.ia5String, encoder.encode(value));
}

/** BMPString (UTF-16BE), as PKCS#12 friendlyName attributes use it. */
export function bmpString(value: string): Uint8Array {
  return tlv(TAG.bmpString, utf16be(value));
}

export function utf16be(value: string): Uint8Array {
  const out = new Uint8Array(value.length * 2);
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    out[2 * i] = unit >> 8;
    out[2 * i + 1] = unit & 0xff;
  }
  return out;
}

export function isPrintableString(value: string): boolean {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value);
}

export function isIa5String(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** `[n]` EXPLICIT: a constructed context-specific wrapper around one encoded value. */
export function explicit(tagNumber: number, encoded: Uint8Array): Uint8Array {
  return tlv(0xa0 | tagNumber, encoded);
}

/** `[n]` IMPLICIT primitive: the content octets under a context-specific tag. */
export function implicitPrimitive(tagNumber: number, content: Uint8Array): Uint8Array {
  return tlv(0x80 | tagNumber, content);
}

/** `[n]` IMPLICIT constructed (for SEQUENCE / SET values): the content under a new tag. */
export function implicitConstructed(tagNumber: number, content: Uint8Array): Uint8Array {
  return tlv(0xa0 | tagNumber, content);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

/**
 * Time as RFC 5280 §4.1.2.5 requires: UTCTime through 2049, GeneralizedTime from 2050, always
 * in Zulu with seconds and no fraction. Milliseconds are dropped (truncated).
 */
export function x509Time(date: Date): Uint8Array {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new PkiError("invalid_input", "the date is not valid");
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 9999) {
    throw new PkiError("invalid_input", `the year ${year} cannot be used in a certificate`);
  }
  const rest =
    pad(date.getUTCMonth() + 1, 2) +
    pad(date.getUTCDate(), 2) +
    pad(date.getUTCHours(), 2) +
    pad(date.getUTCMinutes(), 2) +
    pad(date.getUTCSeconds(), 2) +
    "Z";
  if (year < 2050) return tlv(TAG.utcTime, encoder.encode(pad(year % 100, 2) + rest));
  return tlv(TAG.generalizedTime, encoder.encode(pad(year, 4) + rest));
}

/** GeneralizedTime regardless of year (e.g. for structures that never use UTCTime). */
export function generalizedTime(date: Date): Uint8Array {
  const iso = date.toISOString();
  const compact = iso.slice(0, 19).replace(/[-:T]/g, "") + "Z";
  return tlv(TAG.generalizedTime, encoder.encode(compact));
}
