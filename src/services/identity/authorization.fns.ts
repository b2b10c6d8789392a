import type { Permission } from "./permissions.js";
import type { Principal } from "./principal.js";
import { grants, ORG_ROLE_GRANTS, PROJECT_ROLE_GRANTS } from "./roles.js";

export type Decision = "allow" | "forbidden" | "not_found";

export interface AccessRequest {
  permission: Permission;
  /** The project of a project-scoped route. */
  projectId: string | null;
  allowPeer: boolean;
}

/**
 * The one authorization rule (seed 004 §08): a project the caller cannot see is 404, never 403;
 * a visible resource the caller's role may not touch is 403.
 */
export function decide(principal: Principal, request: AccessRequest): Decision {
  const { permission, projectId } = request;
  if (principal.kind === "api_key") {
    if (
      projectId !== null &&
      principal.projectIds !== null &&
      !principal.projectIds.includes(projectId)
    ) {
      return "not_found";
    }
    return grants(principal.grants, permission) ? "allow" : "forbidden";
  }
  if (principal.orgRole === "peer") {
    return request.allowPeer ? "allow" : projectId !== null ? "not_found" : "forbidden";
  }
  if (grants(ORG_ROLE_GRANTS[principal.orgRole], permission)) return "allow";
  if (projectId === null) return "forbidden";
  const role = principal.projectRoles.get(projectId);
  if (role === undefined) {
    return principal.orgRole === "auditor" ? "forbidden" : "not_found";
  }
  return grants(PROJECT_ROLE_GRANTS[role], permission) ? "allow" : "forbidden";
}

/** Projects the caller may see; null means all of them. */
export function visibleProjects(principal: Principal): readonly string[] | null {
  if (principal.kind === "api_key") return principal.projectIds;
  if (principal.orgRole === "admin" || principal.orgRole === "auditor") return null;
  return [...principal.projectRoles.keys()];
}
