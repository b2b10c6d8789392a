import { KeyStoreError, type KeyStoreErrorCode } from "../../keys/errors.js";
import { AppError, type ErrorCode } from "../../lib/errors.js";
import { isPkiError, toAppError } from "../../pki/errors.js";

/**
 * Key custody failures as API errors. A backend that is not configured here, or a key type
 * it cannot hold, is a request the server cannot carry out (422); a damaged stored key is ours
 * (500, logged with its cause, never shown).
 */
const KEY_STORE_CODES: Record<KeyStoreErrorCode, ErrorCode> = {
  key_not_found: "conflict",
  unsupported: "unprocessable",
  invalid_digest: "validation_failed",
  key_integrity: "internal_error",
  invalid_key: "bad_request",
  not_exportable: "conflict",
  backend_unavailable: "unprocessable",
};

/** Converts PKI and key custody errors to `AppError`s; anything else passes through. */
export function toServiceError(error: unknown): unknown {
  if (isPkiError(error)) return toAppError(error);
  if (error instanceof KeyStoreError) {
    const code = KEY_STORE_CODES[error.code];
    return new AppError(code, {
      ...(code === "internal_error" ? {} : { message: error.message }),
      details: [{ reason: error.code }],
      cause: error,
    });
  }
  return error;
}

/** Runs `fn`, rethrowing PKI and key custody failures as `AppError`s (STYLE.md §4). */
export async function withPkiErrors<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toServiceError(error);
  }
}
