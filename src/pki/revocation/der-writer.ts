import { RevocationError } from "./revocation-error.js";

/**
 * Hand-written DER (X.690 §10) for the revocation hot paths: a CRL with 100k entries or an OCSP
 * response per request is cheaper as byte concatenation than as an ASN.1 object tree. Every
 * function returns finished TLV bytes; callers nest them.
 */

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  enumerated: 0x0a,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
} as const;

/** The identifier octet of a context-specific tag: constructed for EXPLICIT and SEQUENCE bodies. */
export function contextTag(number: number, constructed: boolean): number {
  return (constructed ? 0xa0 : 0x80) | number;
}

/** Length octets: short form below 128, else the minimal long form (X.690 §10.1). */
export function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Uint8Array.from([0x80 | bytes.length, ...bytes]);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** One TLV whose value is the concatenation of `parts`. */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let valueLength = 0;
  for (const part of parts) valueLength += part.length;
  const length = encodeLength(valueLength);
  const out = new Uint8Array(1 + length.length + valueLength);
  out[0] = tag;
  out.set(length, 1);
  let offset = 1 + length.length;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function sequence(...parts: Uint8Array[]): Uint8Array {
  return tlv(TAG.sequence, ...parts);
}

/** `[n] EXPLICIT` wrapping of one encoded element. */
export function explicit(number: number, ...parts: Uint8Array[]): Uint8Array {
  return tlv(contextTag(number, true), ...parts);
}

export function octetString(value: Uint8Array): Uint8Array {
  return tlv(TAG.octetString, value);
}

/** A BIT STRING with no unused bits (signatures, key hashes are whole octets). */
export function bitString(value: Uint8Array): Uint8Array {
  return tlv(TAG.bitString, Uint8Array.of(0), value);
}

export const DER_NULL = Uint8Array.of(TAG.null, 0);
export const DER_TRUE = Uint8Array.of(TAG.boolean, 1, 0xff);

/** ENUMERATED of a small non-negative value (CRLReason, OCSPResponseStatus). */
export function enumerated(value: number): Uint8Array {
  return value < 0x80
    ? Uint8Array.of(TAG.enumerated, 1, value)
    : tlv(TAG.enumerated, unsignedIntegerBody(BigInt(value)));
}

/** INTEGER content octets of a non-negative number: minimal, with a 0x00 when the top bit is set. */
export function unsignedIntegerBody(value: bigint): Uint8Array {
  if (value < 0n) throw new RevocationError("invalid_input", "an integer here cannot be negative");
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const bytes = Buffer.from(hex, "hex");
  return (bytes[0] ?? 0) & 0x80 ? concatBytes([Uint8Array.of(0), bytes]) : new Uint8Array(bytes);
}

export function integer(value: bigint): Uint8Array {
  return tlv(TAG.integer, unsignedIntegerBody(value));
}

/** An already-encoded OBJECT IDENTIFIER from its dotted form; done once per OID at module load. */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map((arc) => BigInt(arc));
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined) throw new Error(`bad OID ${dotted}`);
  const body: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) {
    const chunk: number[] = [Number(arc & 0x7fn)];
    for (let more = arc >> 7n; more > 0n; more >>= 7n) chunk.unshift(Number(more & 0x7fn) | 0x80);
    body.push(...chunk);
  }
  return tlv(TAG.oid, Uint8Array.from(body));
}
