/**
 * The API error for an `ItlError`, in the same shape as `toAppError` in `pki/errors.ts`: every
 * failure here comes from the caller's certificates, keys or file, so a 4xx with the precise
 * reason in `details`.
 */

import { AppError, type ErrorCode } from "../../lib/errors.js";

import type { ItlBuildErrorCode, ItlError, ItlFormatErrorCode } from "./itl-errors.js";

const APP_CODE: Record<ItlBuildErrorCode | ItlFormatErrorCode, ErrorCode> = {
  // Input the caller can fix in the request.
  bad_certificate: "bad_request",
  unknown_role: "validation_failed",
  missing_role: "validation_failed",
  duplicate_record: "validation_failed",
  too_many_sast: "validation_failed",
  ec_requires_signer_version_1_1: "validation_failed",
  too_large: "validation_failed",
  bad_file_name: "validation_failed",
  bad_timestamp: "validation_failed",
  bad_serial: "validation_failed",
  bad_config: "validation_failed",
  // Valid requests that the configured or given keys cannot carry out.
  signer_not_rsa: "unprocessable",
  signer_key_mismatch: "unprocessable",
  unsupported_key_size: "unprocessable",
  sast_not_rsa: "unprocessable",
  device_key_not_rsa: "unprocessable",
  // A file the caller sent that does not follow the format.
  truncated: "bad_request",
  bad_version_tag: "bad_request",
  bad_length_tag: "bad_request",
  unsupported_version: "bad_request",
  bad_header_length: "bad_request",
  header_overrun: "bad_request",
  duplicate_element: "bad_request",
  bad_element: "bad_request",
  missing_element: "bad_request",
  unsupported_hash: "bad_request",
  bad_signature_length: "bad_request",
  bad_record: "bad_request",
  record_mismatch: "bad_request",
  missing_signer_record: "bad_request",
  bad_signature: "bad_request",
  signer_mismatch: "bad_request",
  bad_encryption: "bad_request",
  integrity_mismatch: "bad_request",
};

export function itlErrorToAppError(error: ItlError): AppError {
  return new AppError(APP_CODE[error.code], {
    message: error.message,
    details: [{ reason: error.code }],
    cause: error,
  });
}
