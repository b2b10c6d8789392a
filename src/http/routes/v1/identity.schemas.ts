import { Type } from "typebox";

import type { ApiKey, ApiKeySummary } from "../../../services/identity/api-keys.types.js";
import { PERMISSIONS } from "../../../services/identity/permissions.js";
import { ORG_ROLES, PROJECT_ROLES } from "../../../services/identity/roles.js";
import type { ProjectMember, User } from "../../../services/identity/users.types.js";
import { IdParam, PageOf } from "../../schemas/common.js";

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export const OrgRoleSchema = Type.Union(
  ORG_ROLES.map((r) => Type.Literal(r)),
  {
    description:
      "admin: everything; auditor: read everything; member: per-project roles; peer: own signing credentials only.",
  },
);
export const ProjectRoleSchema = Type.Union(PROJECT_ROLES.map((r) => Type.Literal(r)));

export const UserJson = Type.Object(
  {
    id: Type.String({ examples: ["usr_01JD3K9Z2X4Q8W6V5T7R1N0M3B"] }),
    username: Type.String(),
    role: OrgRoleSchema,
    disabled: Type.Boolean(),
    must_change_password: Type.Boolean(),
    created_at: Type.String({ format: "date-time" }),
    updated_at: Type.String({ format: "date-time" }),
    last_login_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  },
  { title: "User" },
);

export function userJson(user: User) {
  return {
    id: user.id,
    username: user.username,
    role: user.orgRole,
    disabled: user.isDisabled,
    must_change_password: user.mustChangePassword,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
    last_login_at: iso(user.lastLoginAt),
  };
}

export const UserPage = PageOf(UserJson, "UserPage");
export const UserParams = Type.Object({
  userId: IdParam("user", "usr_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
});

export const Password = Type.String({
  minLength: 1,
  maxLength: 1024,
  description: "At least 12 characters, not the username.",
});

export const CreateUserBody = Type.Object(
  {
    username: Type.String({ minLength: 2, maxLength: 64 }),
    password: Password,
    role: OrgRoleSchema,
    must_change_password: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false, title: "CreateUser" },
);

export const UpdateUserBody = Type.Object(
  { role: Type.Optional(OrgRoleSchema), disabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1, title: "UpdateUser" },
);

export const ResetPasswordBody = Type.Object(
  { new_password: Password },
  { additionalProperties: false, title: "ResetPassword" },
);

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 200 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false, title: "Login" },
);

export const ChangePasswordBody = Type.Object(
  { current_password: Type.String({ minLength: 1, maxLength: 1024 }), new_password: Password },
  { additionalProperties: false, title: "ChangePassword" },
);

export const CsrfTokenJson = Type.Object(
  {
    csrf_token: Type.String({
      description: "Send as X-CSRF-Token on every mutating request made with the session cookie.",
    }),
  },
  { title: "CsrfToken" },
);

export const LoginJson = Type.Object(
  {
    user: UserJson,
    csrf_token: Type.String(),
    expires_at: Type.String({
      format: "date-time",
      description: "Absolute end of the session; it also ends after 60 idle minutes.",
    }),
  },
  { title: "LoginResult" },
);

export const MeJson = Type.Object(
  {
    kind: Type.Union([Type.Literal("user"), Type.Literal("api_key")]),
    id: Type.String(),
    name: Type.String(),
    role: Type.Union([OrgRoleSchema, Type.Null()]),
    must_change_password: Type.Boolean(),
    permissions: Type.Array(Type.String(), { description: "Org-wide grants." }),
    projects: Type.Union(
      [Type.Array(Type.Object({ project_id: Type.String(), role: Type.String() })), Type.Null()],
      {
        description:
          "Project roles (users) or the key's project restriction; null when unrestricted.",
      },
    ),
  },
  { title: "Me" },
);

export const MemberJson = Type.Object(
  {
    project_id: Type.String(),
    user_id: Type.String(),
    username: Type.String(),
    role: ProjectRoleSchema,
    created_at: Type.String({ format: "date-time" }),
  },
  { title: "ProjectMember" },
);

export function memberJson(member: ProjectMember) {
  return {
    project_id: member.projectId,
    user_id: member.userId,
    username: member.username,
    role: member.role,
    created_at: member.createdAt.toISOString(),
  };
}

export const MemberList = Type.Object(
  { items: Type.Array(MemberJson) },
  { title: "ProjectMemberList" },
);
export const MemberParams = Type.Object({
  projectId: IdParam("project", "prj_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
  userId: IdParam("user", "usr_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
});
export const ProjectOnlyParams = Type.Object({
  projectId: IdParam("project", "prj_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
});
export const AddMemberBody = Type.Object(
  { user_id: Type.String({ minLength: 1, maxLength: 64 }), role: ProjectRoleSchema },
  { additionalProperties: false, title: "AddProjectMember" },
);
export const UpdateMemberBody = Type.Object(
  { role: ProjectRoleSchema },
  { additionalProperties: false, title: "UpdateProjectMember" },
);

const PermissionSchema = Type.String({
  enum: ["*", ...PERMISSIONS],
  description: "A module scope, or * for everything.",
});
const RateLimitSchema = Type.Object(
  {
    requests: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
    per: Type.Union([Type.Literal("minute"), Type.Literal("hour"), Type.Literal("day")]),
  },
  { additionalProperties: false },
);

export const ApiKeyJson = Type.Object(
  {
    id: Type.String({ examples: ["key_01JD3K9Z2X4Q8W6V5T7R1N0M3B"] }),
    name: Type.String(),
    description: Type.String(),
    prefix: Type.String({ description: "The first characters of the key, to tell keys apart." }),
    status: Type.Union([Type.Literal("active"), Type.Literal("expired"), Type.Literal("revoked")]),
    permissions: Type.Array(Type.String()),
    project_ids: Type.Union([Type.Array(Type.String()), Type.Null()]),
    rate_limit: Type.Union([RateLimitSchema, Type.Null()]),
    ip_allowlist: Type.Array(Type.String()),
    expires_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
    revoked_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
    created_by: Type.String(),
    created_at: Type.String({ format: "date-time" }),
    updated_at: Type.String({ format: "date-time" }),
    last_used_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
    request_count: Type.Integer(),
    error_count: Type.Integer(),
  },
  { title: "ApiKey" },
);

export const ApiKeyWithSecretJson = Type.Intersect(
  [
    ApiKeyJson,
    Type.Object({
      key: Type.String({ description: "The secret: shown this once, stored only as a hash." }),
    }),
  ],
  { title: "ApiKeyWithSecret" },
);

export function apiKeyJson(key: ApiKey, now: Date) {
  const status =
    key.revokedAt !== null
      ? "revoked"
      : key.expiresAt !== null && key.expiresAt <= now
        ? "expired"
        : "active";
  return {
    id: key.id,
    name: key.name,
    description: key.description,
    prefix: key.prefix,
    status,
    permissions: key.permissions,
    project_ids: key.projectIds,
    rate_limit: key.rateLimit,
    ip_allowlist: key.ipAllowlist,
    expires_at: iso(key.expiresAt),
    revoked_at: iso(key.revokedAt),
    created_by: key.createdBy,
    created_at: key.createdAt.toISOString(),
    updated_at: key.updatedAt.toISOString(),
    last_used_at: iso(key.lastUsedAt),
    request_count: key.requestCount,
    error_count: key.errorCount,
  };
}

export const ApiKeySummaryJson = Type.Object({
  total_requests: Type.Integer(),
  active_keys: Type.Integer(),
  error_rate: Type.Number({ description: "Failed requests / all requests, 0 to 1." }),
});

export function summaryJson(summary: ApiKeySummary) {
  return {
    total_requests: summary.totalRequests,
    active_keys: summary.activeKeys,
    error_rate: summary.errorRate,
  };
}

export const ApiKeyPage = Type.Object(
  {
    items: Type.Array(ApiKeyJson),
    next_cursor: Type.Union([Type.String(), Type.Null()]),
    summary: ApiKeySummaryJson,
  },
  { title: "ApiKeyPage" },
);

export const ApiKeyQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    q: Type.Optional(
      Type.String({ maxLength: 100, description: "Search in name, description and prefix." }),
    ),
    status: Type.Optional(
      Type.Union([Type.Literal("active"), Type.Literal("expired"), Type.Literal("revoked")]),
    ),
    permission: Type.Optional(PermissionSchema),
    last_used_since: Type.Optional(
      Type.String({ format: "date-time", description: "Keys used at or after this time." }),
    ),
    never_used: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ApiKeyParams = Type.Object({
  keyId: IdParam("API key", "key_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
});

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    expires: Type.Optional(
      Type.String({
        maxLength: 40,
        description: '"30d", "60d", "never" (default) or an ISO 8601 date.',
      }),
    ),
    permissions: Type.Array(PermissionSchema, { minItems: 1, maxItems: 64 }),
    project_ids: Type.Optional(
      Type.Union([Type.Array(Type.String({ maxLength: 64 }), { maxItems: 500 }), Type.Null()]),
    ),
    rate_limit: Type.Optional(Type.Union([RateLimitSchema, Type.Null()])),
    ip_allowlist: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 })),
  },
  { additionalProperties: false, title: "CreateApiKey" },
);

export const UpdateApiKeyBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    permissions: Type.Optional(Type.Array(PermissionSchema, { minItems: 1, maxItems: 64 })),
    project_ids: Type.Optional(
      Type.Union([Type.Array(Type.String({ maxLength: 64 }), { maxItems: 500 }), Type.Null()]),
    ),
    rate_limit: Type.Optional(Type.Union([RateLimitSchema, Type.Null()])),
    ip_allowlist: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 })),
  },
  { additionalProperties: false, minProperties: 1, title: "UpdateApiKey" },
);

export const SetupStatusJson = Type.Object(
  {
    complete: Type.Boolean(),
    step: Type.Union(
      [
        Type.Literal("organization"),
        Type.Literal("admin"),
        Type.Literal("project"),
        Type.Literal("complete"),
        Type.Null(),
      ],
      { description: "The next step to submit; null once setup is complete." },
    ),
    organization_name: Type.Union([Type.String(), Type.Null()]),
  },
  { title: "SetupStatus" },
);

export const SetupStepBody = Type.Union(
  [
    Type.Object(
      {
        step: Type.Literal("organization"),
        organization_name: Type.String({ minLength: 1, maxLength: 200 }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        step: Type.Literal("admin"),
        username: Type.String({ minLength: 2, maxLength: 64 }),
        password: Password,
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        step: Type.Literal("project"),
        name: Type.String({ minLength: 1, maxLength: 100 }),
        description: Type.Optional(Type.String({ maxLength: 1000 })),
      },
      { additionalProperties: false },
    ),
  ],
  { title: "SetupStep" },
);

export const SetupHeaders = Type.Object({
  "x-setup-token": Type.Optional(
    Type.String({
      maxLength: 200,
      description: "The one-time token printed on the server console.",
    }),
  ),
});
