import { AppError, type ErrorCode, type ErrorDetail } from "../lib/errors.js";

/**
 * Errors raised by the pure PKI core. Services turn them into an `AppError` with
 * `toAppError` (STYLE.md §4); messages name what was wrong, never key material or passwords.
 */
export type PkiErrorCode =
  /** Text that should be PEM is not (bad armour, label, base64 or headers). */
  | "bad_pem"
  /** Bytes that should be DER are not, or the ASN.1 structure is not the expected one. */
  | "bad_der"
  /** A PKCS#10 request that is malformed, uses an unsupported key or fails its signature. */
  | "bad_csr"
  /** A certificate that cannot be parsed or whose signature does not verify. */
  | "bad_certificate"
  /** A PKCS#12 file or JKS store that is malformed or uses an algorithm we do not read. */
  | "bad_keystore"
  /** The password does not open the PKCS#12 file (MAC or decryption failed). */
  | "wrong_password"
  /** A key whose type is not one of KEY_TYPES (signer.ts), or a key that does not fit. */
  | "unsupported_key"
  /** Caller input the builder refuses (bad SAN, subject too long, validity inverted...). */
  | "invalid_input";

export class PkiError extends Error {
  readonly code: PkiErrorCode;
  readonly details: ErrorDetail[];

  constructor(
    code: PkiErrorCode,
    message: string,
    options: { details?: ErrorDetail[]; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "PkiError";
    this.code = code;
    this.details = options.details ?? [];
  }
}

export function isPkiError(value: unknown): value is PkiError {
  return value instanceof PkiError;
}

const APP_CODE: Record<PkiErrorCode, ErrorCode> = {
  bad_pem: "bad_request",
  bad_der: "bad_request",
  bad_csr: "bad_csr",
  bad_certificate: "bad_request",
  bad_keystore: "bad_request",
  wrong_password: "bad_request",
  unsupported_key: "validation_failed",
  invalid_input: "validation_failed",
};

/** The API error for a PKI error: every PKI failure is the caller's input, so a 4xx. */
export function toAppError(error: PkiError): AppError {
  return new AppError(APP_CODE[error.code], {
    message: error.message,
    details: [{ reason: error.code }, ...error.details],
    cause: error,
  });
}

/**
 * Runs `parse` and re-labels any `bad_der` failure with `code`, so a caller learns that "the
 * CSR" (not "some DER") is broken, while keeping the precise reason as the cause.
 */
export function relabelDerErrors<T>(code: PkiErrorCode, what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (isPkiError(error) && error.code === "bad_der") {
      throw new PkiError(code, `${what} is malformed: ${error.message}`, {
        details: error.details,
        cause: error,
      });
    }
    throw error;
  }
}
