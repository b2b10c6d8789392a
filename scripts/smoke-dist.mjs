#!/usr/bin/env node
// Starts the built server the way the README's first command does (`npm start`: the bundle in
// dist/, embedded SQLite, software keys) on a free loopback port with a throw-away data dir,
// checks /health, /docs and /api/v1/openapi.json, then stops it with SIGTERM and expects a clean
// exit. The tests run the TypeScript sources; this is what checks the bundle itself.
/* global fetch, setTimeout, console */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const START_TIMEOUT_MS = 30_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The `node` options and script of `npm start`, so the smoke test runs exactly that. */
function startCommand() {
  const { scripts } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
  const words = scripts.start.split(/\s+/);
  if (words[0] !== "node") throw new Error(`unexpected start script: ${scripts.start}`);
  return words.slice(1);
}

async function get(url) {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), "certsmith-smoke-"));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const child = spawn(process.execPath, [...startCommand(), "--port", String(port)], {
  cwd: root,
  env: { ...process.env, CERTSMITH_DATA_DIR: dataDir },
  stdio: ["ignore", "ignore", "pipe"],
});
// First start prints the setup token on stderr, by design; shown only if the check fails.
let stderr = "";
child.stderr.on("data", (chunk) => (stderr += chunk));
const exited = new Promise((resolve) =>
  child.on("exit", (code, signal) => resolve({ code, signal })),
);
let failure = null;
try {
  const started = Date.now();
  for (;;) {
    const health = await get(`${base}/health`).catch(() => null);
    if (health?.status === 200) {
      if (JSON.parse(health.body).status !== "healthy") throw new Error(`/health: ${health.body}`);
      break;
    }
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    if (Date.now() - started > START_TIMEOUT_MS) throw new Error("no 200 on /health in 30 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const docs = await get(`${base}/docs`);
  if (docs.status !== 200 && docs.status !== 302) throw new Error(`/docs answered ${docs.status}`);
  const openapi = await get(`${base}/api/v1/openapi.json`);
  if (openapi.status !== 200 || !JSON.parse(openapi.body).openapi?.startsWith("3.1")) {
    throw new Error(`/api/v1/openapi.json answered ${openapi.status}`);
  }
  console.log(
    `smoke: the built server answered /health, /docs and the OpenAPI document (${Date.now() - started} ms to healthy)`,
  );
} catch (error) {
  failure = error;
} finally {
  child.kill("SIGTERM");
  const { code, signal } = await exited;
  rmSync(dataDir, { recursive: true, force: true });
  if (!failure && code !== 0)
    failure = new Error(`the server exited with ${code ?? signal} on SIGTERM`);
}
if (failure) {
  console.error(`smoke: ${failure.message}\n--- server stderr ---\n${stderr}`);
  process.exit(1);
}
