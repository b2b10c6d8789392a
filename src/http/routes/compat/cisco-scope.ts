/**
 * What the two UseCallManager adapters (seed 000: `/api/capf`, `/api/tvs`) share: the
 * `{"detail": "…"}` error shape, authentication (API key, or a caller from
 * `cisco_trusted_networks`), the project every request acts on, and a FastAPI-style docs page.
 */

import { BlockList, isIPv4 } from "node:net";

import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";

import { AppError } from "../../../lib/errors.js";
import type { Actor } from "../../../services/actor.js";
import type { CiscoService } from "../../../services/cisco/cisco.service.js";
import { decide } from "../../../services/identity/authorization.fns.js";
import type { Permission } from "../../../services/identity/permissions.js";
import type { HealthService } from "../../../services/system/health.service.js";
import { toAppError } from "../../errors.js";
import { logFailure } from "../../plugins/error-handler.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Cisco compat routes: the permission an API key needs; absent = public (health). */
    ciscoPermission?: Permission;
  }
  interface FastifyRequest {
    /** Set by the Cisco compat scopes: who acts and on which project. */
    cisco: { actor: Actor; projectId: string } | null;
  }
}

/** What each of the two adapters needs from the composition root. */
export interface CiscoCompatDeps {
  cisco: CiscoService;
  health: HealthService;
  trustedNetworks: readonly string[];
  version: string;
}

/** Route configs: health is public; the rest need the permission from an API key. */
export const PUBLIC = { access: { public: true } } as const;
export const READ = { access: { public: true }, ciscoPermission: "cisco:read" } as const;
export const WRITE = { access: { public: true }, ciscoPermission: "cisco:write" } as const;

/** `GET {prefix}/api/v1/health` as the seed shows it: the server's own health report. */
export function healthRoute(scope: FastifyInstance, health: HealthService): void {
  scope.get(
    "/api/v1/health",
    { config: PUBLIC, schema: { summary: "Service health status", hide: true } },
    async (_request, reply) => {
      const report = await health.check();
      return reply.code(report.status === "healthy" ? 200 : 503).send(report);
    },
  );
}

export interface CiscoScopeOptions {
  cisco: Pick<CiscoService, "resolveProject">;
  trustedNetworks: readonly string[];
  /** "CAPF" or "TVS": the docs title. */
  title: string;
  version: string;
  /** The scope's prefix, e.g. "/api/capf". */
  prefix: string;
}

/**
 * FastAPI answers `{"detail": "…"}` (seed 000 "Error Responses"); its status codes are 400, 404
 * and 500, so codes the seed does not list (409, 422) answer 400, with the message kept.
 */
function compatStatus(error: AppError): number {
  if ([401, 403, 404, 413, 415, 429, 503].includes(error.status)) return error.status;
  return error.status >= 500 ? 500 : 400;
}

export function sendDetail(reply: FastifyReply, status: number, detail: string) {
  return reply.code(status).type("application/json; charset=utf-8").send({ detail });
}

function trustedNetworkList(networks: readonly string[]): BlockList {
  const list = new BlockList();
  for (const network of networks) {
    const [address = "", prefix] = network.split("/");
    const type = isIPv4(address) ? "ipv4" : "ipv6";
    const bits = prefix === undefined ? (type === "ipv4" ? 32 : 128) : Number(prefix);
    list.addSubnet(address, bits, type);
  }
  return list;
}

function isTrusted(list: BlockList, ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped?.[1] ?? ip;
  return list.check(address, isIPv4(address) ? "ipv4" : "ipv6");
}

/** The actor of a caller admitted by network (DESIGN.md §1, seed 000 "network isolation"). */
function networkActor(request: FastifyRequest): Actor {
  return {
    type: "system",
    id: "cisco-trusted-network",
    name: `trusted network ${request.ip}`,
    requestId: request.id,
    sourceIp: request.ip,
  };
}

/** Installs the error shape, authentication, project resolution and docs on `scope`. */
export function setUpCiscoScope(scope: FastifyInstance, options: CiscoScopeOptions): void {
  const trusted = trustedNetworkList(options.trustedNetworks);
  const routes: RouteOptions[] = [];
  scope.decorateRequest("cisco", null);

  scope.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    logFailure(request, appError, error);
    const status = compatStatus(appError);
    void reply.headers(appError.headers);
    return sendDetail(reply, status, status >= 500 ? "Internal Server Error" : appError.message);
  });
  scope.setNotFoundHandler((_request, reply) => sendDetail(reply, 404, "Not Found"));

  scope.addHook("onRoute", (route) => {
    if (route.url.endsWith("/docs") || route.url.endsWith("/openapi.json")) return;
    routes.push(route);
  });

  scope.addHook("onRequest", async (request, reply) => {
    const permission = request.routeOptions.config.ciscoPermission;
    if (permission === undefined) return;
    const principal = request.principal;
    let actor: Actor;
    if (principal?.kind === "api_key") {
      // Only API keys: a session cookie would need the CSRF check these routes cannot ask for.
      if (decide(principal, { permission, projectId: null, allowPeer: false }) !== "allow") {
        throw new AppError("forbidden", { message: `The API key lacks "${permission}".` });
      }
      actor = principal.actor;
    } else if (isTrusted(trusted, request.ip)) {
      actor = networkActor(request);
    } else {
      void reply.header("www-authenticate", "Bearer");
      throw new AppError("unauthenticated", {
        message: "Not authenticated: send Authorization: Bearer <API key>.",
      });
    }
    request.cisco = { actor, projectId: await options.cisco.resolveProject(actor) };
  });

  scope.get(
    "/docs",
    { config: { access: { public: true } }, schema: { hide: true } },
    (_request, reply) => reply.type("text/html; charset=utf-8").send(docsPage(options)),
  );
  scope.get(
    "/openapi.json",
    { config: { access: { public: true } }, schema: { hide: true } },
    (_request, reply) => reply.send(openApiOf(routes, options)),
  );
}

/** The acting caller of a Cisco compat route (the scope's hook guarantees one). */
export function ciscoContext(request: FastifyRequest): { actor: Actor; projectId: string } {
  if (!request.cisco) throw new AppError("unauthenticated");
  return request.cisco;
}

function docsPage(options: CiscoScopeOptions): string {
  // Swagger UI's assets are already served under /docs/static by the native docs.
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${options.title} API</title>
<link rel="stylesheet" href="/docs/static/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({ url: "${options.prefix}/openapi.json", dom_id: "#swagger-ui" });</script>
</body></html>
`;
}

function openApiOf(routes: readonly RouteOptions[], options: CiscoScopeOptions) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const path = route.url.replace(/:([A-Za-z_]+)/g, "{$1}");
    for (const method of methods) {
      if (method === "HEAD") continue;
      const params = schema.params as { properties?: Record<string, unknown> } | undefined;
      const query = schema.querystring as { properties?: Record<string, unknown> } | undefined;
      const parameters = [
        ...Object.entries(params?.properties ?? {}).map(([name, s]) => ({
          name,
          in: "path",
          required: true,
          schema: s,
        })),
        ...Object.entries(query?.properties ?? {}).map(([name, s]) => ({
          name,
          in: "query",
          schema: s,
        })),
      ];
      const responses: Record<string, unknown> = {};
      for (const [status, body] of Object.entries(
        (schema.response ?? {}) as Record<string, unknown>,
      )) {
        responses[status] = {
          description: (body as { description?: string }).description ?? "",
          content: { "application/json": { schema: body } },
        };
      }
      (paths[path] ??= {})[method.toLowerCase()] = {
        summary: schema.summary,
        parameters,
        ...(schema.body
          ? { requestBody: { content: { "application/json": { schema: schema.body } } } }
          : {}),
        responses,
        ...(route.config?.ciscoPermission ? { security: [{ apiKey: [] }] } : {}),
      };
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: `${options.title} API (UseCallManager compatible)`,
      version: options.version,
      description:
        'Errors are {"detail": "…"}. Authenticate with Authorization: Bearer <API key>, or call from a network in cisco_trusted_networks.',
    },
    paths,
    components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer" } } },
  };
}
