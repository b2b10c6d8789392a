import { KeyStoreError } from "./errors.js";

/**
 * PKCS#11 CKM_ECDSA returns r‖s, each of the order length (PKCS#11 v2.40 Mechanisms §2.3.1);
 * X.509 and CMS carry `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (RFC 3279
 * §2.2.3). These convert between the two.
 */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0) {
    throw new KeyStoreError("unsupported", "an r||s ECDSA signature has an even, non-zero length");
  }
  const half = raw.length / 2;
  const r = raw.subarray(0, half);
  const s = raw.subarray(half);
  const rLength = derIntegerContentLength(r);
  const sLength = derIntegerContentLength(s);
  const body = 1 + derLengthSize(rLength) + rLength + 1 + derLengthSize(sLength) + sLength;
  const out = new Uint8Array(1 + derLengthSize(body) + body);
  let pos = writeHeader(out, 0, 0x30, body);
  pos = writeInteger(out, pos, r, rLength);
  writeInteger(out, pos, s, sLength);
  return out;
}

/** The r‖s form of a DER ECDSA signature, each half left-padded to `orderLength` bytes. */
export function ecdsaDerToRaw(der: Uint8Array, orderLength: number): Uint8Array {
  const fail = (): never => {
    throw new KeyStoreError("unsupported", "not a DER ECDSA signature");
  };
  let pos = 0;
  const readLength = (): number => {
    const first = der[pos++] ?? fail();
    if (first < 0x80) return first;
    const count = first & 0x7f;
    if (count === 0 || count > 2) fail();
    let value = 0;
    for (let i = 0; i < count; i++) value = (value << 8) | (der[pos++] ?? fail());
    return value;
  };
  if (der[pos++] !== 0x30) fail();
  if (readLength() !== der.length - pos) fail();
  const out = new Uint8Array(orderLength * 2);
  for (const offset of [0, orderLength]) {
    if (der[pos++] !== 0x02) fail();
    const length = readLength();
    let value = der.subarray(pos, pos + length);
    pos += length;
    while (value.length > 0 && value[0] === 0) value = value.subarray(1);
    if (value.length > orderLength) fail();
    out.set(value, offset + orderLength - value.length);
  }
  if (pos !== der.length) fail();
  return out;
}

/** Content octets of a DER INTEGER for an unsigned big-endian value (X.690 §8.3). */
function derIntegerContentLength(unsigned: Uint8Array): number {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  // A set top bit would read as negative: prefix a zero octet (X.690 §8.3.2).
  return unsigned.length - start + ((unsigned[start]! & 0x80) !== 0 ? 1 : 0);
}

function writeInteger(out: Uint8Array, pos: number, unsigned: Uint8Array, length: number): number {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  pos = writeHeader(out, pos, 0x02, length);
  const significant = unsigned.length - start;
  // Zero-initialised: a leading 0x00 (sign octet) needs no write.
  out.set(unsigned.subarray(start), pos + length - significant);
  return pos + length;
}

function writeHeader(out: Uint8Array, pos: number, tag: number, length: number): number {
  out[pos++] = tag;
  if (length < 0x80) {
    out[pos++] = length;
  } else if (length < 0x100) {
    out[pos++] = 0x81;
    out[pos++] = length;
  } else {
    out[pos++] = 0x82;
    out[pos++] = length >> 8;
    out[pos++] = length & 0xff;
  }
  return pos;
}

function derLengthSize(length: number): number {
  return length < 0x80 ? 1 : length < 0x100 ? 2 : 3;
}
