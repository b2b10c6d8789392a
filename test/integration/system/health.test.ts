import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { createApp } from "../../../src/app/create-app.js";
import { createLogger } from "../../../src/app/logger.js";
import { loadConfig } from "../../../src/config/load.js";
import { DIALECTS } from "../../support/dialects.js";
import { startPostgresCluster } from "../../support/postgres-cluster.js";
import { createTestApp } from "../../support/test-app.js";

describe.each(DIALECTS)("health and metrics on %s", (dialect) => {
  it("reports healthy with the version and a connected database", async () => {
    const t = await createTestApp(dialect);
    try {
      const res = await t.inject({ method: "GET", url: "/health" });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        status: "healthy",
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
        database: "connected",
      });
    } finally {
      await t.close();
    }
  });

  it("exposes request counts and latency by route and status, and process metrics", async () => {
    const t = await createTestApp(dialect);
    try {
      await t.inject({ method: "GET", url: "/api/v1/projects" });
      await t.inject({ method: "GET", url: "/api/v1/projects/prj_missing" });
      const text = (await t.inject({ method: "GET", url: "/metrics" })).body;
      expect(text).toContain(
        'certsmith_http_requests_total{method="GET",route="/api/v1/projects",status_code="200"} 1',
      );
      expect(text).toContain('route="/api/v1/projects/:projectId",status_code="404"');
      expect(text).toMatch(
        /certsmith_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/v1\/projects"/,
      );
      expect(text).toContain("certsmith_process_resident_memory_bytes");
    } finally {
      await t.close();
    }
  });
});

describe.runIf(DIALECTS.includes("postgres"))("health while PostgreSQL is down", () => {
  it("answers 503 unhealthy while the database is stopped, and recovers when it is back", async () => {
    const cluster = await startPostgresCluster();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "certsmith-health-"));
    const config = loadConfig({
      flags: { "data-dir": dataDir, "database-url": cluster.url() },
      env: {},
    });
    const app = await createApp(config, { logger: createLogger("silent") });
    try {
      const server = app.server!;
      expect((await server.inject({ method: "GET", url: "/health" })).statusCode).toBe(200);
      await cluster.stop();
      const down = await server.inject({ method: "GET", url: "/health" });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ status: "unhealthy", database: "unreachable" });
      await cluster.start();
      expect((await server.inject({ method: "GET", url: "/health" })).statusCode).toBe(200);
    } finally {
      await app.close();
      await cluster.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
