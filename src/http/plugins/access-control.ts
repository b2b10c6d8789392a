import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";

import type { Clock } from "../../lib/clock.js";
import { AppError, notFound } from "../../lib/errors.js";
import type { ApiKeyUsage } from "../../services/identity/api-key-usage.js";
import { rateHeaders, type ApiKeysService } from "../../services/identity/api-keys.service.js";
import type { AuthService } from "../../services/identity/auth.service.js";
import { decide } from "../../services/identity/authorization.fns.js";
import type { Principal } from "../../services/identity/principal.js";
import type { RequestContext } from "../../services/identity/principals.js";
import { SESSION_COOKIE } from "../../services/identity/sessions.js";
import { csrfTokenFor, safeEqual } from "../../services/identity/tokens.js";
import type { RouteAccess } from "../access.js";
import { clearedCookie, readCookie } from "../cookies.js";
import { errorResponses } from "../schemas/common.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The authenticated caller, or null (public routes, or before authentication). */
    principal: Principal | null;
  }
}

export interface RouteAccessEntry {
  method: string;
  url: string;
  access: RouteAccess;
}

export interface AccessControlDeps {
  auth: AuthService;
  apiKeys: ApiKeysService;
  usage: ApiKeyUsage;
  clock: Clock;
  secureCookies: boolean;
  /** Filled with every route and its declaration, for the generated RBAC test. */
  routeTable?: RouteAccessEntry[];
}

const MUTATIONS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** Routes added by @fastify/swagger-ui: static, public documentation. */
const UNDECLARED_OK = /^\/docs(\/|$)/;

export function requestContext(request: FastifyRequest): RequestContext {
  const agent = request.headers["user-agent"];
  return { requestId: request.id, sourceIp: request.ip, userAgent: agent ?? null };
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) {
    throw new AppError("unauthenticated", { message: "Use Authorization: Bearer <API key>." });
  }
  return match[1];
}

/**
 * Authentication and authorization in one place (issue 3 §5). Every route declares
 * `config.access`; a route without one stops the server at start-up, so no route can be left
 * open by forgetting. Each request then runs, before its body is even parsed:
 * authenticate (Bearer API key, else session cookie) → 401; CSRF for cookie mutations → 403;
 * pending password change → 403; role/permission/project decision → 403 or 404.
 */
export function registerAccessControl(app: FastifyInstance, deps: AccessControlDeps): void {
  app.decorateRequest("principal", null);

  app.addHook("onRoute", (route: RouteOptions) => {
    const access = route.config?.access;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!access) {
      if (UNDECLARED_OK.test(route.url)) return;
      throw new Error(`route ${methods.join(",")} ${route.url} declares no config.access`);
    }
    if (!("public" in access)) {
      // Protected routes can always answer 401, 403 and 429: document them once, here.
      const schema = (route.schema ??= {}) as {
        response?: Record<string, unknown>;
        security?: unknown;
      };
      schema.response = { ...errorResponses(401, 403, 429), ...(schema.response ?? {}) };
      schema.security = [{ apiKey: [] }, { session: [] }];
    }
    for (const method of methods) {
      if (method !== "HEAD") deps.routeTable?.push({ method, url: route.url, access });
    }
  });

  async function authenticate(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<Principal | null> {
    const context = requestContext(request);
    const bearer = bearerToken(request);
    if (bearer !== undefined) {
      const result = await deps.apiKeys.authenticate(bearer, context);
      if (!result) return deps.auth.recordFailure(context.sourceIp, "The API key is not valid.");
      if (result.rate) void reply.headers(rateHeaders(result.rate));
      return result.principal;
    }
    const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (cookie === undefined) return null;
    const session = await deps.auth.authenticateSession(cookie, context);
    if (!session) {
      void reply.header(
        "set-cookie",
        clearedCookie(SESSION_COOKIE, { secure: deps.secureCookies }),
      );
      return null;
    }
    return session.principal;
  }

  app.addHook("onRequest", async (request, reply) => {
    const access = request.routeOptions.config.access;
    if (!access) return;
    if ("public" in access) {
      if (access.ownAuthentication === true) return;
      // Public routes still see who calls, when credentials come along, but never require them.
      request.principal = await authenticate(request, reply).catch(() => null);
      return;
    }
    const principal = await authenticate(request, reply);
    if (!principal) throw new AppError("unauthenticated");
    request.principal = principal;

    if (
      principal.kind === "user" &&
      principal.sessionToken !== null &&
      MUTATIONS.has(request.method) &&
      !access.csrfExempt
    ) {
      const sent = request.headers["x-csrf-token"];
      const token = Array.isArray(sent) ? sent[0] : sent;
      if (token === undefined || !safeEqual(token, csrfTokenFor(principal.sessionToken))) {
        throw new AppError("csrf_failed");
      }
    }
    if (
      principal.kind === "user" &&
      principal.mustChangePassword &&
      !access.allowPendingPasswordChange
    ) {
      throw new AppError("forbidden", {
        message: "Change your password first (POST /api/v1/auth/change-password).",
        details: [{ rule: "password_change_required" }],
      });
    }
    if (access.permission === "signed_in") return;
    const params = request.params as Record<string, string | undefined>;
    const projectId = params.projectId ?? null;
    const decision = decide(principal, {
      permission: access.permission,
      projectId,
      allowPeer: access.allowPeer === true,
    });
    if (decision === "not_found") throw notFound("project", projectId ?? undefined);
    if (decision === "forbidden") {
      throw new AppError("forbidden", { details: [{ permission: access.permission }] });
    }
  });

  app.addHook("onResponse", async (request, reply) => {
    const principal = request.principal;
    if (principal?.kind === "api_key") {
      deps.usage.record(principal.keyId, reply.statusCode >= 400, deps.clock.now().getTime());
    }
  });
}
