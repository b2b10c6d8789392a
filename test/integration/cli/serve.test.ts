import { describe, expect, it, vi } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { freePort } from "../../support/ports.js";
import { createTestDatabase } from "../../support/test-store.js";

import { listeningAddress, PROCESS_TEST_TIMEOUT_MS, startCli, tempDir } from "./cli-process.js";
import { connectionRefused } from "./slow-request.js";

vi.setConfig({ testTimeout: PROCESS_TEST_TIMEOUT_MS });

describe.each(DIALECTS)("certsmith serve on %s", (dialect) => {
  it("listens on a free loopback port, answers /health, /docs and the OpenAPI document, and stops on SIGTERM", async () => {
    const database = await createTestDatabase(dialect);
    const data = tempDir("cli-serve");
    const cli = startCli([
      "serve",
      "--port",
      "0",
      "--data-dir",
      data.dir,
      "--database-url",
      database.config.url,
    ]);
    try {
      const address = await listeningAddress(cli);
      expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const health = await fetch(`${address}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "healthy", database: "connected" });

      const openapi = await fetch(`${address}/api/v1/openapi.json`);
      expect(openapi.status).toBe(200);
      expect(((await openapi.json()) as { openapi: string }).openapi).toMatch(/^3\.1/);

      const docs = await fetch(`${address}/docs`, { redirect: "follow" });
      expect(docs.status).toBe(200);
      expect(await docs.text()).toContain("swagger");

      cli.child.kill("SIGTERM");
      expect(await cli.exited()).toEqual({ code: 0, signal: null });
    } finally {
      cli.kill();
      await database.drop();
      data.remove();
    }
  });
});

describe("certsmith serve --role worker", () => {
  it("runs without an HTTP listener and stops on SIGTERM", async () => {
    const data = tempDir("cli-worker");
    const port = await freePort();
    const cli = startCli([
      "serve",
      "--role",
      "worker",
      "--port",
      String(port),
      "--data-dir",
      data.dir,
    ]);
    try {
      // The start-up line states the role: the process is up and has skipped the HTTP server.
      await cli.waitForLog((line) => line.role === "worker");
      expect(cli.child.exitCode).toBeNull();
      expect(await connectionRefused(port)).toBe(true);
      expect(cli.logLines().some((line) => typeof line.address === "string")).toBe(false);

      cli.child.kill("SIGTERM");
      expect(await cli.exited()).toEqual({ code: 0, signal: null });
    } finally {
      cli.kill();
      data.remove();
    }
  });
});
