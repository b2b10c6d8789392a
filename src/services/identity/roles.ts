import type { OrgRole, ProjectRole } from "../../store/tables/identity.table.js";

import { PERMISSIONS, isReadPermission, type Grant, type Permission } from "./permissions.js";

export const ORG_ROLES: readonly OrgRole[] = ["admin", "auditor", "member", "peer"];
export const PROJECT_ROLES: readonly ProjectRole[] = ["owner", "operator", "viewer"];
export type { OrgRole, ProjectRole };

const READS = PERMISSIONS.filter(isReadPermission);

/** Org-wide grants of each org role (seed 003 admin/peer, issue 3 auditor/member). */
export const ORG_ROLE_GRANTS: Record<OrgRole, readonly Grant[]> = {
  admin: ["*"],
  auditor: READS,
  // Members see the projects they belong to; what they may do there comes from project roles.
  member: ["projects:read"],
  peer: [],
};

/** Grants inside one project. Operators issue, renew, revoke, deploy and scan. */
export const PROJECT_ROLE_GRANTS: Record<ProjectRole, readonly Permission[]> = {
  owner: [
    ...READS.filter((p) => p !== "audit:read" && p !== "users:read"),
    "projects:write",
    "members:admin",
    "certificates:write",
    "cas:write",
    "discovery:write",
    "deployments:write",
    "signing:use",
    "cisco:write",
  ],
  operator: [
    ...READS.filter((p) => p !== "audit:read" && p !== "users:read"),
    "certificates:write",
    "discovery:write",
    "deployments:write",
    "signing:use",
    "cisco:write",
  ],
  viewer: READS.filter((p) => p !== "audit:read" && p !== "users:read"),
};

export function grants(list: readonly Grant[], permission: Permission): boolean {
  return list.includes("*") || list.includes(permission);
}
