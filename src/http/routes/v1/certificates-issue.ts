import type { FastifyInstance } from "fastify";
import type { Static } from "typebox";

import { validationFailed } from "../../../lib/errors.js";
import type { IssuanceService } from "../../../services/issuance/issuance.service.js";
import { actorOf } from "../../actor.js";
import { mutationErrors } from "../../schemas/common.js";

import { ProjectParams } from "./cas.schemas.js";
import {
  IssueCertificateBody,
  IssuedCertificateJson,
  issuedCertificateJson,
  issueRequestFromJson,
} from "./certificates-issue.schemas.js";

/**
 * Issuance (issue 4 §5; docs/cas.md): from a CSR, with a key generated here, or self-signed;
 * with a profile or a CA. Idempotent with `Idempotency-Key` (the plugin replays the response).
 */
export function certificateIssueRoutes(
  app: FastifyInstance,
  deps: { issuance: IssuanceService },
): void {
  app.post<{ Params: Static<typeof ProjectParams>; Body: Static<typeof IssueCertificateBody> }>(
    "/api/v1/projects/:projectId/certificates",
    {
      config: { access: { permission: "certificates:write" } },
      schema: {
        summary: "Issue a certificate",
        tags: ["certificates"],
        params: ProjectParams,
        body: IssueCertificateBody,
        response: { 201: IssuedCertificateJson, ...mutationErrors(404, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (
        body.csr !== undefined &&
        (body.key_type !== undefined || body.key_backend !== undefined)
      ) {
        throw validationFailed(
          "With a csr, the key is the requester's: leave key_type and key_backend out.",
          [{ field: "key_type" }],
        );
      }
      const issued = await deps.issuance.issueCertificate(
        actorOf(request),
        issueRequestFromJson(request.params.projectId, body),
      );
      return reply
        .code(201)
        .header("location", `/api/v1/projects/${issued.projectId}/certificates/${issued.id}`)
        .send(issuedCertificateJson(issued));
    },
  );
}
