import { TAG } from "./der-writer.js";
import { RevocationError } from "./revocation-error.js";

/**
 * Certificate serial numbers given as hex (any case, no separators), written as DER INTEGERs.
 * CRL building writes one per revoked certificate, so these work on the string in place and
 * allocate nothing per serial.
 */

/** RFC 5280 §4.1.2.2: conforming serial numbers are at most 20 octets. */
const MAX_SERIAL_DIGITS = 40;

function nibble(hex: string, index: number): number {
  const code = hex.charCodeAt(index);
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

function badSerial(serialHex: unknown, why: string): never {
  const shown = typeof serialHex === "string" ? serialHex.slice(0, 64) : typeof serialHex;
  throw new RevocationError("invalid_input", `serial number "${shown}" ${why}`);
}

/**
 * Checks a hex serial and returns the index of its first significant digit (leading zeros
 * skipped, one zero kept for the serial 0). Fails with "invalid_input" for anything but
 * 1 to 40 significant hex digits.
 */
export function serialDigitsStart(serialHex: string): number {
  if (typeof serialHex !== "string" || serialHex.length === 0) badSerial(serialHex, "is not hex");
  let start = 0;
  while (start < serialHex.length - 1 && serialHex.charCodeAt(start) === 0x30) start++;
  if (serialHex.length - start > MAX_SERIAL_DIGITS)
    badSerial(serialHex, "is longer than 20 octets");
  for (let i = start; i < serialHex.length; i++) {
    if (nibble(serialHex, i) < 0) badSerial(serialHex, "is not hex");
  }
  return start;
}

/**
 * The INTEGER content length of a checked serial: its octets, plus a 0x00 in front when the
 * top bit is set, since serials are positive (RFC 5280 §4.1.2.2, X.690 §8.3.2).
 */
export function serialContentLength(serialHex: string, start: number): number {
  const digits = serialHex.length - start;
  const first =
    digits % 2 === 1
      ? nibble(serialHex, start)
      : (nibble(serialHex, start) << 4) | nibble(serialHex, start + 1);
  return ((digits + 1) >> 1) + (first & 0x80 ? 1 : 0);
}

/** Writes the INTEGER TLV of a checked serial at `pos`; returns the position after it. */
export function writeSerial(
  out: Uint8Array,
  pos: number,
  serialHex: string,
  start: number,
  contentLength: number,
): number {
  const digits = serialHex.length - start;
  const octets = (digits + 1) >> 1;
  let p = pos;
  out[p++] = TAG.integer;
  out[p++] = contentLength;
  if (contentLength > octets) out[p++] = 0;
  let i = start;
  if (digits % 2 === 1) out[p++] = nibble(serialHex, i++);
  for (; i < serialHex.length; i += 2)
    out[p++] = (nibble(serialHex, i) << 4) | nibble(serialHex, i + 1);
  return p;
}

/**
 * The DER INTEGER of a certificate serial number given as hex; the inverse of `integerToHex`
 * for every conforming (positive) serial.
 */
export function serialNumberDer(serialHex: string): Uint8Array {
  const start = serialDigitsStart(serialHex);
  const contentLength = serialContentLength(serialHex, start);
  const out = new Uint8Array(2 + contentLength);
  writeSerial(out, 0, serialHex, start, contentLength);
  return out;
}
