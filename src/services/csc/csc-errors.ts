import { AppError, type ErrorCode } from "../../lib/errors.js";

/**
 * CSC error codes (csc-api-v2.md §3). Services raise them as `AppError`s whose first detail
 * carries the CSC code, so the one error type stays (STYLE.md §4) and the `/csc/v2` scope can
 * render `{"error","error_description"}` with the exact spec texts, which clients compare.
 */
export type CscErrorCode =
  | "invalid_request"
  | "invalid_token"
  | "expired_token"
  | "invalid_grant"
  | "invalid_pin"
  | "invalid_otp"
  | "invalid_authentication_data"
  | "authentication_error"
  | "access_denied"
  | "server_error"
  | "temporarily_unavailable"
  | "not_implemented";

const STATUS_CODE: Record<number, ErrorCode> = {
  400: "bad_request",
  401: "unauthenticated",
  403: "forbidden",
  429: "rate_limited",
  501: "internal_error",
  503: "service_unavailable",
};

export function cscError(code: CscErrorCode, description: string, status = 400): AppError {
  return new AppError(STATUS_CODE[status] ?? "bad_request", {
    message: description,
    details: [{ csc_error: code, csc_status: status }],
  });
}

/** 400 `invalid_request` with one of the spec's standard descriptions. */
export function invalidRequest(description: string): AppError {
  return cscError("invalid_request", description);
}

export const missingString = (name: string): AppError =>
  invalidRequest(`Missing (or invalid type) string parameter ${name}`);

export const invalidParameter = (name: string): AppError =>
  invalidRequest(`Invalid parameter ${name}`);

/** The CSC code and status an `AppError` carries, when a CSC service raised it. */
export function cscErrorOf(error: AppError): { code: string; status: number } | null {
  const detail = error.details[0];
  if (detail && typeof detail.csc_error === "string" && typeof detail.csc_status === "number") {
    return { code: detail.csc_error, status: detail.csc_status };
  }
  return null;
}
