/**
 * P1 issuance (issue 4 §9): REST issuance from a fixed CSR, stored and audited, against
 * `cfssl serve` signing the same CSR with a CA of the same key type (no storage), with the same
 * load generator (autocannon, closed loop, keep-alive) at CERTSMITH_BENCH_P1_CONNECTIONS
 * ("1,8,32") connections for CERTSMITH_BENCH_SECONDS (10) each after a 2-second warm-up.
 * Key types: CERTSMITH_BENCH_P1_KEYS ("ECDSA-P256,RSA-2048"): the CA key and the CSR key.
 *
 * Certsmith: POST /api/v1/projects/{id}/certificates {"ca_id","csr"} with an API key (every
 * request authenticated, policy checked, certificate row + names + audit entry written).
 * cfssl: POST /api/v1/cfssl/sign {"certificate_request","hosts"} (Debian golang-cfssl).
 * Any error or non-2xx answer fails the bench. Without cfssl installed only our figures print.
 *
 * Beside the rates: the server's CPU time per certificate (all its threads, from /proc), for
 * Certsmith and for cfssl. With the load generator on the same cores the rates swing by ±30 %
 * between runs; CPU per certificate moves by a few percent, so it is the figure to compare builds.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import autocannon, { type Result } from "autocannon";

import { freePort } from "../test/support/ports.js";

import { benchDatabases, storageFor, type ServerStorage } from "./support/databases.js";
import { emit, envInteger, note, round } from "./support/emit.js";
import {
  adminApiHeaders,
  ensureBuilt,
  processCpuMs,
  startServer,
} from "./support/server-process.js";

type KeyKind = "ECDSA-P256" | "RSA-2048";

const SECONDS = envInteger("CERTSMITH_BENCH_SECONDS", 10);
const WARM_UP_SECONDS = 2;
const CONNECTIONS = (process.env.CERTSMITH_BENCH_P1_CONNECTIONS ?? "1,8,32")
  .split(",")
  .map((value) => Number(value.trim()));
const KEYS = (process.env.CERTSMITH_BENCH_P1_KEYS ?? "ECDSA-P256,RSA-2048")
  .split(",")
  .map((value) => value.trim() as KeyKind);

const OPENSSL_NEWKEY: Record<KeyKind, string[]> = {
  "ECDSA-P256": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
  "RSA-2048": ["-newkey", "rsa:2048"],
};
const CFSSL_KEY: Record<KeyKind, { algo: string; size: number }> = {
  "ECDSA-P256": { algo: "ecdsa", size: 256 },
  "RSA-2048": { algo: "rsa", size: 2048 },
};

function run(command: string, args: string[], cwd?: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

function makeCsr(dir: string, kind: KeyKind): string {
  const csr = path.join(dir, `leaf-${kind}.csr`);
  run("openssl", [
    "req",
    "-new",
    ...OPENSSL_NEWKEY[kind],
    "-nodes",
    "-keyout",
    path.join(dir, `leaf-${kind}.key`),
    "-out",
    csr,
    "-subj",
    "/CN=leaf.bench.test",
    "-addext",
    "subjectAltName=DNS:leaf.bench.test",
  ]);
  return readFileSync(csr, "utf8");
}

interface Load {
  url: string;
  body: string;
  headers: Record<string, string>;
}

async function load(target: Load, connections: number, seconds: number): Promise<Result> {
  // autocannon takes `body`; the shared typings (support/autocannon.d.ts) leave it out.
  const withBody = { body: target.body };
  const result = await autocannon({
    url: target.url,
    method: "POST",
    headers: { ...target.headers, "content-type": "application/json" },
    ...withBody,
    connections,
    duration: seconds,
    timeout: 30,
  });
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(
      `${target.url}: ${result.errors} errors, ${result.non2xx} non-2xx (${JSON.stringify(result.statusCodeStats)})`,
    );
  }
  return result;
}

interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
  requests: number;
  /** CPU time the server process used per certificate, in ms. */
  cpuMs: number;
}

/** Certificates per second, latency and server CPU per certificate at each connection count. */
async function measureAll(target: Load, serverPid: number): Promise<Map<number, Figures>> {
  const figures = new Map<number, Figures>();
  for (const connections of CONNECTIONS) {
    await load(target, connections, WARM_UP_SECONDS);
    const cpuBefore = processCpuMs(serverPid);
    const result = await load(target, connections, SECONDS);
    const cpuUsed = processCpuMs(serverPid) - cpuBefore;
    figures.set(connections, {
      perSecond: round(result.requests.total / result.duration, 0),
      p50: result.latency.p50,
      p99: result.latency.p99,
      requests: result.requests.total,
      cpuMs: round(cpuUsed / result.requests.total, 3),
    });
  }
  return figures;
}

async function certsmithFigures(database: ServerStorage, csrs: Map<KeyKind, string>) {
  const server = await startServer(database);
  try {
    const headers = await adminApiHeaders(server, database);
    const api = async (method: string, url: string, body?: unknown) => {
      const response = await fetch(`${server.baseUrl}${url}`, {
        method,
        headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (response.status >= 300) throw new Error(`${method} ${url}: ${JSON.stringify(json)}`);
      return json;
    };
    const projects = (await api("GET", "/api/v1/projects?limit=1")) as { items: { id: string }[] };
    const projectId = projects.items[0]!.id;
    const out = new Map<KeyKind, Map<number, Figures>>();
    for (const kind of KEYS) {
      const ca = await api("POST", `/api/v1/projects/${projectId}/cas`, {
        name: `p1-${kind}`,
        type: "root",
        subject: { common_name: `P1 ${kind} CA` },
        key_type: kind,
      });
      const target: Load = {
        url: `${server.baseUrl}/api/v1/projects/${projectId}/certificates`,
        body: JSON.stringify({ ca_id: ca.id, csr: csrs.get(kind) }),
        headers,
      };
      note(`certsmith ${kind}: ${CONNECTIONS.join("/")} connections, ${SECONDS} s each`);
      out.set(kind, await measureAll(target, server.pid));
    }
    return out;
  } finally {
    await server.stop();
  }
}

async function cfsslFigures(dir: string, csrs: Map<KeyKind, string>) {
  const out = new Map<KeyKind, Map<number, Figures>>();
  if (spawnSync("cfssl", ["version"]).status !== 0) {
    note("cfssl is not installed (apt-get install golang-cfssl): no peer figures");
    return out;
  }
  writeFileSync(
    path.join(dir, "config.json"),
    JSON.stringify({
      signing: {
        default: {
          expiry: "2160h",
          usages: ["digital signature", "key encipherment", "server auth", "client auth"],
        },
      },
    }),
  );
  for (const kind of KEYS) {
    const caDir = mkdtempSync(path.join(dir, "ca-"));
    writeFileSync(
      path.join(caDir, "ca-csr.json"),
      JSON.stringify({ CN: `cfssl ${kind} CA`, key: CFSSL_KEY[kind], names: [{ O: "bench" }] }),
    );
    const initca = run("cfssl", ["gencert", "-initca", "ca-csr.json"], caDir);
    const { cert, key } = JSON.parse(initca) as { cert: string; key: string };
    writeFileSync(path.join(caDir, "ca.pem"), cert);
    writeFileSync(path.join(caDir, "ca-key.pem"), key);
    const port = await freePort();
    const child: ChildProcess = spawn(
      "cfssl",
      [
        "serve",
        "-address",
        "127.0.0.1",
        "-port",
        String(port),
        "-ca",
        path.join(caDir, "ca.pem"),
        "-ca-key",
        path.join(caDir, "ca-key.pem"),
        "-config",
        path.join(dir, "config.json"),
        "-loglevel",
        "2",
      ],
      { stdio: "ignore" },
    );
    try {
      const url = `http://127.0.0.1:${port}/api/v1/cfssl/sign`;
      const body = JSON.stringify({
        certificate_request: csrs.get(kind),
        hosts: ["leaf.bench.test"],
      });
      for (let i = 0; ; i++) {
        const probe = await fetch(url, { method: "POST", body }).catch(() => null);
        const json = probe ? ((await probe.json()) as { success?: boolean }) : null;
        if (json?.success) break;
        if (i > 200) throw new Error("cfssl serve did not sign the probe request");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      note(`cfssl ${kind}: ${CONNECTIONS.join("/")} connections, ${SECONDS} s each`);
      out.set(kind, await measureAll({ url, body, headers: {} }, child.pid!));
    } finally {
      child.kill("SIGTERM");
    }
  }
  return out;
}

ensureBuilt();
const scratch = mkdtempSync(path.join(os.tmpdir(), "certsmith-p1-"));
try {
  const csrs = new Map(KEYS.map((kind) => [kind, makeCsr(scratch, kind)] as const));
  const peer = await cfsslFigures(scratch, csrs);
  for (const [kind, figures] of peer) {
    for (const [connections, f] of figures) {
      const context = {
        database: null,
        peer: "cfssl",
        key_type: kind,
        connections,
        requests: f.requests,
      };
      emit({
        metric: "p1_cfssl_certificates_per_second",
        value: f.perSecond,
        unit: "certs/s",
        ...context,
      });
      emit({ metric: "p1_cfssl_latency_p50", value: f.p50, unit: "ms", ...context });
      emit({ metric: "p1_cfssl_latency_p99", value: f.p99, unit: "ms", ...context });
      emit({ metric: "p1_cfssl_cpu_per_certificate", value: f.cpuMs, unit: "ms", ...context });
    }
  }
  for (const database of benchDatabases()) {
    const storage = await storageFor(database);
    const place = await storage.fresh();
    try {
      const ours = await certsmithFigures(place, csrs);
      for (const [kind, figures] of ours) {
        for (const [connections, f] of figures) {
          const context = { database, key_type: kind, connections, requests: f.requests };
          emit({
            metric: "p1_issuance_certificates_per_second",
            value: f.perSecond,
            unit: "certs/s",
            ...context,
          });
          emit({ metric: "p1_issuance_latency_p50", value: f.p50, unit: "ms", ...context });
          emit({ metric: "p1_issuance_latency_p99", value: f.p99, unit: "ms", ...context });
          emit({
            metric: "p1_issuance_cpu_per_certificate",
            value: f.cpuMs,
            unit: "ms",
            ...context,
          });
          const theirs = peer.get(kind)?.get(connections);
          if (theirs) {
            emit({
              metric: "p1_issuance_ratio_to_cfssl",
              value: round(f.perSecond / theirs.perSecond, 2),
              unit: "ratio",
              ...context,
            });
            emit({
              metric: "p1_issuance_cpu_ratio_to_cfssl",
              value: round(theirs.cpuMs / f.cpuMs, 2),
              unit: "ratio",
              ...context,
            });
          }
        }
      }
    } finally {
      await place.remove();
      await storage.close();
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
