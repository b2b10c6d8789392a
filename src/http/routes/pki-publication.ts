import { createHash } from "node:crypto";

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Type, type Static } from "typebox";

import type { Clock } from "../../lib/clock.js";
import { encodePem } from "../../pki/pem.js";
import type { RevocationService } from "../../services/revocation/revocation.service.js";
import { errorResponses, IdParam } from "../schemas/common.js";

const tags = ["pki"];
const CaParams = Type.Object({ caId: IdParam("CA", "ca_01JD0000000000000000000000") });
const CrlQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Union([Type.Literal("der"), Type.Literal("pem")], {
        description: "`der` (default, application/pkix-crl) or `pem` (-----BEGIN X509 CRL-----).",
      }),
    ),
  },
  { additionalProperties: false },
);
const Binary = (description: string) => Type.String({ format: "binary", description });

/** CA certificates change rarely; relying parties may keep them a day (RFC 9111 §5.2.2.1). */
const CA_MAX_AGE_S = 86_400;

type PublicationDeps = Pick<RevocationService, "caCertificate" | "chainPem" | "currentCrl">;

function etagOf(bytes: Uint8Array | string): string {
  return `"${createHash("sha256").update(bytes).digest("hex").slice(0, 32)}"`;
}

/** A conditional GET that still matches gets 304 and no body (RFC 9110 §13.1.2). */
function notModified(request: FastifyRequest, reply: FastifyReply, etag: string): boolean {
  void reply.header("etag", etag);
  const sent = request.headers["if-none-match"];
  if (sent === undefined) return false;
  const tags = sent.split(",").map((t) => t.trim().replace(/^W\//, ""));
  if (!tags.includes(etag) && !tags.includes("*")) return false;
  void reply.code(304).send();
  return true;
}

function wantsPem(request: FastifyRequest<{ Querystring: Static<typeof CrlQuery> }>): boolean {
  if (request.query.format !== undefined) return request.query.format === "pem";
  const accept = request.headers.accept ?? "";
  return (
    /application\/(x-pem-file|pem-certificate-chain)/i.test(accept) && !/pkix-crl/i.test(accept)
  );
}

/**
 * Public PKI publication (issue 5 §2, §4): what issued certificates name in their CRL
 * distribution point and AIA caIssuers. No credentials, cacheable by any HTTP cache.
 */
export function pkiPublicationRoutes(
  app: FastifyInstance,
  deps: { revocation: PublicationDeps; clock: Clock },
): void {
  const { revocation } = deps;

  app.get<{ Params: Static<typeof CaParams> }>(
    "/pki/:caId/ca.crt",
    {
      config: { access: { public: true } },
      schema: {
        summary: "The CA certificate (DER), as named in AIA caIssuers",
        tags,
        params: CaParams,
        produces: ["application/pkix-cert"],
        response: {
          200: Binary("DER certificate (RFC 5280 §4.2.2.1)."),
          304: Type.Null(),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const der = await revocation.caCertificate(request.params.caId);
      if (notModified(request, reply, etagOf(der))) return reply;
      return reply
        .type("application/pkix-cert")
        .header("cache-control", `public, max-age=${CA_MAX_AGE_S}`)
        .header("content-disposition", `attachment; filename="${request.params.caId}.crt"`)
        .send(Buffer.from(der));
    },
  );

  app.get<{ Params: Static<typeof CaParams> }>(
    "/pki/:caId/chain.pem",
    {
      config: { access: { public: true } },
      schema: {
        summary: "The CA certificate and its issuers up to the root (PEM)",
        tags,
        params: CaParams,
        produces: ["application/pem-certificate-chain"],
        response: {
          200: Type.String({ description: "PEM, CA first." }),
          304: Type.Null(),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const pem = await revocation.chainPem(request.params.caId);
      if (notModified(request, reply, etagOf(pem))) return reply;
      // RFC 8555 §9.1 registers application/pem-certificate-chain for exactly this.
      return reply
        .type("application/pem-certificate-chain")
        .header("cache-control", `public, max-age=${CA_MAX_AGE_S}`)
        .send(pem);
    },
  );

  app.get<{ Params: Static<typeof CaParams>; Querystring: Static<typeof CrlQuery> }>(
    "/pki/:caId/crl",
    {
      config: { access: { public: true } },
      schema: {
        summary: "The CA's current full CRL (DER, or PEM with ?format=pem)",
        description:
          "Named in the CRL distribution point of every certificate the CA issues. Rebuilt a few seconds after each revocation and at half its lifetime; `ETag` is the CRL number.",
        tags,
        params: CaParams,
        querystring: CrlQuery,
        produces: ["application/pkix-crl", "application/x-pem-file"],
        response: {
          200: Binary("CRL (RFC 5280 §5), DER or PEM."),
          304: Type.Null(),
          ...errorResponses(400, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const crl = await revocation.currentCrl(request.params.caId);
      const pem = wantsPem(request);
      // The CRL number only grows (RFC 5280 §5.2.3), so with the form it is a strong validator.
      if (notModified(request, reply, `"${crl.crlNumber}${pem ? "-pem" : ""}"`)) return reply;
      const maxAge = Math.max(
        0,
        Math.floor((crl.nextUpdate.getTime() - deps.clock.now().getTime()) / 1000),
      );
      void reply
        .header("last-modified", crl.thisUpdate.toUTCString())
        .header("expires", crl.nextUpdate.toUTCString())
        .header("cache-control", `public, max-age=${Math.min(maxAge, 3600)}, no-transform`)
        .header("vary", "accept");
      if (pem) return reply.type("application/x-pem-file").send(encodePem("X509 CRL", crl.der));
      return reply
        .type("application/pkix-crl")
        .header("content-disposition", `attachment; filename="${request.params.caId}.crl"`)
        .send(Buffer.from(crl.der));
    },
  );
}
