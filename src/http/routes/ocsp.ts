import type { FastifyInstance, FastifyReply } from "fastify";
import { Type, type Static } from "typebox";

import { toAppError } from "../errors.js";
import { logFailure } from "../plugins/error-handler.js";

import {
  MAX_OCSP_REQUEST_BYTES,
  OCSP_RESPONSE,
  ocspErrorExchange,
  type OcspExchange,
  type OcspHttpResponse,
} from "./ocsp-exchange.js";

const tags = ["pki"];

const CaParams = Type.Object({ caId: Type.String({ maxLength: 200 }) });
const GetParams = Type.Object({
  caId: Type.String({ maxLength: 200 }),
  "*": Type.String({ description: "The DER request, base64 then URL-encoded (RFC 6960 A.1)." }),
});
const OcspBody = Type.String({
  format: "binary",
  description:
    "An OCSPResponse (RFC 6960 §4.2.1). Unsuccessful statuses (malformedRequest, unauthorized, internalError) are sent with HTTP 200 as well: OCSP clients read the body, not the status line.",
});
/**
 * The OCSP hot path logs warnings and errors only: a line per answer would cost more than the
 * answer itself (served from memory) and says nothing a metric does not.
 */
const LOG_LEVEL = "warn";
const schemaOf = (summary: string, params: unknown, extra: Record<string, unknown> = {}) => ({
  summary,
  tags,
  params,
  produces: [OCSP_RESPONSE],
  response: { 200: OcspBody, 304: Type.Null(), 500: OcspBody },
  ...extra,
});

function send(reply: FastifyReply, answer: OcspHttpResponse) {
  return reply
    .code(answer.status)
    .headers(answer.headers)
    .send(answer.body ?? undefined);
}

/**
 * The OCSP responder of each CA (RFC 6960 Appendix A): GET with the base64 request in the path
 * and POST with `application/ocsp-request`. It has its own encapsulation scope: any body is read
 * as bytes, and every failure is an OCSPResponse, never an HTML or JSON error page (§2.3).
 * A listening server answers the common requests on the fast path (`ocsp-fast-path.ts`) before
 * they reach Fastify; these routes answer the rest, `inject()`, and document the API. Both call
 * the same exchange.
 */
export async function ocspRoutes(
  app: FastifyInstance,
  deps: { exchange: OcspExchange },
): Promise<void> {
  await app.register((scope, _options, done) => {
    // Liberal in what it accepts: clients that omit or misspell the content type still get an
    // answer when the body is a valid request; anything else is malformedRequest.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      "*",
      { parseAs: "buffer", bodyLimit: MAX_OCSP_REQUEST_BYTES },
      (_request, body, next) => next(null, body),
    );
    scope.setErrorHandler((error, request, reply) => {
      const appError = toAppError(error);
      logFailure(request, appError, error);
      return send(
        reply,
        ocspErrorExchange(appError.status >= 500 ? "internalError" : "malformedRequest"),
      );
    });

    scope.post<{ Params: Static<typeof CaParams> }>(
      "/ocsp/:caId",
      {
        config: { access: { public: true }, idempotency: false },
        logLevel: LOG_LEVEL,
        schema: schemaOf("OCSP request by POST (application/ocsp-request)", CaParams, {
          description:
            "RFC 6960 responder for the CA, as named in the AIA of every certificate it issues. Nonce echoed; several CertIDs per request; SHA-1 and SHA-256 CertIDs.",
        }),
      },
      async (request, reply) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        return send(reply, await deps.exchange({ caId: request.params.caId, body }));
      },
    );

    scope.get<{ Params: Static<typeof GetParams> }>(
      "/ocsp/:caId/*",
      {
        config: { access: { public: true } },
        logLevel: LOG_LEVEL,
        schema: schemaOf("OCSP request by GET (base64 in the path, RFC 5019 §5)", GetParams),
      },
      async (request, reply) => {
        const answer = await deps.exchange({
          caId: request.params.caId,
          encoded: request.params["*"],
          ifNoneMatch: request.headers["if-none-match"],
        });
        return send(reply, answer);
      },
    );

    scope.get<{ Params: Static<typeof CaParams> }>(
      "/ocsp/:caId",
      {
        config: { access: { public: true } },
        schema: schemaOf("OCSP GET without a request (answered malformedRequest)", CaParams),
      },
      (_request, reply) => send(reply, ocspErrorExchange("malformedRequest")),
    );
    done();
  });
}
