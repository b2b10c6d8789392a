import { describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-store.js";

import { apiHeaders } from "./api-credentials.js";
import { listeningAddress, runCli, startCli, tempDir, type CliProcess } from "./cli-process.js";
import { queryDirectly } from "./direct-query.js";
import { connectionRefused, startSlowProjectCreate } from "./slow-request.js";

/**
 * Each test starts the server, bootstraps an admin through `certsmith setup` (password hashing
 * included) and then waits out a shutdown: generous on a loaded machine.
 */
const TEST_TIMEOUT_MS = 120_000;

interface RunningServer {
  cli: CliProcess;
  port: number;
  database: TestDatabase;
  /** What the project API needs from this client (see api-credentials.ts). */
  headers: Record<string, string>;
  stop(): Promise<void>;
}

async function startServer(
  dialect: "sqlite" | "postgres",
  graceMs: number,
): Promise<RunningServer> {
  const database = await createTestDatabase(dialect);
  const data = tempDir("cli-shutdown");
  const cli = startCli([
    "serve",
    "--port",
    "0",
    "--data-dir",
    data.dir,
    "--database-url",
    database.config.url,
    "--shutdown-grace-ms",
    String(graceMs),
  ]);
  const address = await listeningAddress(cli);
  const storageArgs = ["--data-dir", data.dir, "--database-url", database.config.url];
  const headers = await apiHeaders({
    baseUrl: address,
    runCli: (args) => runCli([...args, ...storageArgs]),
    scratchDir: data.dir,
  });
  return {
    cli,
    port: Number(new URL(address).port),
    database,
    headers,
    async stop() {
      cli.kill();
      await database.drop();
      data.remove();
    },
  };
}

/** Polls until the server refuses new connections: proof that shutdown has begun. */
async function untilRefusingConnections(port: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await connectionRefused(port))) {
    if (Date.now() > deadline) throw new Error("the server still accepts connections");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(DIALECTS)("graceful shutdown on %s", (dialect) => {
  it(
    "on SIGTERM stops accepting, finishes the request in flight, then exits 0 within the grace period",
    async () => {
      const graceMs = 15_000;
      const server = await startServer(dialect, graceMs);
      try {
        const slow = await startSlowProjectCreate(
          server.port,
          "created during shutdown",
          server.headers,
        );
        const signalledAt = Date.now();
        server.cli.child.kill("SIGTERM");
        await untilRefusingConnections(server.port);
        expect(server.cli.child.exitCode).toBeNull();

        const response = await slow.finish();
        expect(response.status).toBe(201);
        expect(JSON.parse(response.body)).toMatchObject({ name: "created during shutdown" });

        // The client keeps its connection open, as keep-alive clients do; the server must still go.
        expect(await server.cli.exited(graceMs + 5_000)).toEqual({ code: 0, signal: null });
        expect(Date.now() - signalledAt).toBeLessThan(graceMs);
        await slow.closed;

        const rows = await queryDirectly<{ name: string }>(
          server.database,
          "select name from projects where name = 'created during shutdown'",
        );
        expect(rows).toHaveLength(1);
      } finally {
        await server.stop();
      }
    },
    TEST_TIMEOUT_MS,
  );
});

describe("shutdown limits", () => {
  it(
    "exits at once on a second SIGTERM, without waiting for the request in flight",
    async () => {
      const server = await startServer("sqlite", 60_000);
      try {
        const slow = await startSlowProjectCreate(server.port, "never finished", server.headers);
        server.cli.child.kill("SIGTERM");
        await untilRefusingConnections(server.port);
        const secondAt = Date.now();
        server.cli.child.kill("SIGTERM");
        expect(await server.cli.exited(10_000)).toEqual({ code: 1, signal: null });
        expect(Date.now() - secondAt).toBeLessThan(3_000);
        await slow.closed;
      } finally {
        await server.stop();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "exits 1 when the grace period ends with a request still in flight",
    async () => {
      const graceMs = 1_000;
      const server = await startServer("sqlite", graceMs);
      try {
        const slow = await startSlowProjectCreate(server.port, "too slow", server.headers);
        const signalledAt = Date.now();
        server.cli.child.kill("SIGTERM");
        expect(await server.cli.exited(graceMs + 20_000)).toEqual({ code: 1, signal: null });
        expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(graceMs);
        expect(
          server.cli.logLines().some((line) => String(line.msg).includes("grace period")),
        ).toBe(true);
        await slow.closed;
      } finally {
        await server.stop();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
