import { TAG } from "./der-writer.js";
import { RevocationError } from "./revocation-error.js";

/**
 * Times as RFC 5280 §4.1.2.5 and RFC 6960 write them: UTC, whole seconds, "Z", no fraction.
 * Sub-second parts are dropped (floored), so a time never lands after the instant it records.
 * Digits are written straight into the output: a 100k-entry CRL formats 100k dates.
 */

const UTC_TIME_START_MS = Date.UTC(1950, 0, 1);
const UTC_TIME_END_MS = Date.UTC(2050, 0, 1);
const GENERALIZED_TIME_END_MS = Date.UTC(10000, 0, 1);
const ZERO = 0x30;
const LETTER_Z = 0x5a;

/** UTCTime is 13 octets of content, GeneralizedTime 15; each is 2 more with tag and length. */
export const UTC_TIME_LENGTH = 15;
export const GENERALIZED_TIME_LENGTH = 17;

/** The milliseconds of `date`, or an "invalid_input" error when DER cannot carry it. */
export function encodableTime(date: Date, what: string): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (!Number.isFinite(ms) || ms < UTC_TIME_START_MS || ms >= GENERALIZED_TIME_END_MS) {
    throw new RevocationError("invalid_input", `${what} is not a valid date between 1950 and 9999`);
  }
  return ms;
}

/** Whether RFC 5280 §4.1.2.5 writes this instant as UTCTime (1950 through 2049). */
export function isUtcTimeEra(ms: number): boolean {
  return ms < UTC_TIME_END_MS;
}

function putTwo(out: Uint8Array, pos: number, value: number): void {
  out[pos] = ZERO + Math.floor(value / 10);
  out[pos + 1] = ZERO + (value % 10);
}

/**
 * Writes the TLV of a time (already checked by `encodableTime`) at `pos` and returns the position after it: UTCTime when
 * `utcTime`, GeneralizedTime otherwise. `out` must have room (see the *_LENGTH constants).
 */
export function writeTime(out: Uint8Array, pos: number, date: Date, utcTime: boolean): number {
  const year = date.getUTCFullYear();
  let p = pos;
  out[p++] = utcTime ? TAG.utcTime : TAG.generalizedTime;
  out[p++] = utcTime ? 13 : 15;
  if (!utcTime) {
    putTwo(out, p, Math.floor(year / 100));
    p += 2;
  }
  putTwo(out, p, year % 100);
  putTwo(out, p + 2, date.getUTCMonth() + 1);
  putTwo(out, p + 4, date.getUTCDate());
  putTwo(out, p + 6, date.getUTCHours());
  putTwo(out, p + 8, date.getUTCMinutes());
  putTwo(out, p + 10, date.getUTCSeconds());
  out[p + 12] = LETTER_Z;
  return p + 13;
}

/** GeneralizedTime YYYYMMDDHHMMSSZ (RFC 5280 §4.1.2.5.2; RFC 6960 uses it for every time). */
export function generalizedTime(date: Date, what = "a time"): Uint8Array {
  const out = new Uint8Array(GENERALIZED_TIME_LENGTH);
  encodableTime(date, what);
  writeTime(out, 0, date, false);
  return out;
}

/**
 * `Time ::= CHOICE { utcTime, generalTime }` as RFC 5280 §5.1.2.4 requires for CRL dates:
 * UTCTime (two-digit year) through 2049, GeneralizedTime from 2050.
 */
export function x509Time(date: Date, what = "a time"): Uint8Array {
  const ms = encodableTime(date, what);
  const utc = isUtcTimeEra(ms);
  const out = new Uint8Array(utc ? UTC_TIME_LENGTH : GENERALIZED_TIME_LENGTH);
  writeTime(out, 0, date, utc);
  return out;
}
