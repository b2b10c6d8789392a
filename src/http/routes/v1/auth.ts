import type { FastifyInstance } from "fastify";
import type { Static } from "typebox";

import { badRequest } from "../../../lib/errors.js";
import type { AuthService } from "../../../services/identity/auth.service.js";
import { ORG_ROLE_GRANTS } from "../../../services/identity/roles.js";
import { SESSION_ABSOLUTE_MS, SESSION_COOKIE } from "../../../services/identity/sessions.js";
import { csrfTokenFor } from "../../../services/identity/tokens.js";
import { principalOf } from "../../actor.js";
import { clearedCookie, readCookie, sessionCookie } from "../../cookies.js";
import { requestContext } from "../../plugins/access-control.js";
import { errorResponses, mutationErrors } from "../../schemas/common.js";

import {
  ChangePasswordBody,
  CsrfTokenJson,
  LoginBody,
  LoginJson,
  MeJson,
  userJson,
} from "./identity.schemas.js";

/** The native paths, and seed 003's own (`/api/auth/*`), served by the same handlers. */
const MOUNTS = [
  { base: "/api/v1/auth", tags: ["auth"] },
  { base: "/api/auth", tags: ["compat: cell appliance (seed 003)"] },
] as const;

export interface AuthRouteDeps {
  auth: AuthService;
  secureCookies: boolean;
}

/** Sessions for people (seed 003): cookie login, logout, who am I, CSRF token, own password. */
export function authRoutes(app: FastifyInstance, deps: AuthRouteDeps): void {
  for (const { base, tags } of MOUNTS) authRoutesAt(app, deps, base, [...tags]);
}

function authRoutesAt(
  app: FastifyInstance,
  deps: AuthRouteDeps,
  base: string,
  tags: string[],
): void {
  const { auth, secureCookies } = deps;
  // Auth routes are exempt from CSRF (issue 3 §3); login carries no session yet, and the others
  // cannot be abused cross-site beyond signing someone out, which SameSite=Strict blocks anyway.
  const signedIn = {
    permission: "signed_in",
    csrfExempt: true,
    allowPendingPasswordChange: true,
  } as const;

  app.post<{ Body: Static<typeof LoginBody> }>(
    `${base}/login`,
    {
      // Never store a login response: it carries the CSRF token of a live session.
      config: { access: { public: true }, idempotency: false },
      schema: {
        summary: "Sign in with a username and password (sets the session cookie)",
        tags,
        body: LoginBody,
        response: { 200: LoginJson, ...mutationErrors(401, 429) },
      },
    },
    async (request, reply) => {
      const result = await auth.login(request.body, requestContext(request));
      void reply.header(
        "set-cookie",
        sessionCookie(SESSION_COOKIE, result.sessionToken, {
          secure: secureCookies,
          maxAgeSeconds: SESSION_ABSOLUTE_MS / 1000,
        }),
      );
      return {
        user: userJson(result.user),
        csrf_token: csrfTokenFor(result.sessionToken),
        expires_at: result.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    `${base}/logout`,
    {
      config: { access: { public: true }, idempotency: false },
      schema: {
        summary: "Sign out (ends the session and clears the cookie)",
        tags,
        response: { 204: { type: "null", description: "Signed out." }, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const token = readCookie(request.headers.cookie, SESSION_COOKIE);
      if (token !== undefined) await auth.logout(token, requestContext(request));
      return reply
        .header("set-cookie", clearedCookie(SESSION_COOKIE, { secure: secureCookies }))
        .code(204)
        .send();
    },
  );

  app.get(
    `${base}/me`,
    {
      config: { access: signedIn },
      schema: {
        summary: "Who is calling",
        tags,
        response: { 200: MeJson, ...errorResponses(400) },
      },
    },
    (request) => {
      const principal = principalOf(request);
      if (principal.kind === "api_key") {
        return {
          kind: "api_key" as const,
          id: principal.keyId,
          name: principal.actor.name,
          role: null,
          must_change_password: false,
          permissions: [...principal.grants],
          projects:
            principal.projectIds?.map((id) => ({ project_id: id, role: "api_key" })) ?? null,
        };
      }
      return {
        kind: "user" as const,
        id: principal.userId,
        name: principal.username,
        role: principal.orgRole,
        must_change_password: principal.mustChangePassword,
        permissions: [...ORG_ROLE_GRANTS[principal.orgRole]],
        projects:
          principal.orgRole === "admin" || principal.orgRole === "auditor"
            ? null
            : [...principal.projectRoles].map(([id, role]) => ({ project_id: id, role })),
      };
    },
  );

  app.get(
    `${base}/csrf-token`,
    {
      config: { access: signedIn },
      schema: {
        summary: "The CSRF token of the current session",
        tags,
        response: { 200: CsrfTokenJson, ...errorResponses(400) },
      },
    },
    (request) => {
      const principal = principalOf(request);
      if (principal.kind !== "user" || principal.sessionToken === null) {
        return { csrf_token: "" };
      }
      return { csrf_token: csrfTokenFor(principal.sessionToken) };
    },
  );

  app.post<{ Body: Static<typeof ChangePasswordBody> }>(
    `${base}/change-password`,
    {
      config: { access: signedIn, idempotency: false },
      schema: {
        summary: "Change your own password (other sessions end)",
        tags,
        body: ChangePasswordBody,
        response: { 204: { type: "null", description: "Changed." }, ...mutationErrors() },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind !== "user") throw badRequest("API keys have no password.");
      await auth.changePassword(
        principal.userId,
        { currentPassword: request.body.current_password, newPassword: request.body.new_password },
        { ...requestContext(request), sessionToken: principal.sessionToken },
      );
      return reply.code(204).send();
    },
  );
}
