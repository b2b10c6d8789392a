import type { FastifyInstance } from "fastify";
import type { Static } from "typebox";

import type { ProfilesService } from "../../../services/profiles/profiles.service.js";
import { actorOf } from "../../actor.js";
import { errorResponses, mutationErrors } from "../../schemas/common.js";

import { ProjectParams } from "./cas.schemas.js";
import { PolicyBody, PolicyJson, policyInputFromJson, policyJson } from "./profiles.schemas.js";

/**
 * The project's issuance policy (issue 4 §4, seed 004 §07): enforced on every issuance, a breach
 * answers 422 policy_violation. Reading needs certificates:read; replacing it, cas:write.
 */
export function policyRoutes(app: FastifyInstance, deps: { profiles: ProfilesService }): void {
  const { profiles } = deps;
  const policyUrl = "/api/v1/projects/:projectId/policy";
  app.get<{ Params: Static<typeof ProjectParams> }>(
    policyUrl,
    {
      config: { access: { permission: "certificates:read" } },
      schema: {
        summary: "Get the project's issuance policy",
        tags: ["policy"],
        params: ProjectParams,
        response: { 200: PolicyJson, ...errorResponses(400, 404) },
      },
    },
    async (request) =>
      policyJson(await profiles.getPolicy(actorOf(request), request.params.projectId)),
  );

  app.put<{ Params: Static<typeof ProjectParams>; Body: Static<typeof PolicyBody> }>(
    policyUrl,
    {
      config: { access: { permission: "cas:write" } },
      schema: {
        summary: "Replace the project's issuance policy",
        tags: ["policy"],
        params: ProjectParams,
        body: PolicyBody,
        response: { 200: PolicyJson, ...mutationErrors(404) },
      },
    },
    async (request) =>
      policyJson(
        await profiles.putPolicy(
          actorOf(request),
          request.params.projectId,
          policyInputFromJson(request.body),
        ),
      ),
  );
}
