import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

import { AppError, type ErrorDetail } from "../../lib/errors.js";
import { toAppError } from "../errors.js";

export interface NativeErrorBody {
  error: { code: string; message: string; details: ErrorDetail[]; request_id: string };
}

/** Logs server faults with their cause; client errors at debug level only. */
export function logFailure(request: FastifyRequest, appError: AppError, original: unknown): void {
  if (appError.status >= 500) {
    request.log.error({ err: original }, "request failed");
  } else {
    request.log.debug({ code: appError.code }, "request refused");
  }
}

function sendNative(request: FastifyRequest, reply: FastifyReply, appError: AppError) {
  const body: NativeErrorBody = {
    error: {
      code: appError.code,
      message: appError.message,
      details: appError.details,
      request_id: request.id,
    },
  };
  return reply
    .code(appError.status)
    .headers(appError.headers)
    .type("application/json; charset=utf-8")
    .send(body);
}

/**
 * The one renderer of the native error shape (seed 004 §07). Compat and protocol scopes install
 * their own handler in their encapsulation context and reuse `toAppError`.
 */
export function registerNativeErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    logFailure(request, appError, error);
    return sendNative(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendNative(
      request,
      reply,
      new AppError("not_found", {
        message: `No route ${request.method} ${request.url.split("?")[0] ?? ""}.`,
        details: [{ method: request.method, path: request.url.split("?")[0] }],
      }),
    ),
  );
}
