/**
 * Permissions, per module (seed 001's API key scopes). Routes declare one; roles and API keys
 * grant sets of them. `*` grants everything.
 */
export const PERMISSIONS = [
  "projects:read",
  "projects:write",
  "members:admin",
  "certificates:read",
  "certificates:write",
  "cas:read",
  "cas:write",
  "discovery:read",
  "discovery:write",
  "deployments:read",
  "deployments:write",
  "signing:read",
  "signing:use",
  "cisco:read",
  "cisco:write",
  "audit:read",
  "users:read",
  "users:admin",
  "settings:admin",
] as const;

export type Permission = (typeof PERMISSIONS)[number];
export type Grant = Permission | "*";

export const PROJECT_SCOPED_MODULES = [
  "certificates",
  "cas",
  "discovery",
  "deployments",
  "signing",
  "cisco",
  "members",
];

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

export function isReadPermission(permission: Permission): boolean {
  return permission.endsWith(":read");
}
