/**
 * Coded errors of `pki/itl`. Services map `code` to an `AppError`; messages name the element or
 * rule that failed and never carry key material.
 */

/** Why a `.tlv`, `.sgn` or `.enc.sgn` file was rejected (spec §7.3, §2.5). */
export type ItlFormatErrorCode =
  /** The input ends inside an element. */
  | "truncated"
  /** Offset 0 is not HEADER_VERSION (tag 1, length 2). */
  | "bad_version_tag"
  /** Offset 5 is not HEADER_LENGTH (tag 2, length 2). */
  | "bad_length_tag"
  /** The file's header version is not the one this kind of file carries. */
  | "unsupported_version"
  /** HEADER_LENGTH is below 10, past the end of the file, or not a multiple of 4. */
  | "bad_header_length"
  /** A header element (or a container) runs past HEADER_LENGTH or past its container. */
  | "header_overrun"
  /** A header element appears twice. */
  | "duplicate_element"
  /** A fixed-size header element has the wrong size, or a string lacks its NUL. */
  | "bad_element"
  /** The serial, hash id or signature is missing from the header. */
  | "missing_element"
  /** The hash id is not 1 (SHA-1) or 3 (SHA-512). */
  | "unsupported_hash"
  /** The signature length does not match SIGNATURE_MODULUS. */
  | "bad_signature_length"
  /** A record does not start with RECORD_LENGTH, or its sub-elements do not fill it exactly. */
  | "bad_record"
  /** A record's fields disagree with its own certificate. */
  | "record_mismatch"
  /** A certificate inside the file cannot be parsed. */
  | "bad_certificate"
  /** No SAST record has the header's serial number. */
  | "missing_signer_record"
  /** More than two SAST records. */
  | "too_many_sast"
  /** The header signature does not verify against the signer's key. */
  | "bad_signature"
  /** The signer certificate given for a `.sgn` check is not the one named in the header. */
  | "signer_mismatch"
  /** The encryption block of an `.enc.sgn` is missing or inconsistent. */
  | "bad_encryption"
  /** The decrypted config does not match ENCRYPTION_HASH. */
  | "integrity_mismatch";

/** Why an ITL, CTL, `.sgn` or `.enc.sgn` could not be built (spec §2.3, §3). */
export type ItlBuildErrorCode =
  /** A certificate given to the builder cannot be parsed or has no usable key. */
  | "bad_certificate"
  /** The signing certificate is not RSA (spec §2.3: the SAST/TFTP signer must be RSA). */
  | "signer_not_rsa"
  /** The Signer's key is not the key of the signing certificate. */
  | "signer_key_mismatch"
  /** The RSA key size has no SIGNATURE_MODULUS code (spec §1.1: 512, 1024, 2048, 4096). */
  | "unsupported_key_size"
  /** A role name or code that no ITL knows. */
  | "unknown_role"
  /** A certificate was given with no role, or an empty role list. */
  | "missing_role"
  /** The same certificate appears twice with the same role. */
  | "duplicate_record"
  /** More than two SAST records (spec §2.3). */
  | "too_many_sast"
  /** A SAST record that is not RSA: a phone could never verify a file with it. */
  | "sast_not_rsa"
  /** EC certificates need SIGNER_VERSION 1.1 (spec §2.3). */
  | "ec_requires_signer_version_1_1"
  /** A record, the header or the whole file exceeds what the 16-bit lengths (or phones) allow. */
  | "too_large"
  /** The file name is empty, too long, or holds a NUL. */
  | "bad_file_name"
  /** The timestamp is not a whole number of seconds in 0..2^32-1. */
  | "bad_timestamp"
  /** The serial number of a certificate is zero (it would be an empty value, spec §1). */
  | "bad_serial"
  /** The device certificate for an `.enc.sgn` is not RSA (spec §3.2). */
  | "device_key_not_rsa"
  /** The config is not a `<device>` XML document (spec §3.2). */
  | "bad_config";

/** Base of both error kinds, so a caller can catch everything `pki/itl` raises in one place. */
export abstract class ItlError extends Error {
  abstract readonly code: ItlFormatErrorCode | ItlBuildErrorCode;
}

/** A file that does not follow spec §1–3; raised by every parser in `pki/itl`. */
export class ItlFormatError extends ItlError {
  readonly code: ItlFormatErrorCode;

  constructor(code: ItlFormatErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ItlFormatError";
    this.code = code;
  }
}

/** Input that would make a file a phone rejects; raised by every builder in `pki/itl`. */
export class ItlBuildError extends ItlError {
  readonly code: ItlBuildErrorCode;

  constructor(code: ItlBuildErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ItlBuildError";
    this.code = code;
  }
}

export function isItlError(value: unknown): value is ItlError {
  return value instanceof ItlError;
}
