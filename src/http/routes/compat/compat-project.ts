import type { FastifyRequest } from "fastify";

import { AppError, notFound, validationFailed } from "../../../lib/errors.js";
import { decide } from "../../../services/identity/authorization.fns.js";
import type { Permission } from "../../../services/identity/permissions.js";
import type { ProjectsService } from "../../../services/projects/projects.service.js";
import { actorOf, principalOf } from "../../actor.js";

/**
 * The project a compat request acts in. Seeds 002 and 003 have no projects in their paths: the
 * caller names one in the body or query, or — when it can see exactly one project, as on a
 * single-team install — that one is used. The same access rule as native project routes
 * applies: a project the caller cannot see is a 404, a role that may not act is a 403.
 */
export async function compatProject(
  request: FastifyRequest,
  projects: Pick<ProjectsService, "getProject" | "listProjects">,
  permission: Permission,
  requested: string | undefined,
  field: string,
): Promise<string> {
  const actor = actorOf(request);
  let projectId = requested;
  if (projectId === undefined) {
    const visible = await projects.listProjects(actor, { limit: 2 });
    if (visible.items.length !== 1) {
      throw validationFailed(
        `Name the project in "${field}": you can see ${visible.items.length === 0 ? "no" : "several"} projects.`,
        [{ field, reason: "required" }],
      );
    }
    projectId = visible.items[0]!.id;
  }
  const decision = decide(principalOf(request), { permission, projectId, allowPeer: false });
  if (decision === "not_found") throw notFound("project", projectId);
  if (decision === "forbidden") throw new AppError("forbidden", { details: [{ permission }] });
  await projects.getProject(actor, projectId);
  return projectId;
}
