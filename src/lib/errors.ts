/**
 * The one error type services raise. Every code is declared once here with its HTTP status and
 * default message; each surface (native API, compat adapters, ACME, CSC) maps it to its own shape.
 */

export const ERROR_CODES = {
  validation_failed: { status: 400, message: "The request is not valid." },
  invalid_json: { status: 400, message: "The request body is not valid JSON." },
  invalid_cursor: { status: 400, message: "The cursor is not valid; start again without it." },
  bad_csr: { status: 400, message: "The certificate signing request is not valid." },
  bad_request: { status: 400, message: "The request cannot be processed." },
  unauthenticated: { status: 401, message: "Authentication is required." },
  forbidden: { status: 403, message: "You are not allowed to do this." },
  csrf_failed: { status: 403, message: "The CSRF token is missing or wrong." },
  not_found: { status: 404, message: "Not found." },
  method_not_allowed: { status: 405, message: "This method is not allowed here." },
  conflict: { status: 409, message: "The request conflicts with the current state." },
  idempotency_mismatch: {
    status: 409,
    message: "This Idempotency-Key was already used with a different request.",
  },
  idempotency_in_progress: {
    status: 409,
    message: "A request with this Idempotency-Key is still being processed; retry shortly.",
  },
  payload_too_large: { status: 413, message: "The request body is too large." },
  unsupported_media_type: {
    status: 415,
    message: "Send the request body as application/json.",
  },
  policy_violation: { status: 422, message: "The request breaks this project's policy." },
  unprocessable: { status: 422, message: "The request cannot be carried out." },
  rate_limited: { status: 429, message: "Too many requests; retry later." },
  internal_error: { status: 500, message: "An internal error occurred." },
  service_unavailable: { status: 503, message: "The service is temporarily unavailable." },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Structured context for a client: a failing field, a broken rule, a limit. */
export type ErrorDetail = Record<string, unknown>;

export interface AppErrorOptions {
  message?: string;
  details?: ErrorDetail[];
  cause?: unknown;
  /** Extra response headers the surface should send (e.g. Retry-After). */
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[];
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.message ?? ERROR_CODES[code].message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = options.details ?? [];
    this.headers = options.headers ?? {};
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

export function notFound(resource: string, id?: string): AppError {
  const message = id === undefined ? `The ${resource} was not found.` : `No ${resource} "${id}".`;
  return new AppError("not_found", { message, details: [{ resource, ...(id ? { id } : {}) }] });
}

export function conflict(message: string, details: ErrorDetail[] = []): AppError {
  return new AppError("conflict", { message, details });
}

export function validationFailed(message: string, details: ErrorDetail[] = []): AppError {
  return new AppError("validation_failed", { message, details });
}

export function badRequest(message: string, details: ErrorDetail[] = []): AppError {
  return new AppError("bad_request", { message, details });
}
