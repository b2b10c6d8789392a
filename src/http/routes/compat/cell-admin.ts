import type { FastifyInstance } from "fastify";
import { Type, type Static } from "typebox";

import { validationFailed } from "../../../lib/errors.js";
import { toAuditRecord } from "../../../services/audit/audit-record.fns.js";
import type { AuditService } from "../../../services/audit/audit.service.js";
import type { UsersService } from "../../../services/identity/users.service.js";
import { actorOf } from "../../actor.js";
import { errorResponses, mutationErrors } from "../../schemas/common.js";
import { filterOf } from "../v1/audit.js";
import { AuditEntryJson, AuditFilterFields } from "../v1/audit.schemas.js";
import { Password, UserJson, userJson } from "../v1/identity.schemas.js";

// Seed 003's paths whose shape differs from the native API: the admin's password reset by
// username, the user list, and the audit query paged by limit/offset. Its other auth, setup,
// export and verify paths are mounted by the native route files on the same handlers. The seed
// documents no error body, so these answer in the native error shape with the same statuses.
const tags = ["compat: cell appliance (seed 003)"];

const ResetBody = Type.Object(
  {
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    new_password: Password,
  },
  { additionalProperties: false, title: "CellResetPassword" },
);

const AuditQuery = Type.Object(
  {
    ...AuditFilterFields,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);

const AuditListJson = Type.Object(
  {
    entries: Type.Array(AuditEntryJson),
    limit: Type.Integer(),
    offset: Type.Integer(),
  },
  { title: "CellAuditList" },
);

export function cellAdminRoutes(
  app: FastifyInstance,
  deps: { users: UsersService; audit: AuditService },
): void {
  const { users, audit } = deps;

  app.post<{ Body: Static<typeof ResetBody> }>(
    "/api/auth/admin/reset-password",
    {
      // Seed 003 exempts all of /api/auth/* from CSRF; SameSite=Strict still guards the cookie.
      config: { access: { permission: "users:admin", csrfExempt: true }, idempotency: false },
      schema: {
        summary: "Admin: set another user's temporary password (by username or user_id)",
        tags,
        body: ResetBody,
        response: { 200: UserJson, ...mutationErrors(404) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { username, user_id: userId, new_password: password } = request.body;
      if ((username === undefined) === (userId === undefined)) {
        throw validationFailed("Name the user by exactly one of username or user_id.", [
          { field: "username" },
          { field: "user_id" },
        ]);
      }
      const id = userId ?? (await users.getUserByUsername(actor, username!)).id;
      return userJson(await users.resetPassword(actor, id, password));
    },
  );

  app.get(
    "/api/auth/users",
    {
      config: { access: { permission: "users:read" } },
      schema: {
        summary: "Admin: list users (all of them, by username)",
        tags,
        response: {
          200: Type.Object({ users: Type.Array(UserJson) }, { title: "CellUserList" }),
          ...errorResponses(400),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const all = [];
      let cursor: string | undefined;
      do {
        const page = await users.listUsers(actor, { limit: 500, cursor });
        all.push(...page.items.map(userJson));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return { users: all };
    },
  );

  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    "/api/audit",
    {
      config: { access: { permission: "audit:read" } },
      schema: {
        summary: "Query audit entries, newest first, paged by limit and offset",
        tags,
        querystring: AuditQuery,
        response: { 200: AuditListJson, ...errorResponses(400) },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, ...filters } = request.query;
      const page = await audit.listEntries(actorOf(request), {
        filter: filterOf(filters),
        limit,
        offset,
      });
      return { entries: page.items.map(toAuditRecord), limit, offset };
    },
  );
}
