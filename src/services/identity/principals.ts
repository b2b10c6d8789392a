import type { Actor } from "../actor.js";

import { visibleProjects } from "./authorization.fns.js";
import type { Principal } from "./principal.js";
import type { ProjectRole } from "./roles.js";
import type { User } from "./users.types.js";

/** Where a request comes from: what every Actor records for the audit log. */
export interface RequestContext {
  requestId: string | null;
  sourceIp: string | null;
  userAgent?: string | null;
}

export function userPrincipal(
  user: User,
  projectRoles: ReadonlyMap<string, ProjectRole>,
  context: RequestContext,
  sessionToken: string | null,
): Principal {
  const principal: Principal = {
    kind: "user",
    actor: {
      type: "user",
      id: user.id,
      name: user.username,
      requestId: context.requestId,
      sourceIp: context.sourceIp,
    },
    userId: user.id,
    username: user.username,
    orgRole: user.orgRole,
    mustChangePassword: user.mustChangePassword,
    projectRoles,
    sessionToken,
  };
  principal.actor.projectScope = visibleProjects(principal);
  return principal;
}

export function actorWithScope(principal: Principal): Actor {
  return { ...principal.actor, projectScope: visibleProjects(principal) };
}
