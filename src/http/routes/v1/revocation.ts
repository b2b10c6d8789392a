import type { FastifyInstance } from "fastify";
import { Type, type Static } from "typebox";

import { REVOKE_REASONS } from "../../../pki/revocation/index.js";
import type { RevocationService } from "../../../services/revocation/revocation.service.js";
import type { RevocationResult } from "../../../services/revocation/revocation.types.js";
import { actorOf } from "../../actor.js";
import { IdParam, isoTime, mutationErrors } from "../../schemas/common.js";

const tags = ["certificates"];

const Params = Type.Object({
  projectId: IdParam("project", "prj_01JD0000000000000000000000"),
  id: Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: "^[A-Za-z0-9_:-]+$",
    description: "The certificate id, or its serial number in hex (colons allowed).",
  }),
});

const RevokeBody = Type.Object(
  {
    reason: Type.Union(
      REVOKE_REASONS.map((r) => Type.Literal(r)),
      {
        description:
          "RFC 5280 §5.3.1 CRLReason, in its camelCase spelling. `certificateHold` can be lifted with /unhold.",
      },
    ),
    invalidity_date: Type.Optional(
      Type.String({
        format: "date-time",
        description: "When the key was (or may have been) compromised (RFC 5280 §5.3.2).",
      }),
    ),
  },
  { additionalProperties: false },
);

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const RevocationJson = Type.Object(
  {
    certificate_id: Type.String(),
    serial_number: Type.String(),
    ca_id: Type.String(),
    status: Type.String({ description: "`revoked`, or after /unhold `active` or `superseded`." }),
    revoked_at: Nullable(Type.String({ format: "date-time" })),
    reason: Nullable(Type.String()),
    invalidity_date: Nullable(Type.String({ format: "date-time" })),
    ca_notice: Nullable(
      Type.String({
        description:
          "Set when the certificate is a CA certificate: revoking it does not revoke what that CA issued.",
      }),
    ),
    crl_refresh_at: Type.String({
      format: "date-time",
      description: "When the CRL that reflects the change is built (OCSP reflects it at once).",
    }),
  },
  { title: "Revocation" },
);

function revocationJson(result: RevocationResult): Static<typeof RevocationJson> {
  return {
    certificate_id: result.certificateId,
    serial_number: result.serialNumber,
    ca_id: result.caId,
    status: result.status,
    revoked_at: result.revokedAt && isoTime(result.revokedAt),
    reason: result.reason,
    invalidity_date: result.invalidityDate && isoTime(result.invalidityDate),
    ca_notice: result.caNotice,
    crl_refresh_at: isoTime(result.crlRefreshAt),
  };
}

/** Revoke and lift a hold (issue 5 §1); CRL and OCSP follow from the service. */
export function revocationRoutes(
  app: FastifyInstance,
  deps: { revocation: Pick<RevocationService, "revoke" | "unhold"> },
): void {
  const { revocation } = deps;

  app.post<{ Params: Static<typeof Params>; Body: Static<typeof RevokeBody> }>(
    "/api/v1/projects/:projectId/certificates/:id/revoke",
    {
      config: { access: { permission: "certificates:write" } },
      schema: {
        summary: "Revoke a certificate issued by one of the project's CAs",
        description:
          "OCSP answers `revoked` at once; the CA's CRL is rebuilt a few seconds later (revocations close together make one CRL). Revoking twice is 409. Revoking a CA certificate does not revoke what that CA issued (see `ca_notice`).",
        tags,
        params: Params,
        body: RevokeBody,
        response: { 200: RevocationJson, ...mutationErrors(404, 422) },
      },
    },
    async (request) => {
      const { reason, invalidity_date: invalidity } = request.body;
      return revocationJson(
        await revocation.revoke(actorOf(request), {
          projectId: request.params.projectId,
          certificate: request.params.id,
          reason,
          invalidityDate: invalidity === undefined ? undefined : new Date(invalidity),
        }),
      );
    },
  );

  app.post<{ Params: Static<typeof Params> }>(
    "/api/v1/projects/:projectId/certificates/:id/unhold",
    {
      config: { access: { permission: "certificates:write" } },
      schema: {
        summary: "Lift a certificateHold",
        description:
          "Only a certificate revoked with `certificateHold` can be released (409 otherwise). OCSP answers `good` again at once and the next CRL leaves it out.",
        tags,
        params: Params,
        response: { 200: RevocationJson, ...mutationErrors(404, 422) },
      },
    },
    async (request) =>
      revocationJson(
        await revocation.unhold(actorOf(request), {
          projectId: request.params.projectId,
          certificate: request.params.id,
        }),
      ),
  );
}
