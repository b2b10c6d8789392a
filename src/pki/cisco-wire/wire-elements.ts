/**
 * The element list both protocols share: 1-byte tag, 2-byte big-endian length, value (spec §5.3,
 * §6). Decoding is bounds-checked; every failure is a coded `CiscoWireError`.
 */

import { CiscoWireError } from "./wire-errors.js";

export interface WireElement {
  tag: number;
  value: Uint8Array;
}

export function encodeElements(elements: readonly WireElement[]): Uint8Array {
  let size = 0;
  for (const { tag, value } of elements) {
    if (value.length > 0xffff) {
      throw new CiscoWireError(
        "too_large",
        `Element ${tag} is ${value.length} bytes; at most 65535.`,
      );
    }
    size += 3 + value.length;
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const { tag, value } of elements) {
    out[offset] = tag;
    out[offset + 1] = value.length >>> 8;
    out[offset + 2] = value.length & 0xff;
    out.set(value, offset + 3);
    offset += 3 + value.length;
  }
  return out;
}

export function decodeElements(bytes: Uint8Array): WireElement[] {
  const elements: WireElement[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 3 > bytes.length) {
      throw new CiscoWireError(
        "bad_element",
        `An element header at offset ${offset} is cut short.`,
      );
    }
    const tag = bytes[offset] ?? 0;
    const end = offset + 3 + (((bytes[offset + 1] ?? 0) << 8) | (bytes[offset + 2] ?? 0));
    if (end > bytes.length) {
      throw new CiscoWireError(
        "bad_element",
        `Element ${tag} at offset ${offset} overruns the message.`,
      );
    }
    elements.push({ tag, value: bytes.slice(offset + 3, end) });
    offset = end;
  }
  return elements;
}

export function uint8Value(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff);
}

export function uint16Value(value: number): Uint8Array {
  return Uint8Array.of((value >>> 8) & 0xff, value & 0xff);
}

export function uint32Value(value: number): Uint8Array {
  return Uint8Array.of(
    (value >>> 24) & 0xff,
    (value >>> 16) & 0xff,
    (value >>> 8) & 0xff,
    value & 0xff,
  );
}

export function readUint16(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
}

export function readUint32(bytes: Uint8Array, offset: number): number {
  return readUint16(bytes, offset) * 0x10000 + readUint16(bytes, offset + 2);
}

/** A fixed-size numeric element; `bad_element` when the size is wrong. */
export function fixedValue(element: WireElement, size: 1 | 2 | 4, what: string): number {
  if (element.value.length !== size) {
    throw new CiscoWireError(
      "bad_element",
      `${what} must be ${size} byte(s), got ${element.value.length}.`,
    );
  }
  if (size === 1) return element.value[0] ?? 0;
  return size === 2 ? readUint16(element.value, 0) : readUint32(element.value, 0);
}

/** Tracks element tags already seen in one message. */
export function assertFirst(seen: Set<number>, tag: number): void {
  if (seen.has(tag)) throw new CiscoWireError("duplicate_element", `Element ${tag} appears twice.`);
  seen.add(tag);
}
