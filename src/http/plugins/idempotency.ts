import type { FastifyInstance, FastifyRequest } from "fastify";

import { AppError } from "../../lib/errors.js";
import {
  hashRequest,
  type IdempotencyService,
} from "../../services/idempotency/idempotency.service.js";
import type { IdempotentRequest } from "../../services/idempotency/idempotency.types.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Set while this request holds an Idempotency-Key claim. */
    idempotentRequest: IdempotentRequest | null;
  }
  interface FastifyContextConfig {
    /** false for routes whose responses must not be stored (downloads holding private keys). */
    idempotency?: boolean;
  }
}

const MUTATIONS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** Headers replayed with a stored response. */
const KEPT_HEADERS = ["content-type", "location"];

export interface IdempotencyPluginDeps {
  idempotency: IdempotencyService;
  /** The caller the key belongs to: keys are per principal. */
  scopeOf(request: FastifyRequest): string;
}

/**
 * `Idempotency-Key` on every mutation (seed 004 §09): replays the stored response within 24 h,
 * success or error; another request under the same key is a 409; concurrent duplicates run once.
 * Server errors (5xx) are not stored, so a retry can succeed.
 */
export function registerIdempotency(app: FastifyInstance, deps: IdempotencyPluginDeps): void {
  app.decorateRequest("idempotentRequest", null);

  app.addHook("preHandler", async (request, reply) => {
    if (!MUTATIONS.has(request.method) || request.routeOptions.config.idempotency === false) return;
    const header = request.headers["idempotency-key"];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined || !KEY_PATTERN.test(key)) {
      throw new AppError("validation_failed", {
        message: "Idempotency-Key must be 1 to 255 visible ASCII characters.",
        details: [{ field: "Idempotency-Key", location: "headers" }],
      });
    }
    const claim: IdempotentRequest = {
      scope: deps.scopeOf(request),
      key,
      method: request.method,
      path: request.url,
      requestHash: hashRequest(request.method, request.url, request.body),
    };
    const outcome = await deps.idempotency.begin(claim);
    if (outcome.kind === "replay") {
      const { status, headers, body } = outcome.response;
      return reply
        .code(status)
        .headers({ ...headers, "idempotent-replayed": "true" })
        .send(body);
    }
    request.idempotentRequest = claim;
  });

  app.addHook("onSend", async (request, reply, payload) => {
    const claim = request.idempotentRequest;
    if (!claim) return payload;
    request.idempotentRequest = null;
    if (reply.statusCode >= 500 || typeof payload !== "string") {
      await deps.idempotency.release(claim);
      return payload;
    }
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    await deps.idempotency.complete(claim, { status: reply.statusCode, headers, body: payload });
    return payload;
  });

  // A request that never reached onSend (client gone mid-way) must not hold its key forever.
  const releaseUnfinished = async (request: FastifyRequest) => {
    const claim = request.idempotentRequest;
    if (!claim) return;
    request.idempotentRequest = null;
    await deps.idempotency.release(claim);
  };
  app.addHook("onResponse", releaseUnfinished);
  app.addHook("onRequestAbort", releaseUnfinished);
}
