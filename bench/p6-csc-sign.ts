/**
 * P6 CSC signing (issue 7 §7): `POST /csc/v2/signatures/signHash` with 100 SHA-256 digests per
 * call on a software ECDSA P-256 seal credential ("token" mode: the access token authorizes,
 * as in seed 001's flow), with autocannon (closed loop, keep-alive) at
 * CERTSMITH_BENCH_P6_CONNECTIONS ("4") connections for CERTSMITH_BENCH_SECONDS (10) after a
 * 2-second warm-up. Every call authenticates the bearer token, checks the credential and its
 * certificate, signs 100 digests and writes one audit entry.
 *
 * Beside it, in the same run: Node's raw P-256 sign rate (`crypto.sign("sha256", …)`, OpenSSL,
 * one thread) and the raw rate of the primitive the software key store uses to sign digests
 * as given, in batches of 100 (src/keys/ecdsa-digest.ts, since node:crypto cannot sign a
 * pre-computed ECDSA digest: csc-api-v2.md §6.3). The goal is signHash ≥ 50 % of Node's raw
 * rate.
 */
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { performance } from "node:perf_hooks";

import autocannon from "autocannon";

import { signEcdsaDigests } from "../src/keys/ecdsa-digest.js";
import { ADMIN } from "../test/integration/cli/api-credentials.js";

import { benchDatabases, storageFor, type ServerStorage } from "./support/databases.js";
import { emit, envInteger, note, round } from "./support/emit.js";
import { adminApiHeaders, ensureBuilt, startServer } from "./support/server-process.js";

const SECONDS = envInteger("CERTSMITH_BENCH_SECONDS", 10);
const CONNECTIONS = envInteger("CERTSMITH_BENCH_P6_CONNECTIONS", 4);
const HASHES_PER_CALL = 100;
const WARM_UP_SECONDS = 2;
const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

/** Operations per second of `work` on this thread, over `seconds`. */
function rate(work: () => void, seconds: number): number {
  for (let i = 0; i < 50; i++) work(); // warm-up
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    work();
    count++;
  }
  return count / ((performance.now() - started) / 1000);
}

function rawRates() {
  const digest = randomBytes(32);
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const node = rate(() => sign("sha256", digest, privateKey), Math.min(SECONDS, 5));
  const batch = Array.from({ length: HASHES_PER_CALL }, () => randomBytes(32));
  const batches = rate(
    () => signEcdsaDigests(privateKey, "ECDSA-P256", batch),
    Math.min(SECONDS, 5),
  );
  return { node: round(node, 0), digestBatch: round(batches * HASHES_PER_CALL, 0) };
}

async function signHashRate(database: ServerStorage) {
  const server = await startServer(database);
  try {
    const headers = await adminApiHeaders(server, database);
    const api = async (method: string, url: string, body?: unknown, extra = headers) => {
      const response = await fetch(`${server.baseUrl}${url}`, {
        method,
        headers: {
          ...extra,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (response.status >= 300) throw new Error(`${method} ${url}: ${JSON.stringify(json)}`);
      return json;
    };
    const projects = (await api("GET", "/api/v1/projects?limit=1")) as { items: { id: string }[] };
    const projectId = projects.items[0]!.id;
    const users = (await api("GET", "/api/v1/users?limit=50")) as {
      items: { id: string; username: string }[];
    };
    const owner = users.items.find((u) => u.username === ADMIN.username)!;
    const ca = await api("POST", `/api/v1/projects/${projectId}/cas`, {
      name: "p6-ca",
      type: "root",
      subject: { common_name: "P6 Signing CA" },
    });
    const credential = await api("POST", `/api/v1/projects/${projectId}/signing-credentials`, {
      name: "p6 seal",
      owner_user_id: owner.id,
      ca_id: ca.id,
      key_type: "ECDSA-P256",
      key_backend: "software",
      auth_mode: "token",
    });
    const basic = Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString("base64");
    const login = await api("POST", "/csc/v2/auth/login", undefined, {
      authorization: `Basic ${basic}`,
    });
    const body = JSON.stringify({
      credentialID: credential.credential_id,
      hashes: Array.from({ length: HASHES_PER_CALL }, () => randomBytes(32).toString("base64")),
      signAlgo: ECDSA_WITH_SHA256,
    });
    const run = async (seconds: number) => {
      // bench/support/autocannon.d.ts does not declare `body`; autocannon 8 takes it.
      const options = {
        url: `${server.baseUrl}/csc/v2/signatures/signHash`,
        method: "POST",
        headers: {
          authorization: `Bearer ${String(login.access_token)}`,
          "content-type": "application/json",
        },
        body,
        connections: CONNECTIONS,
        duration: seconds,
        timeout: 60,
      };
      const result = await autocannon(options);
      if (result.errors > 0 || result.non2xx > 0) {
        throw new Error(
          `signHash: ${result.errors} errors, ${result.non2xx} non-2xx (${JSON.stringify(result.statusCodeStats)})`,
        );
      }
      return result;
    };
    note(`signHash: ${HASHES_PER_CALL} digests per call, ${CONNECTIONS} connections, ${SECONDS} s`);
    await run(WARM_UP_SECONDS);
    const result = await run(SECONDS);
    return {
      callsPerSecond: result.requests.total / result.duration,
      calls: result.requests.total,
      p50: result.latency.p50,
      p99: result.latency.p99,
    };
  } finally {
    await server.stop();
  }
}

ensureBuilt();
note("raw P-256 sign rates on one thread (node:crypto, batched digest signing)");
const raw = rawRates();
emit({
  metric: "p6_node_raw_sign_per_second",
  value: raw.node,
  unit: "sig/s",
  database: null,
  curve: "P-256",
});
emit({
  metric: "p6_raw_digest_batch_sign_per_second",
  value: raw.digestBatch,
  unit: "sig/s",
  database: null,
  curve: "P-256",
});
for (const database of benchDatabases()) {
  const storage = await storageFor(database);
  const place = await storage.fresh();
  try {
    const figures = await signHashRate(place);
    const perSecond = round(figures.callsPerSecond * HASHES_PER_CALL, 0);
    const context = {
      database,
      hashes_per_call: HASHES_PER_CALL,
      connections: CONNECTIONS,
      calls: figures.calls,
    };
    emit({
      metric: "p6_signhash_signatures_per_second",
      value: perSecond,
      unit: "sig/s",
      ...context,
    });
    emit({ metric: "p6_signhash_latency_p50", value: figures.p50, unit: "ms", ...context });
    emit({ metric: "p6_signhash_latency_p99", value: figures.p99, unit: "ms", ...context });
    emit({
      metric: "p6_signhash_ratio_to_node_raw",
      value: round(perSecond / raw.node, 3),
      unit: "ratio",
      ...context,
    });
  } finally {
    await place.remove();
    await storage.close();
  }
}
