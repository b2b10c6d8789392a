/**
 * A strict DER reader (ITU-T X.690 §10): definite, minimal lengths, no trailing bytes. Every
 * failure is a `PkiError("bad_der")`, so bad input never becomes an unhandled exception. Nodes
 * keep the original bytes (STYLE.md §3: keep the original DER of everything parsed).
 */

import { TAG } from "./der-encode.js";
import { PkiError } from "./errors.js";

export interface DerNode {
  /** The identifier octet (class, constructed bit and tag number). */
  readonly tag: number;
  /** The whole TLV. */
  readonly bytes: Uint8Array;
  /** The content octets. */
  readonly content: Uint8Array;
}

/** Deep nesting is never legitimate in the structures we read; it only costs stack. */
const MAX_DEPTH = 32;

function fail(message: string): never {
  throw new PkiError("bad_der", message);
}

/** Reads the TLV at `offset` of `bytes`; returns it and the offset after it. */
export function readTlvAt(bytes: Uint8Array, offset: number): { node: DerNode; next: number } {
  if (offset + 2 > bytes.length) fail("the data ends inside a tag or length");
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) fail("high tag numbers are not used in these structures");
  let length = bytes[offset + 1]!;
  let headerLength = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0) fail("indefinite lengths are not allowed in DER");
    if (count > 4) fail("a length field is too long");
    if (offset + 2 + count > bytes.length) fail("the data ends inside a length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i]!;
    if (bytes[offset + 2] === 0 || length < 0x80) fail("a length is not minimally encoded");
    headerLength += count;
  }
  const start = offset + headerLength;
  const end = start + length;
  if (end > bytes.length) fail("a value is longer than the data");
  return {
    node: { tag, bytes: bytes.subarray(offset, end), content: bytes.subarray(start, end) },
    next: end,
  };
}

/** Parses `bytes` as exactly one DER value (no trailing data). */
export function readDer(bytes: Uint8Array): DerNode {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) fail("the data is empty");
  const { node, next } = readTlvAt(bytes, 0);
  if (next !== bytes.length) fail("there are extra bytes after the value");
  return node;
}

/** The elements of a constructed value. */
export function children(node: DerNode, depth = 0): DerNode[] {
  if (!(node.tag & 0x20)) fail("expected a constructed value");
  if (depth > MAX_DEPTH) fail("the structure is nested too deeply");
  const out: DerNode[] = [];
  let offset = 0;
  while (offset < node.content.length) {
    const { node: child, next } = readTlvAt(node.content, offset);
    out.push(child);
    offset = next;
  }
  return out;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node) fail(`${what} is missing`);
  if (node.tag !== tag) fail(`${what} has tag 0x${hex2(node.tag)}, expected 0x${hex2(tag)}`);
  return node;
}

function hex2(value: number): string {
  return value.toString(16).padStart(2, "0");
}

/** Children of a SEQUENCE, checked to number between `min` and `max`. */
export function sequenceItems(
  node: DerNode | undefined,
  what: string,
  min = 0,
  max = Infinity,
): DerNode[] {
  const items = children(expectTag(node, TAG.sequence, what));
  if (items.length < min || items.length > max) fail(`${what} has ${items.length} elements`);
  return items;
}

/** The unsigned magnitude of an INTEGER that must be non-negative. */
export function readUnsignedInteger(node: DerNode | undefined, what: string): Uint8Array {
  const content = expectTag(node, TAG.integer, what).content;
  if (content.length === 0) fail(`${what} is an empty INTEGER`);
  if (content.length > 1 && content[0] === 0 && !(content[1]! & 0x80)) {
    fail(`${what} is not minimally encoded`);
  }
  if (content.length > 1 && content[0] === 0xff && content[1]! & 0x80) {
    fail(`${what} is not minimally encoded`);
  }
  if (content[0]! & 0x80) fail(`${what} is negative`);
  return content[0] === 0 && content.length > 1 ? content.subarray(1) : content;
}

/** A small non-negative INTEGER as a number (versions, iteration counts, path lengths). */
export function readSmallInteger(node: DerNode | undefined, what: string): number {
  const magnitude = readUnsignedInteger(node, what);
  if (magnitude.length > 6) fail(`${what} is too large`);
  let value = 0;
  for (const byte of magnitude) value = value * 256 + byte;
  return value;
}

export function readBoolean(node: DerNode | undefined, what: string): boolean {
  const content = expectTag(node, TAG.boolean, what).content;
  if (content.length !== 1 || (content[0] !== 0 && content[0] !== 0xff)) {
    fail(`${what} is not a DER BOOLEAN`);
  }
  return content[0] === 0xff;
}

export function readOid(node: DerNode | undefined, what: string): string {
  const content = expectTag(node, TAG.oid, what).content;
  if (content.length === 0 || content[content.length - 1]! & 0x80) fail(`${what} is truncated`);
  // Arcs are read as numbers while they fit in 2^53; longer ones (UUID arcs) switch to BigInt.
  const arcs: (number | bigint)[] = [];
  let value: number | bigint = 0;
  let fresh = true;
  for (const byte of content) {
    if (fresh && byte === 0x80) fail(`${what} is not minimally encoded`);
    if (typeof value === "number" && value >= 2 ** 45) value = BigInt(value);
    value =
      typeof value === "number" ? value * 128 + (byte & 0x7f) : (value << 7n) | BigInt(byte & 0x7f);
    fresh = false;
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0;
      fresh = true;
    }
  }
  const first = arcs[0]!;
  let head: (number | bigint)[];
  if (typeof first === "bigint") head = [2, first - 80n];
  else head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join(".");
}

export function readOctetString(node: DerNode | undefined, what: string): Uint8Array {
  return expectTag(node, TAG.octetString, what).content;
}

/** A BIT STRING's bits and its unused-bit count. */
export function readBitString(
  node: DerNode | undefined,
  what: string,
): { bytes: Uint8Array; unusedBits: number } {
  const content = expectTag(node, TAG.bitString, what).content;
  if (content.length === 0) fail(`${what} is an empty BIT STRING`);
  const unusedBits = content[0]!;
  if (unusedBits > 7 || (content.length === 1 && unusedBits !== 0)) {
    fail(`${what} has an invalid unused-bits count`);
  }
  return { bytes: content.subarray(1), unusedBits };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const latin1 = new TextDecoder("latin1");

/** Any of the string types used in names and attributes, as a JS string. */
export function readString(node: DerNode | undefined, what: string): string {
  if (!node) fail(`${what} is missing`);
  try {
    switch (node.tag) {
      case TAG.utf8String:
      case TAG.printableString:
      case TAG.ia5String:
        return utf8.decode(node.content);
      case TAG.t61String:
        return latin1.decode(node.content);
      case TAG.bmpString: {
        if (node.content.length % 2) fail(`${what} has an odd BMPString length`);
        let out = "";
        for (let i = 0; i < node.content.length; i += 2) {
          out += String.fromCharCode((node.content[i]! << 8) | node.content[i + 1]!);
        }
        return out;
      }
      case TAG.universalString: {
        if (node.content.length % 4) fail(`${what} has a bad UniversalString length`);
        let out = "";
        const view = new DataView(node.content.buffer, node.content.byteOffset);
        for (let i = 0; i < node.content.length; i += 4) {
          out += String.fromCodePoint(view.getUint32(i));
        }
        return out;
      }
      default:
        fail(`${what} is not a string (tag 0x${hex2(node.tag)})`);
    }
  } catch (error) {
    if (error instanceof PkiError) throw error;
    fail(`${what} is not valid text`);
  }
}

/** UTCTime (RFC 5280 §4.1.2.5.1: YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ). */
export function readTime(node: DerNode | undefined, what: string): Date {
  if (!node) fail(`${what} is missing`);
  const text = latin1.decode(node.content);
  let match: RegExpExecArray | null;
  let year: number;
  if (node.tag === TAG.utcTime) {
    match = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text);
    if (!match) fail(`${what} is not a UTCTime of the form YYMMDDHHMMSSZ`);
    const yy = Number(match[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (node.tag === TAG.generalizedTime) {
    match = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.\d+)?Z$/.exec(text);
    if (!match) fail(`${what} is not a GeneralizedTime of the form YYYYMMDDHHMMSSZ`);
    year = Number(match[1]);
  } else {
    fail(`${what} is not a time`);
  }
  const [month, day, hour, minute, second] = match.slice(2, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    fail(`${what} is not a valid date`);
  }
  if (year < 100) date.setUTCFullYear(year);
  return date;
}
