import type { FastifyError } from "fastify";

import { AppError, isAppError, type ErrorDetail } from "../lib/errors.js";

interface AjvIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

function validationDetails(error: FastifyError): ErrorDetail[] {
  const where = error.validationContext ?? "body";
  return ((error.validation ?? []) as AjvIssue[]).map((issue) => {
    const missing = issue.keyword === "required" ? `/${String(issue.params?.missingProperty)}` : "";
    const extra =
      issue.keyword === "additionalProperties"
        ? `/${String(issue.params?.additionalProperty)}`
        : "";
    const pointer = `${issue.instancePath ?? ""}${missing}${extra}`;
    const field = pointer.replace(/^\//, "").replaceAll("/", ".") || where;
    const message =
      issue.keyword === "additionalProperties"
        ? "is not a known field"
        : (issue.message ?? "is not valid");
    return { field, location: where, message };
  });
}

/**
 * Every failure as an AppError: ours pass through, Fastify's framework errors get their stable
 * codes, and anything else becomes a generic 500 (the original stays as `cause`, for the log only).
 * Each surface renders the result in its own shape.
 */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const details = validationDetails(fastifyError);
    const first = details[0];
    const message = first ? `"${String(first.field)}" ${String(first.message)}.` : undefined;
    return new AppError("validation_failed", {
      details,
      cause: error,
      ...(message ? { message } : {}),
    });
  }
  switch (fastifyError.code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new AppError("invalid_json", { cause: error });
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new AppError("payload_too_large", { cause: error });
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new AppError("unsupported_media_type", { cause: error });
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new AppError("bad_request", {
        message: "Content-Length does not match the body.",
        cause: error,
      });
  }
  const status = fastifyError.statusCode;
  if (status === 503) return new AppError("service_unavailable", { cause: error });
  if (typeof status === "number" && status >= 400 && status < 500) {
    return new AppError(
      status === 404 ? "not_found" : status === 405 ? "method_not_allowed" : "bad_request",
      {
        cause: error,
      },
    );
  }
  return new AppError("internal_error", { cause: error });
}
