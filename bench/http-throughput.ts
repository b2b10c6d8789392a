/**
 * Requests per second and latency (p50, p99) of the built server, on SQLite and PostgreSQL, for
 *   health        — GET /health (a database round trip, no rows);
 *   projects_list — GET /api/v1/projects?limit=50, a first page of 50 out of
 *                   CERTSMITH_BENCH_PROJECTS (default 1000) projects inserted through the API;
 *   login         — POST /api/v1/auth/login with the right password: one scrypt verification,
 *                   the rate-limit check, a session row and an audit entry per request.
 * autocannon runs in this process with CERTSMITH_BENCH_CONNECTIONS (default 10) keep-alive
 * connections for CERTSMITH_BENCH_SECONDS (default 10), after a 2-second warm-up; each run is also
 * capped at CERTSMITH_BENCH_MAX_REQUESTS. Any error or non-2xx answer fails the bench.
 */

import autocannon, { type Result } from "autocannon";

import { ADMIN } from "../test/integration/cli/api-credentials.js";

import { benchDatabases, storageFor } from "./support/databases.js";
import { emit, envInteger, note, round } from "./support/emit.js";
import {
  adminApiHeaders,
  ensureBuilt,
  startServer,
  type ServerProcess,
} from "./support/server-process.js";

const PROJECTS = envInteger("CERTSMITH_BENCH_PROJECTS", 1000);
const CONNECTIONS = envInteger("CERTSMITH_BENCH_CONNECTIONS", 10);
const SECONDS = envInteger("CERTSMITH_BENCH_SECONDS", 10);
const MAX_REQUESTS = envInteger("CERTSMITH_BENCH_MAX_REQUESTS", 2_000_000);
const WARM_UP_SECONDS = 2;
const INSERT_CONCURRENCY = 16;

async function insertProjects(
  server: ServerProcess,
  headers: Record<string, string>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < PROJECTS) {
      const index = next++;
      const response = await fetch(`${server.baseUrl}/api/v1/projects`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ name: `bench-${index}`, description: "benchmark row" }),
      });
      const text = await response.text();
      if (response.status !== 201) {
        throw new Error(`POST /api/v1/projects answered ${response.status}: ${text}`);
      }
    }
  };
  await Promise.all(Array.from({ length: INSERT_CONCURRENCY }, worker));
}

interface Target {
  name: string;
  path: string;
  method?: "GET" | "POST";
  body?: string;
  /** Whether the request carries the admin's API key. */
  authenticated: boolean;
}

async function measure(
  url: string,
  target: Target,
  headers: Record<string, string>,
  seconds: number,
): Promise<Result> {
  const result = await autocannon({
    url,
    method: target.method ?? "GET",
    headers: {
      ...(target.authenticated ? headers : {}),
      ...(target.body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(target.body === undefined ? {} : { body: target.body }),
    connections: CONNECTIONS,
    duration: seconds,
    maxOverallRequests: MAX_REQUESTS,
    timeout: 10,
  });
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(
      `${url}: ${result.errors} errors, ${result.non2xx} non-2xx answers (${JSON.stringify(result.statusCodeStats)})`,
    );
  }
  return result;
}

ensureBuilt();
for (const database of benchDatabases()) {
  const storage = await storageFor(database);
  const place = await storage.fresh();
  try {
    const server = await startServer(place);
    try {
      const headers = await adminApiHeaders(server, place);
      note(`${database}: inserting ${PROJECTS} projects`);
      await insertProjects(server, headers);

      const targets: Target[] = [
        { name: "health", path: "/health", authenticated: false },
        { name: "projects_list", path: "/api/v1/projects?limit=50", authenticated: true },
        {
          name: "login",
          path: "/api/v1/auth/login",
          method: "POST",
          body: JSON.stringify(ADMIN),
          authenticated: false,
        },
      ];
      for (const target of targets) {
        const url = `${server.baseUrl}${target.path}`;
        await measure(url, target, headers, WARM_UP_SECONDS);
        note(
          `${database}: ${target.method ?? "GET"} ${target.path} for ${SECONDS} s with ${CONNECTIONS} connections`,
        );
        const result = await measure(url, target, headers, SECONDS);
        const context = {
          database,
          connections: CONNECTIONS,
          seconds: result.duration,
          requests: result.requests.total,
        };
        emit({
          metric: `${target.name}_requests_per_second`,
          value: round(result.requests.total / result.duration, 0),
          unit: "req/s",
          ...context,
        });
        emit({
          metric: `${target.name}_latency_p50`,
          value: result.latency.p50,
          unit: "ms",
          ...context,
        });
        emit({
          metric: `${target.name}_latency_p99`,
          value: result.latency.p99,
          unit: "ms",
          ...context,
        });
      }
    } finally {
      await server.stop();
    }
  } finally {
    await place.remove();
    await storage.close();
  }
}
