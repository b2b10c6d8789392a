import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";

import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import pino from "pino";

import { createApp, type App, type CreateAppOptions } from "../../src/app/create-app.js";
import { REDACTED_PATHS } from "../../src/app/logger.js";
import { loadConfig } from "../../src/config/load.js";
import type { Dialect } from "../../src/store/db.js";

import { leakedSecrets, rememberSecret } from "./secrets.js";
import { createTestDatabase } from "./test-store.js";

export const TEST_ADMIN = { username: "admin", password: "correct horse battery staple" };

export interface TestApp {
  app: App;
  server: FastifyInstance;
  /** `server.inject` as the bootstrapped admin (Bearer API key with `*`); headers can override. */
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** The admin's API key (null with `bootstrap: false`). */
  adminKey: string | null;
  /** Every log line the app wrote, parsed (for asserting request ids and that no secret leaks). */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** The real app (real migrations, real store of the dialect) with its logs captured in memory. */
export async function createTestApp(
  dialect: Dialect,
  flags: Record<string, string> = {},
  options: Omit<CreateAppOptions, "logger"> & {
    /** Run first-run setup and make an admin API key (default true). */
    bootstrap?: boolean;
  } = {},
): Promise<TestApp> {
  const database = await createTestDatabase(dialect);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "certsmith-data-"));
  const config = loadConfig({
    flags: { "data-dir": dataDir, "database-url": database.config.url, ...flags },
    env: {},
  });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  const logger = pino(
    { level: "debug", redact: { paths: REDACTED_PATHS, censor: "[redacted]" } },
    sink,
  );
  const { bootstrap = true, ...appOptions } = options;
  const app = await createApp(config, { ...appOptions, logger });
  const server = app.server!;
  const adminKey = bootstrap ? await bootstrapAdmin(app) : null;
  rememberSecret("the admin password", TEST_ADMIN.password);
  if (adminKey) rememberSecret("the admin API key", adminKey);
  return {
    app,
    server,
    adminKey,
    inject: (request) =>
      server.inject({
        ...request,
        headers: {
          ...(adminKey ? { authorization: `Bearer ${adminKey}` } : {}),
          ...(request.headers ?? {}),
        },
      }),
    logs,
    async close() {
      const auditEntries = await app.store.db.selectFrom("audit_entries").selectAll().execute();
      await app.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
      const leaks = [
        ...leakedSecrets(JSON.stringify(logs)).map((label) => `${label} in the log`),
        ...leakedSecrets(JSON.stringify(auditEntries)).map((label) => `${label} in the audit log`),
      ];
      if (leaks.length > 0) throw new Error(`secrets leaked: ${leaks.join(", ")}`);
    },
  };
}

/** Completes setup with TEST_ADMIN and returns an unrestricted API key of that admin. */
async function bootstrapAdmin(app: App): Promise<string> {
  const { admin } = await app.identity.setup.bootstrap(TEST_ADMIN);
  const context = { requestId: null, sourceIp: "127.0.0.1" };
  const principal = await app.identity.auth.loadPrincipal(admin.id, context);
  if (!principal) throw new Error("the bootstrapped admin cannot be loaded");
  const { key } = await app.identity.apiKeys.create(principal, {
    name: "test-admin",
    permissions: ["*"],
  });
  return key;
}
