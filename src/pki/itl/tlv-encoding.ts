/**
 * Building blocks of the Cisco TLV encoding (spec §1): a 1-byte tag, a 2-byte big-endian length,
 * then the value. Values longer than 65535 bytes cannot be expressed and are refused.
 */

import { ItlBuildError } from "./itl-errors.js";

export const MAX_TLV_VALUE = 0xffff;

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

export function uint16(value: number): Uint8Array {
  return Uint8Array.of((value >>> 8) & 0xff, value & 0xff);
}

export function uint32(value: number): Uint8Array {
  return Uint8Array.of(
    (value >>> 24) & 0xff,
    (value >>> 16) & 0xff,
    (value >>> 8) & 0xff,
    value & 0xff,
  );
}

/** One element: tag, BE16 length, value. */
export function tlv(tag: number, value: Uint8Array): Uint8Array {
  if (value.length > MAX_TLV_VALUE) {
    throw new ItlBuildError(
      "too_large",
      `Element ${tag} would be ${value.length} bytes; a TLV value holds at most ${MAX_TLV_VALUE}.`,
    );
  }
  return concatBytes([Uint8Array.of(tag), uint16(value.length), value]);
}

export function tlvUint8(tag: number, value: number): Uint8Array {
  return tlv(tag, Uint8Array.of(value));
}

export function tlvUint16(tag: number, value: number): Uint8Array {
  return tlv(tag, uint16(value));
}

export function tlvUint32(tag: number, value: number): Uint8Array {
  return tlv(tag, uint32(value));
}

/** A string element: UTF-8 followed by one NUL, which the length counts (spec §1). */
export function tlvString(tag: number, value: string): Uint8Array {
  return tlv(tag, concatBytes([new TextEncoder().encode(value), Uint8Array.of(0)]));
}

/** A container: its length is the total size of the TLVs nested inside (spec §1). */
export function tlvContainer(tag: number, children: readonly Uint8Array[]): Uint8Array {
  return tlv(tag, concatBytes(children));
}

export function readUint16(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
}

export function readUint32(bytes: Uint8Array, offset: number): number {
  return readUint16(bytes, offset) * 0x10000 + readUint16(bytes, offset + 2);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}
