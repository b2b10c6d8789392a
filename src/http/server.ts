import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Registry } from "prom-client";

import type { CiscoConfig } from "../config/config.types.js";
import type { Clock } from "../lib/clock.js";
import type { AuditService } from "../services/audit/audit.service.js";
import type { CasService } from "../services/cas/cas.service.js";
import type { CiscoService } from "../services/cisco/cisco.service.js";
import type { CscServices } from "../services/csc/csc.services.js";
import type { IdempotencyService } from "../services/idempotency/idempotency.service.js";
import type { ApiKeyUsage } from "../services/identity/api-key-usage.js";
import type { ApiKeysService } from "../services/identity/api-keys.service.js";
import type { AuthService } from "../services/identity/auth.service.js";
import type { MembersService } from "../services/identity/members.service.js";
import type { SetupService } from "../services/identity/setup.service.js";
import type { UsersService } from "../services/identity/users.service.js";
import type { InventoryService } from "../services/inventory/inventory.service.js";
import type { IssuanceService } from "../services/issuance/issuance.service.js";
import type { ProfilesService } from "../services/profiles/profiles.service.js";
import type { ProjectsService } from "../services/projects/projects.service.js";
import type { RevocationService } from "../services/revocation/revocation.service.js";
import type { HealthService } from "../services/system/health.service.js";

import { principalScope } from "./actor.js";
import { registerOpenApi } from "./openapi.js";
import { registerAccessControl, type RouteAccessEntry } from "./plugins/access-control.js";
import { registerNativeErrorHandler } from "./plugins/error-handler.js";
import { registerIdempotency } from "./plugins/idempotency.js";
import {
  createLazySchemaCompilers,
  trackLazySchemaCompilers,
} from "./plugins/lazy-schema-compilers.js";
import { registerHttpMetrics } from "./plugins/metrics.js";
import { registerRequestId, requestIdFor } from "./plugins/request-id.js";
import { enforceRouteContract } from "./plugins/route-contract.js";
import { RequestLogController } from "./request-log.js";
import { cellAdminRoutes } from "./routes/compat/cell-admin.js";
import { cellVaultRoutes } from "./routes/compat/cell-vault.js";
import { ciscoCapfRoutes } from "./routes/compat/cisco-capf.js";
import { ciscoProvisioningRoutes } from "./routes/compat/cisco-provisioning.js";
import { ciscoTvsRoutes } from "./routes/compat/cisco-tvs.js";
import { sectrailRoutes } from "./routes/compat/sectrail.js";
import { cscRoutes } from "./routes/csc/csc-scope.js";
import { createOcspExchange } from "./routes/ocsp-exchange.js";
import { ocspServerFactory } from "./routes/ocsp-fast-path.js";
import { ocspRoutes } from "./routes/ocsp.js";
import { pkiPublicationRoutes } from "./routes/pki-publication.js";
import { systemRoutes } from "./routes/system.js";
import { apiKeyRoutes } from "./routes/v1/api-keys.js";
import { auditRoutes } from "./routes/v1/audit.js";
import { authRoutes } from "./routes/v1/auth.js";
import { caRoutes } from "./routes/v1/cas.js";
import { certificateIssueRoutes } from "./routes/v1/certificates-issue.js";
import { certificateRoutes } from "./routes/v1/certificates.js";
import { ciscoDeviceRoutes } from "./routes/v1/cisco-devices.js";
import { ciscoRoutes } from "./routes/v1/cisco.js";
import { CSC_LOGO_PATH, cscConfigRoutes } from "./routes/v1/csc-config.js";
import { memberRoutes } from "./routes/v1/members.js";
import { policyRoutes } from "./routes/v1/policy.js";
import { profileRoutes } from "./routes/v1/profiles.js";
import { projectRoutes } from "./routes/v1/projects.js";
import { revocationRoutes } from "./routes/v1/revocation.js";
import { setupRoutes } from "./routes/v1/setup.js";
import { signingCredentialRoutes } from "./routes/v1/signing-credentials.js";
import { userRoutes } from "./routes/v1/users.js";

export interface ServerDeps {
  version: string;
  publicUrl: string;
  bodyLimitBytes: number;
  logger: FastifyBaseLogger;
  registry: Registry;
  clock: Clock;
  /** Session cookies get `Secure` when the public URL is https. */
  secureCookies: boolean;
  /** Filled with every route's access declaration (for the generated RBAC test). */
  routeTable?: RouteAccessEntry[];
  /** Trusted networks of the Cisco compat APIs and the phones' provisioning path. */
  cisco: Pick<CiscoConfig, "trustedNetworks" | "provisioningPath">;
  services: {
    health: HealthService;
    idempotency: IdempotencyService;
    cisco: CiscoService;
    csc: CscServices;
    inventory: InventoryService;
    projects: ProjectsService;
    revocation: RevocationService;
    cas: CasService;
    profiles: ProfilesService;
    issuance: IssuanceService;
    audit: AuditService;
    auth: AuthService;
    users: UsersService;
    members: MembersService;
    apiKeys: ApiKeysService;
    apiKeyUsage: ApiKeyUsage;
    setup: SetupService;
  };
}

/**
 * The whole HTTP surface, ready for `listen()` or `inject()`; listening is the caller's job
 * (STYLE.md §1: app/server split), so tests run the real server without a port.
 */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const schemaCompilers = createLazySchemaCompilers();
  const ocsp = createOcspExchange({
    revocation: deps.services.revocation,
    clock: deps.clock,
    registry: deps.registry,
  });
  const app = Fastify({
    // OCSP requests skip Fastify's hooks on a listening server (routes/ocsp-fast-path.ts).
    serverFactory: ocspServerFactory({ exchange: ocsp, logger: deps.logger }),
    loggerInstance: deps.logger,
    genReqId: requestIdFor,
    requestIdHeader: false,
    logController: new RequestLogController(),
    bodyLimit: deps.bodyLimitBytes,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
    ajv: {
      // Unknown fields are refused (400), not silently dropped; query strings are coerced.
      customOptions: {
        removeAdditional: false,
        coerceTypes: "array",
        useDefaults: true,
        allErrors: false,
      },
    },
    // Each route's validators and serializers compile on its first request, not at ready().
    schemaController: { compilersFactory: schemaCompilers.compilersFactory },
  });
  trackLazySchemaCompilers(app, schemaCompilers);

  // JSON only (seed 004 §04): the only body parser at the root is JSON, so any other content type
  // with a body is a 415. An empty body is "no body" (actions like POST …/revoke need none).
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    void parseJson(request, body as string, done);
  });

  registerRequestId(app);
  registerNativeErrorHandler(app);
  registerHttpMetrics(app, deps.registry);
  registerAccessControl(app, {
    auth: deps.services.auth,
    apiKeys: deps.services.apiKeys,
    usage: deps.services.apiKeyUsage,
    clock: deps.clock,
    secureCookies: deps.secureCookies,
    ...(deps.routeTable ? { routeTable: deps.routeTable } : {}),
  });
  registerIdempotency(app, { idempotency: deps.services.idempotency, scopeOf: principalScope });
  enforceRouteContract(app);
  await registerOpenApi(app, { version: deps.version, publicUrl: deps.publicUrl });

  systemRoutes(app, { health: deps.services.health, registry: deps.registry });
  const { services } = deps;
  setupRoutes(app, { setup: services.setup });
  authRoutes(app, { auth: services.auth, secureCookies: deps.secureCookies });
  userRoutes(app, { users: services.users });
  apiKeyRoutes(app, { apiKeys: services.apiKeys, clock: deps.clock });
  projectRoutes(app, { projects: services.projects });
  auditRoutes(app, { audit: services.audit });
  signingCredentialRoutes(app, { credentials: services.csc.credentials });
  cscConfigRoutes(app, { cscConfig: services.csc.config, publicUrl: deps.publicUrl });
  await cscRoutes(app, {
    cscAuth: services.csc.auth,
    cscSigning: services.csc.signing,
    cscConfig: services.csc.config,
    logoUrl: `${deps.publicUrl.replace(/\/$/, "")}${CSC_LOGO_PATH}`,
  });
  cellAdminRoutes(app, { users: services.users, audit: services.audit });
  memberRoutes(app, { members: services.members });
  revocationRoutes(app, { revocation: services.revocation });
  caRoutes(app, { cas: services.cas });
  profileRoutes(app, { profiles: services.profiles });
  policyRoutes(app, { profiles: services.profiles });
  certificateIssueRoutes(app, { issuance: services.issuance });
  pkiPublicationRoutes(app, { revocation: services.revocation, clock: deps.clock });
  await ocspRoutes(app, { exchange: ocsp });
  const ciscoCompat = {
    cisco: services.cisco,
    health: services.health,
    trustedNetworks: deps.cisco.trustedNetworks,
    version: deps.version,
  };
  ciscoDeviceRoutes(app, { cisco: services.cisco });
  ciscoRoutes(app, { cisco: services.cisco });
  await ciscoCapfRoutes(app, ciscoCompat);
  await ciscoTvsRoutes(app, ciscoCompat);
  ciscoProvisioningRoutes(app, { cisco: services.cisco, path: deps.cisco.provisioningPath });
  certificateRoutes(app, { inventory: services.inventory });
  sectrailRoutes(app, {
    issuance: services.issuance,
    inventory: services.inventory,
    projects: services.projects,
    profiles: services.profiles,
  });
  cellVaultRoutes(app, {
    issuance: services.issuance,
    inventory: services.inventory,
    cas: services.cas,
    projects: services.projects,
  });

  return app;
}
