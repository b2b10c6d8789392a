import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Type, type Static } from "typebox";

import type { Clock } from "../../lib/clock.js";
import {
  decodeOcspGetRequest,
  isRevocationError,
  ocspErrorResponse,
} from "../../pki/revocation/index.js";
import type { OcspAnswer } from "../../services/revocation/ocsp.service.js";
import type { RevocationService } from "../../services/revocation/revocation.service.js";
import { toAppError } from "../errors.js";
import { logFailure } from "../plugins/error-handler.js";

const tags = ["pki"];
const OCSP_RESPONSE = "application/ocsp-response";
/** RFC 6960 requests are small; the parser's own limit (DEFAULT_OCSP_REQUEST_LIMITS) is 64 KiB. */
const MAX_REQUEST_BYTES = 64 * 1024;

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

type OcspDeps = Pick<RevocationService, "answerOcsp">;

/**
 * The OCSP responder of each CA (RFC 6960 Appendix A): GET with the base64 request in the path
 * and POST with `application/ocsp-request`. It has its own encapsulation scope: any body is read
 * as bytes, and every failure is an OCSPResponse, never an HTML or JSON error page (§2.3).
 */
export async function ocspRoutes(
  app: FastifyInstance,
  deps: { revocation: OcspDeps; clock: Clock },
): Promise<void> {
  await app.register((scope, _options, done) => {
    // Liberal in what it accepts: clients that omit or misspell the content type still get an
    // answer when the body is a valid request; anything else is malformedRequest.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      "*",
      { parseAs: "buffer", bodyLimit: MAX_REQUEST_BYTES },
      (_request, body, next) => next(null, body),
    );
    scope.setErrorHandler((error, request, reply) => {
      const appError = toAppError(error);
      logFailure(request, appError, error);
      if (appError.status >= 500) return sendError(reply, "internalError", 500);
      return sendError(reply, "malformedRequest", 200);
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
        return send(request, reply, await deps.revocation.answerOcsp(request.params.caId, body));
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
        let der: Uint8Array;
        try {
          der = decodeOcspGetRequest(request.params["*"]);
        } catch (error) {
          if (!isRevocationError(error)) throw error;
          return sendError(reply, "malformedRequest", 200);
        }
        return send(request, reply, await deps.revocation.answerOcsp(request.params.caId, der));
      },
    );

    scope.get<{ Params: Static<typeof CaParams> }>(
      "/ocsp/:caId",
      {
        config: { access: { public: true } },
        schema: schemaOf("OCSP GET without a request (answered malformedRequest)", CaParams),
      },
      (_request, reply) => sendError(reply, "malformedRequest", 200),
    );
    done();
  });

  function send(request: FastifyRequest, reply: FastifyReply, answer: OcspAnswer) {
    if (answer.kind === "error") return sendError(reply, answer.status, 200);
    void reply.type(OCSP_RESPONSE);
    if (answer.kind === "unique") {
      // A nonce makes the response unique to its request (docs/revocation.md, RFC 5019 §6.2).
      return reply.header("cache-control", "no-cache, no-store").send(Buffer.from(answer.der));
    }
    const maxAge = Math.max(
      0,
      Math.floor((answer.refreshAt.getTime() - deps.clock.now().getTime()) / 1000),
    );
    // RFC 5019 §6.2: max-age ends when this responder would sign afresh, never past nextUpdate.
    void reply
      .header("etag", answer.etag)
      .header("last-modified", answer.thisUpdate.toUTCString())
      .header("expires", answer.nextUpdate.toUTCString())
      .header("cache-control", `max-age=${maxAge}, public, no-transform, must-revalidate`);
    if (request.method === "GET" && matches(request.headers["if-none-match"], answer.etag)) {
      return reply.code(304).send();
    }
    return reply.send(Buffer.from(answer.der));
  }
}

function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

function sendError(
  reply: FastifyReply,
  status: "malformedRequest" | "unauthorized" | "internalError",
  httpStatus: number,
) {
  return reply
    .code(httpStatus)
    .type(OCSP_RESPONSE)
    .header("cache-control", "no-store")
    .send(Buffer.from(ocspErrorResponse(status)));
}
