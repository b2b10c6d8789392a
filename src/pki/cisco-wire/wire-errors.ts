/**
 * Coded errors of the CAPF and TVS wire codecs. A protocol server closes the session on any of
 * them; the code says why, for the session log. Messages never carry key material or passwords.
 */

export type CiscoWireErrorCode =
  /** The bytes end before the header or the elements it announces. */
  | "truncated"
  /** The message is larger than the configured bound. */
  | "too_large"
  /** The first byte is not the protocol id (0x55 CAPF, 0x57 TVS), or the TVS version is not 1. */
  | "bad_protocol"
  /** The header's length does not match the bytes given. */
  | "bad_length"
  /** The command byte is not one the protocol defines, or not the one expected. */
  | "unknown_command"
  /** An element overruns the message, has the wrong size, or holds an invalid value. */
  | "bad_element"
  /** A known element appears twice. */
  | "duplicate_element"
  /** An element the message needs is absent. */
  | "missing_element";

export class CiscoWireError extends Error {
  readonly code: CiscoWireErrorCode;

  constructor(code: CiscoWireErrorCode, message: string) {
    super(message);
    this.name = "CiscoWireError";
    this.code = code;
  }
}

export function isCiscoWireError(value: unknown): value is CiscoWireError {
  return value instanceof CiscoWireError;
}
