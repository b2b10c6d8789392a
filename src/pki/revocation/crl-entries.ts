import type { CrlEntry } from "./crl-entry.js";
import { encodableTime, GENERALIZED_TIME_LENGTH, isUtcTimeEra, writeTime } from "./der-time.js";
import { TAG } from "./der-writer.js";
import { OID } from "./oids.js";
import { RevocationError } from "./revocation-error.js";
import { isRevocationReason, REVOCATION_REASON_CODES } from "./revocation-reasons.js";
import { serialContentLength, serialDigitsStart, writeSerial } from "./serial-number.js";

/**
 * The revokedCertificates list of a CRL (RFC 5280 §5.1.2.6), written into one growing buffer.
 * Every entry is under 128 octets (serial ≤ 23, time ≤ 17, extensions ≤ 42), so all lengths
 * inside an entry are single octets and the entry is sized before it is written.
 */

/** Extension { reasonCode, ENUMERATED } up to the reason value (RFC 5280 §5.3.1). */
const REASON_PREFIX = Uint8Array.from([
  0x30,
  0x0a,
  ...OID.reasonCode,
  TAG.octetString,
  3,
  TAG.enumerated,
  1,
]);
const REASON_EXTENSION_LENGTH = REASON_PREFIX.length + 1;
/** Extension { invalidityDate, GeneralizedTime } up to the time (RFC 5280 §5.3.2). */
const INVALIDITY_PREFIX = Uint8Array.from([
  0x30,
  OID.invalidityDate.length + 2 + GENERALIZED_TIME_LENGTH,
  ...OID.invalidityDate,
  TAG.octetString,
  GENERALIZED_TIME_LENGTH,
]);
const INVALIDITY_EXTENSION_LENGTH = INVALIDITY_PREFIX.length + GENERALIZED_TIME_LENGTH;
const LARGEST_ENTRY =
  2 + 23 + GENERALIZED_TIME_LENGTH + 2 + REASON_EXTENSION_LENGTH + INVALIDITY_EXTENSION_LENGTH;

class ByteSink {
  bytes = new Uint8Array(64 * 1024);
  length = 0;

  reserve(count: number): void {
    if (this.length + count <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + count));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

/**
 * Appends entries one at a time, so a caller can stream them (from a database cursor) without
 * holding them all as objects; one serial may appear only once.
 */
export class CrlEntryWriter {
  readonly #sink = new ByteSink();
  readonly #seen = new Set<string>();
  readonly #isDelta: boolean;

  constructor(isDelta: boolean) {
    this.#isDelta = isDelta;
  }

  add(entry: CrlEntry): void {
    const serial = entry.serialNumber;
    const start = serialDigitsStart(serial);
    // One serial, one entry: compare serials as written without leading zeros, in one case.
    const key = (start === 0 ? serial : serial.slice(start)).toLowerCase();
    if (this.#seen.has(key)) {
      throw new RevocationError("invalid_input", `serial number "${serial}" is listed twice`);
    }
    this.#seen.add(key);
    const sink = this.#sink;
    sink.reserve(LARGEST_ENTRY);
    sink.length = writeEntry(sink.bytes, sink.length, entry, start, this.#isDelta);
  }

  /** The encoded entries so far, concatenated (without the enclosing SEQUENCE header). */
  encoded(): Uint8Array {
    return this.#sink.bytes.subarray(0, this.#sink.length);
  }
}

/** The encoded entries, concatenated (without the enclosing SEQUENCE header). */
export function encodeCrlEntries(entries: Iterable<CrlEntry>, isDelta: boolean): Uint8Array {
  const writer = new CrlEntryWriter(isDelta);
  for (const entry of entries) writer.add(entry);
  return writer.encoded();
}

function reasonCodeOf(entry: CrlEntry, isDelta: boolean): number | undefined {
  const reason = entry.reason ?? "unspecified";
  if (!isRevocationReason(reason)) {
    throw new RevocationError("invalid_input", `"${String(reason)}" is not a CRL reason`);
  }
  if (reason === "removeFromCRL" && !isDelta) {
    throw new RevocationError("invalid_input", "removeFromCRL is only allowed in a delta CRL");
  }
  // §5.3.1: the reasonCode extension is absent rather than "unspecified".
  return reason === "unspecified" ? undefined : REVOCATION_REASON_CODES[reason];
}

function writeEntry(
  out: Uint8Array,
  start: number,
  entry: CrlEntry,
  serialStart: number,
  isDelta: boolean,
): number {
  const reasonCode = reasonCodeOf(entry, isDelta);
  const serialLength = serialContentLength(entry.serialNumber, serialStart);
  const revokedMs = encodableTime(entry.revokedAt, "a revocation date");
  const revokedAsUtc = isUtcTimeEra(revokedMs);
  const invalidityDate = entry.invalidityDate;
  if (invalidityDate !== undefined) encodableTime(invalidityDate, "an invalidity date");

  const extensionsLength =
    (reasonCode === undefined ? 0 : REASON_EXTENSION_LENGTH) +
    (invalidityDate === undefined ? 0 : INVALIDITY_EXTENSION_LENGTH);
  const contentLength =
    2 +
    serialLength +
    (revokedAsUtc ? 15 : GENERALIZED_TIME_LENGTH) +
    (extensionsLength > 0 ? 2 + extensionsLength : 0);

  let p = start;
  out[p++] = TAG.sequence;
  out[p++] = contentLength;
  p = writeSerial(out, p, entry.serialNumber, serialStart, serialLength);
  p = writeTime(out, p, entry.revokedAt, revokedAsUtc);
  if (extensionsLength > 0) {
    // crlEntryExtensions: SEQUENCE OF Extension.
    out[p++] = TAG.sequence;
    out[p++] = extensionsLength;
    if (reasonCode !== undefined) {
      out.set(REASON_PREFIX, p);
      p += REASON_PREFIX.length;
      out[p++] = reasonCode;
    }
    if (invalidityDate !== undefined) {
      out.set(INVALIDITY_PREFIX, p);
      p = writeTime(out, p + INVALIDITY_PREFIX.length, invalidityDate, false);
    }
  }
  return p;
}
