import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

import { AppError } from "../../../lib/errors.js";
import type { CscAuthService, CscAuthentication } from "../../../services/csc/csc-auth.service.js";
import type { CscConfigService } from "../../../services/csc/csc-config.service.js";
import { cscErrorOf, invalidRequest } from "../../../services/csc/csc-errors.js";
import type { CscSigningService } from "../../../services/csc/csc-signing.service.js";
import { toAppError } from "../../errors.js";
import { requestContext } from "../../plugins/access-control.js";
import { logFailure } from "../../plugins/error-handler.js";

import { cscAuthRoutes } from "./csc-auth.routes.js";
import { cscCredentialRoutes } from "./csc-credentials.routes.js";
import { cscSignatureRoutes } from "./csc-signatures.routes.js";

export interface CscRouteDeps {
  cscAuth: CscAuthService;
  cscSigning: CscSigningService;
  cscConfig: Pick<CscConfigService, "getConfig">;
  /** Where `info.logo` points (the native API serves the image). */
  logoUrl: string;
}

/** The CSC error body (csc-api-v2.md §3). */
export interface CscErrorBody {
  error: string;
  error_description: string;
}

/** Our error codes, when a service did not name a CSC code itself. */
function cscShape(error: AppError): { status: number; body: CscErrorBody } {
  const own = cscErrorOf(error);
  if (own)
    return { status: own.status, body: { error: own.code, error_description: error.message } };
  const generic = (status: number, code: string, description: string) => ({
    status,
    body: { error: code, error_description: description },
  });
  switch (error.code) {
    case "unauthenticated":
      return generic(401, "invalid_token", error.message);
    case "forbidden":
      return generic(403, "access_denied", error.message);
    case "rate_limited":
      return generic(429, "temporarily_unavailable", error.message);
    case "service_unavailable":
      return generic(503, "temporarily_unavailable", error.message);
    case "internal_error":
      return generic(500, "server_error", "An internal error occurred");
    default:
      // Malformed JSON, a wrong content type, a body too large, bad input: all 400 (§3).
      return generic(400, "invalid_request", error.message);
  }
}

/**
 * `Authorization: Bearer <token>`; anything else is 400 "Malformed authorization header" (§3).
 * An API key caller is also set as the request's principal, so its usage counters move as they
 * do on the native API.
 */
export async function authenticateCsc(
  request: FastifyRequest,
  cscAuth: CscAuthService,
): Promise<CscAuthentication> {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw invalidRequest("Malformed authorization header");
  const authentication = await cscAuth.authenticate(match[1], requestContext(request));
  if (authentication.principal) request.principal = authentication.principal;
  return authentication;
}

/** Every `/csc/v2` route: public for the native hook, authenticated by the CSC handlers. */
export const CSC_ROUTE = {
  config: {
    access: { public: true, ownAuthentication: true },
    // Native idempotency keys its records by the native principal, which CSC callers do not
    // have: a replay could hand one caller's token or signatures to another. CSC has none.
    idempotency: false,
  },
  // The CSC API is its own published specification, not part of the native OpenAPI document.
  schema: { hide: true },
} as const;

function sendCscError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const appError = toAppError(error);
  logFailure(request, appError, error);
  const { status, body } = cscShape(appError);
  return reply
    .code(status)
    .headers(appError.headers)
    .type("application/json; charset=utf-8")
    .send(body);
}

/**
 * The `/csc/v2` surface (issue 7): its own encapsulation scope with its own error shape
 * (`{"error","error_description"}`), as STYLE.md §4 asks of protocol surfaces.
 */
export async function cscRoutes(app: FastifyInstance, deps: CscRouteDeps): Promise<void> {
  await app.register(
    (scope, _options, done) => {
      scope.setErrorHandler((error, request, reply) => sendCscError(request, reply, error));
      // Lenient like the clients we must serve (csc-api-v2.md §1, seed 001): `curl -d ''` sends
      // an empty form-encoded body, and some clients label JSON as text. Any content type is
      // read as JSON here; an empty body is no body. application/json keeps the root parser.
      scope.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => {
        const text = (body as string).trim();
        if (text.length === 0) {
          done(null, undefined);
          return;
        }
        try {
          done(null, JSON.parse(text) as unknown);
        } catch {
          done(new AppError("invalid_json"), undefined);
        }
      });
      // Methods we do not implement: 501 (§3 recommendation; the code is our own).
      scope.setNotFoundHandler((request, reply) =>
        reply
          .code(501)
          .type("application/json; charset=utf-8")
          .send({
            error: "not_implemented",
            error_description: `The method ${request.url.split("?")[0] ?? ""} is not implemented`,
          } satisfies CscErrorBody),
      );
      cscAuthRoutes(scope, deps);
      cscCredentialRoutes(scope, deps);
      cscSignatureRoutes(scope, deps);
      done();
    },
    { prefix: "/csc/v2" },
  );
}
