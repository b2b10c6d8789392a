import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";

import { ErrorResponse } from "./schemas/common.js";

export interface OpenApiOptions {
  version: string;
  publicUrl: string;
}

/**
 * OpenAPI 3.1 generated from the route schemas, served at /api/v1/openapi.json, with Swagger UI
 * at /docs. Must be registered before any route so that every route is collected.
 */
export async function registerOpenApi(
  app: FastifyInstance,
  options: OpenApiOptions,
): Promise<void> {
  app.addSchema(ErrorResponse);
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Certsmith API",
        version: options.version,
        description:
          "Certificate lifecycle management. Lists use cursor pagination (`limit`, `cursor` → `next_cursor`); " +
          "every mutation accepts `Idempotency-Key`; every response carries `X-Request-ID`; errors share one shape.",
      },
      servers: [{ url: options.publicUrl }],
      components: {
        securitySchemes: {
          apiKey: {
            type: "http",
            scheme: "bearer",
            description: "An API key (`csk_…`) from POST /api/v1/api-keys.",
          },
          session: {
            type: "apiKey",
            in: "cookie",
            name: "certsmith_session",
            description:
              "Set by POST /api/v1/auth/login. Mutations also need the X-CSRF-Token header.",
          },
        },
      },
      tags: [
        { name: "system", description: "Health and metrics." },
        {
          name: "projects",
          description: "Tenancy: every project-scoped resource lives under a project.",
        },
        { name: "setup", description: "First-run wizard, guarded by the console token." },
        { name: "auth", description: "Sessions for people: login, logout, CSRF token." },
        { name: "users", description: "Organisation accounts and roles." },
        { name: "members", description: "Project membership and project roles." },
        { name: "api-keys", description: "Scoped keys for machines." },
        {
          name: "cisco",
          description:
            "Cisco IP-phone security: CAPF devices, the TVS trust list, signers, ITL files and encrypted configs (docs/cisco.md).",
        },
        {
          name: "audit",
          description: "The hash-chained audit log: list, export and verify (docs/audit.md).",
        },
        {
          name: "signing-credentials",
          description:
            "Keys and certificates for CSC remote signing, with PIN and owner (docs/csc.md).",
        },
        {
          name: "csc",
          description: "The CSC service configuration announced by /csc/v2/info (docs/csc.md).",
        },
        {
          name: "certificates",
          description: "The certificate inventory: issue, import, list, inspect, download, renew.",
        },
        {
          name: "cas",
          description:
            "Private CAs: roots, intermediates, imported and external issuers (docs/cas.md).",
        },
        {
          name: "profiles",
          description: "Issuance profiles: defaults and limits per kind of certificate.",
        },
        {
          name: "policy",
          description: "The project's issuance policy, enforced on every issuance.",
        },
        {
          name: "pki",
          description:
            "Public PKI publication: CA certificates and chains, CRLs and the OCSP responder (docs/revocation.md).",
        },
      ],
    },
    // Shared schemas keep their $id as the component name ("ErrorResponse", not "def-0").
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === "string" ? json.$id : `def-${i}`,
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs", uiConfig: { docExpansion: "list" } });
  app.get(
    "/api/v1/openapi.json",
    { config: { access: { public: true } }, schema: { hide: true } },
    (_request, reply) => reply.type("application/json; charset=utf-8").send(app.swagger()),
  );
}
