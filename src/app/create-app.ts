import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { collectDefaultMetrics, Registry } from "prom-client";

import { startCiscoServers, type CiscoServers } from "../cisco-servers/cisco-servers.js";
import type { Config } from "../config/config.types.js";
import type { RouteAccessEntry } from "../http/plugins/access-control.js";
import { buildServer } from "../http/server.js";
import { createJobSystem, type JobSystem } from "../jobs/job-system.js";
import type { KeyStoreRegistry } from "../keys/key-store-registry.js";
import { openKeyStores } from "../keys/open-key-stores.js";
import { systemClock, type Clock } from "../lib/clock.js";
import { createAuditService } from "../services/audit/audit.service.js";
import { createCasService } from "../services/cas/cas.service.js";
import { createCiscoService } from "../services/cisco/cisco.service.js";
import { createCscServices } from "../services/csc/csc.services.js";
import { createIdempotencyService } from "../services/idempotency/idempotency.service.js";
import {
  createIdentityServices,
  type IdentityServices,
} from "../services/identity/identity.services.js";
import { certificateDependents } from "../services/inventory/inventory.dependents.js";
import { createInventoryService } from "../services/inventory/inventory.service.js";
import { createIssuanceService } from "../services/issuance/issuance.service.js";
import { createProfilesService } from "../services/profiles/profiles.service.js";
import { createProjectsService } from "../services/projects/projects.service.js";
import { createRevocationService } from "../services/revocation/revocation.service.js";
import { createHealthService } from "../services/system/health.service.js";
import { migrateToLatest, openStore, type Store } from "../store/db.js";
import { createSoftwareKeysRepository } from "../store/software-keys.repo.js";

import { createLogger } from "./logger.js";
import { VERSION } from "./version.js";

export interface App {
  config: Config;
  store: Store;
  logger: Logger;
  registry: Registry;
  /** Key custody backends (software, and pkcs11 when configured). */
  keys: KeyStoreRegistry;
  /** Durable jobs: `jobs.queue` for services, `jobs.handlers` for domains, the worker if any. */
  jobs: JobSystem;
  /** The one-time setup token printed at start while setup is incomplete; else null. */
  setupToken: string | null;
  /** Identity services (the CLI's `setup` command and tests use them directly). */
  identity: IdentityServices;
  /** The HTTP server (not listening); null for `--role worker`. */
  server: FastifyInstance | null;
  /** The CAPF and TVS servers (issue 6), with their bound ports; null for `--role worker`. */
  ciscoServers: CiscoServers | null;
  /** Stops the HTTP server and workers (bounded by the grace period), then closes the database. */
  close(): Promise<void>;
}

export interface CreateAppOptions {
  logger?: Logger;
  clock?: Clock;
  /** Filled with every route's access declaration (the generated RBAC test reads it). */
  routeTable?: RouteAccessEntry[];
}

/** The composition root: store, services, HTTP and workers, built in dependency order. */
export async function createApp(config: Config, options: CreateAppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const store = openStore(config.database);
  try {
    await migrateToLatest(store.db);
  } catch (error) {
    await store.close();
    throw error;
  }

  // --- key custody (issue 4 §1): a wrong master key or HSM PIN stops start-up right here. ---
  let keys: KeyStoreRegistry;
  try {
    keys = await openKeyStores(config.keys, {
      softwareKeys: createSoftwareKeysRepository(store.db),
      clock,
    });
  } catch (error) {
    await store.close();
    throw error;
  }

  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "certsmith_" });

  // --- jobs (issue 2 §5): created before services, which take `jobs.queue` as a dependency
  // and register their handlers in `jobs.handlers`; the worker starts once all are wired. ---
  const jobs = createJobSystem({ store, clock, logger, config: config.jobs, registry });

  const audit = createAuditService({
    db: store.db,
    clock,
    onFailureNotRecorded: (error, spec) =>
      logger.error({ err: error, action: spec.action }, "audit failure entry not written"),
  });
  const projects = createProjectsService({
    db: store.db,
    clock,
    dependents: [certificateDependents],
    audit,
  });
  const identity = createIdentityServices({
    db: store.db,
    clock,
    projects,
    audit,
    onError: (error) => logger.error({ err: error }, "API key usage flush failed"),
  });
  // Private CAs, profiles and policy, issuance (issue 4 §3–5): everything that signs a
  // certificate with a CA goes through `cas.loadIssuingCa` and `issuance.issueCertificate`.
  const cas = createCasService({ db: store.db, clock, keys, audit, publicUrl: config.publicUrl });
  const profiles = createProfilesService({ db: store.db, clock, audit, cas });
  const issuance = createIssuanceService({ clock, keys, audit, cas, profiles });
  // Revocation and publication (issue 5): its CRL and refresh jobs are registered here, before
  // the worker starts.
  const revocation = createRevocationService({
    db: store.db,
    clock,
    keys,
    audit,
    queue: jobs.queue,
  });
  await revocation.installJobs(jobs);
  const services = {
    health: createHealthService({ version: VERSION, pingDatabase: () => store.ping() }),
    idempotency: createIdempotencyService({ db: store.db, clock }),
    cisco: createCiscoService({
      db: store.db,
      clock,
      keys,
      audit,
      projects,
      cas,
      issuance,
      configuredProjectId: config.cisco.projectId,
    }),
    csc: createCscServices({
      db: store.db,
      clock,
      keys,
      audit,
      auth: identity.auth,
      apiKeys: identity.apiKeys,
      users: identity.users,
      issuance,
    }),
    inventory: createInventoryService({ db: store.db, clock, audit, keys, projects, issuance }),
    projects,
    audit,
    cas,
    profiles,
    issuance,
    revocation,
    ...identity,
  };
  // A fresh one-time setup token while first-run setup is incomplete (issue 3 §1); `serve`
  // prints it. Workers never print one: only a node that serves HTTP can be set up.
  const setupToken = config.role === "worker" ? null : await identity.setup.issueToken();

  const server =
    config.role === "worker"
      ? null
      : await buildServer({
          version: VERSION,
          publicUrl: config.publicUrl,
          bodyLimitBytes: config.bodyLimitBytes,
          logger,
          registry,
          clock,
          secureCookies: config.publicUrl.startsWith("https:"),
          cisco: config.cisco,
          ...(options.routeTable ? { routeTable: options.routeTable } : {}),
          services,
        });

  // --- Cisco CAPF and TVS protocol servers (issue 6 §5), when the config enables them. ---
  const ciscoServers =
    config.role === "worker" ? null : await startCiscoServers(config.cisco, services.cisco, logger);

  // --- jobs: roles `all` and `worker` run jobs; `api` only enqueues them. ---
  if (config.role !== "api") {
    await jobs.startWorker({
      purges: [() => services.idempotency.purgeExpired(), () => services.csc.purgeExpired()],
    });
  }

  let closing: Promise<void> | undefined;
  async function shutDown(): Promise<void> {
    // Jobs wind down alongside HTTP, both bounded by the grace period; unfinished jobs are left
    // to their lease, never failed for the shutdown.
    const jobsStopped = jobs.stop().catch((error: unknown) => {
      logger.error({ err: error }, "stopping the job worker failed");
    });
    await ciscoServers?.close();
    if (server) await closeHttp(server);
    await identity.apiKeyUsage.close();
    await jobsStopped;
    await keys.close().catch((error: unknown) => {
      logger.error({ err: error }, "closing the key stores failed");
    });
    await store.close();
  }

  return {
    config,
    store,
    logger,
    registry,
    keys,
    jobs,
    server,
    ciscoServers,
    setupToken,
    identity,
    close: () => (closing ??= shutDown()),
  };
}

/**
 * Stops accepting and waits for in-flight requests. `close()` drops idle keep-alive connections
 * only once, when it starts; a connection whose request finishes later would then sit idle until
 * its client hangs up and hold shutdown open for the whole grace period. So keep dropping
 * connections as they fall idle until the server has closed.
 */
async function closeHttp(server: FastifyInstance): Promise<void> {
  const sweep = setInterval(() => server.server.closeIdleConnections(), 50);
  try {
    await server.close();
  } finally {
    clearInterval(sweep);
  }
}
