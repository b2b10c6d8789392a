/**
 * Benchmark P3 (issue 5 §6): OCSP responses per second of the built server for a mix of good and
 * revoked serials from a CA with CERTSMITH_BENCH_OCSP_CERTS (1,000,000) issued certificates, side
 * by side with OpenSSL's own responder (`openssl ocsp -index … -port …`) answering the same
 * requests on loopback from an index.txt with the same certificates; then the time to serve the
 * CA's CRL with its CERTSMITH_BENCH_OCSP_REVOKED_PERCENT (10 %) revoked entries again, and to
 * build it (database read, encode, sign, store; bench/support/crl-build-time.ts).
 *
 * Requests are RFC 5019 style (one SHA-1 CertID, no nonce: what browsers and TLS stacks send),
 * over CERTSMITH_BENCH_OCSP_SERIALS (2,000) distinct serials, a fifth of them revoked, by POST.
 * A second run adds a nonce to every request, which forces a fresh signature per answer.
 * Both servers get the same client for the side-by-side ratio: CERTSMITH_BENCH_CONNECTIONS (10)
 * workers, a new TCP connection per request (OpenSSL's responder closes every connection;
 * bench/support/closing-load.ts), for CERTSMITH_BENCH_SECONDS (10) each, in interleaved
 * 2-second slices; so does a bare node:http server sending one fixed answer, the ceiling of any
 * Node.js responder under this client. Ours, warmed up first (every serial once, then 2
 * seconds), is also measured with autocannon over keep-alive connections. Before measuring, one
 * good and one revoked answer of each server are checked with `openssl ocsp -respin`.
 */
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

import autocannon, { type Result } from "autocannon";
import pino from "pino";

import { createApp } from "../src/app/create-app.js";
import { loadConfig } from "../src/config/load.js";
import { canImport } from "../src/keys/key-store.js";
import { sequence, explicit, octetString } from "../src/pki/der-encode.js";
import { computeIssuerHashes, encodeCertId } from "../src/pki/revocation/index.js";
import { freePort } from "../test/support/ports.js";

import { closingLoad, emptyTally, summarize } from "./support/closing-load.js";
import { measureCrlBuilds } from "./support/crl-build-time.js";
import { benchDatabases, storageFor, type ServerStorage } from "./support/databases.js";
import { emit, envInteger, note, round } from "./support/emit.js";
import { startFixedResponder } from "./support/fixed-responder.js";
import { ensureBuilt, startServer } from "./support/server-process.js";

const CERTS = envInteger("CERTSMITH_BENCH_OCSP_CERTS", 1_000_000);
const REVOKED_PERCENT = envInteger("CERTSMITH_BENCH_OCSP_REVOKED_PERCENT", 10);
const SERIALS = envInteger("CERTSMITH_BENCH_OCSP_SERIALS", 2_000);
const CONNECTIONS = envInteger("CERTSMITH_BENCH_CONNECTIONS", 10);
const SECONDS = envInteger("CERTSMITH_BENCH_SECONDS", 10);
const WARM_UP_SECONDS = 2;
/** Length of one interleaved slice of the side-by-side measurement. */
const SLICE_SECONDS = 2;
const contentType = "application/ocsp-request";
const CRL_RUNS = 3;
const BATCH = 1_000;
const CA_ID = "ca_benchp3ocsp";
const PROJECT_ID = "prj_benchp3ocsp";
const DAY_MS = 86_400_000;

/** The i-th serial: 64 bits, unique (an odd multiplier is a bijection mod 2^64), never zero. */
function serialOf(i: number): string {
  return ((BigInt(i + 1) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn).toString(16);
}
const isRevoked = (i: number) => i % 100 < REVOKED_PERCENT;

function openssl(cwd: string, args: string[]): string {
  return execFileSync("openssl", args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** A P-256 CA made by OpenSSL, so both responders sign with the same kind of key. */
function makeCa(dir: string) {
  openssl(dir, [
    "genpkey",
    "-algorithm",
    "EC",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-out",
    "ca.key",
  ]);
  openssl(dir, [
    "req",
    "-x509",
    "-new",
    "-key",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "3650",
    "-subj",
    "/CN=P3 Bench CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  openssl(dir, ["x509", "-in", "ca.pem", "-outform", "DER", "-out", "ca.der"]);
  return { der: new Uint8Array(readFileSync(path.join(dir, "ca.der"))) };
}

/** `YYMMDDHHMMSSZ`, the time format of OpenSSL's index.txt. */
function indexTime(date: Date): string {
  return `${date.toISOString().slice(2, 19).replace(/[-T:]/g, "")}Z`;
}

/** Seeds the project, the CA (key imported into our key store) and CERTS certificate rows. */
async function seed(place: ServerStorage, dir: string, caDer: Uint8Array): Promise<void> {
  const config = loadConfig({
    flags: { "data-dir": place.dataDir, "database-url": place.databaseUrl, role: "api" },
    env: {},
  });
  const app = await createApp(config, { logger: pino({ level: "silent" }) });
  try {
    const store = app.keys.get("software");
    if (!canImport(store)) throw new Error("the software key store cannot import");
    const pem = readFileSync(path.join(dir, "ca.key"), "utf8");
    const { createPrivateKey } = await import("node:crypto");
    const key = await store.importPrivateKey(
      new Uint8Array(createPrivateKey(pem).export({ type: "pkcs8", format: "der" })),
    );
    const now = Date.now();
    const db = app.store.db;
    await db
      .insertInto("projects")
      .values({ id: PROJECT_ID, name: "bench", description: "", created_at: now, updated_at: now })
      .execute();
    await db
      .insertInto("cas")
      .values({
        id: CA_ID,
        project_id: PROJECT_ID,
        name: "P3 Bench CA",
        type: "root",
        status: "active",
        parent_ca_id: null,
        key_backend: "software",
        key_ref: key.keyRef,
        key_type: key.keyType,
        certificate_der: Buffer.from(caDer),
        csr_der: null,
        chain_pem: "",
        subject_dn: "CN=P3 Bench CA",
        serial_number: null,
        subject_key_id: null,
        not_before: now,
        not_after: now + 3650 * DAY_MS,
        path_length: null,
        name_constraints: null,
        settings: "{}",
        created_by: "bench",
        created_at: now,
        updated_at: now,
      })
      .execute();
    // The responder never reads a leaf's DER: one small stand-in keeps the seed fast.
    const der = Buffer.from(randomBytes(64));
    const started = performance.now();
    for (let from = 0; from < CERTS; from += BATCH * 20) {
      await db.transaction().execute(async (trx) => {
        for (let start = from; start < Math.min(from + BATCH * 20, CERTS); start += BATCH) {
          const rows = [];
          for (let i = start; i < Math.min(start + BATCH, CERTS); i++) {
            const revoked = isRevoked(i);
            rows.push({
              id: `cert_bench${String(i).padStart(9, "0")}`,
              project_id: PROJECT_ID,
              ca_id: CA_ID,
              profile_id: null,
              issuer_type: "issued" as const,
              status: revoked ? ("revoked" as const) : ("active" as const),
              common_name: `c${i}`,
              sans: "[]",
              subject_dn: `CN=c${i}`,
              issuer_dn: "CN=P3 Bench CA",
              issuer_key_id: null,
              serial_number: serialOf(i),
              fingerprint_sha256: serialOf(i),
              fingerprint_sha1: serialOf(i),
              key_type: "ECDSA-P256",
              key_size: 256,
              not_before: now - DAY_MS,
              expires_at: now + 365 * DAY_MS,
              certificate_der: der,
              chain_pem: "",
              key_ref: null,
              is_key_downloadable: 0,
              revoked_at: revoked ? now - DAY_MS : null,
              revocation_reason: revoked ? "keyCompromise" : null,
              invalidity_date: null,
              predecessor_id: null,
              created_by: "bench",
              created_at: now,
              updated_at: now,
            });
          }
          await trx.insertInto("certificates").values(rows).execute();
        }
      });
      note(`${place.database}: ${Math.min(from + BATCH * 20, CERTS)} / ${CERTS} certificates`);
    }
    note(`${place.database}: seeded in ${round((performance.now() - started) / 1000)} s`);
  } finally {
    await app.close();
  }
}

function writeIndex(dir: string): void {
  const now = new Date();
  const expires = indexTime(new Date(now.getTime() + 365 * DAY_MS));
  const revokedAt = indexTime(new Date(now.getTime() - DAY_MS));
  const lines: string[] = [];
  for (let i = 0; i < CERTS; i++) {
    let serial = serialOf(i).toUpperCase();
    if (serial.length % 2 === 1) serial = `0${serial}`;
    lines.push(
      isRevoked(i)
        ? `R\t${expires}\t${revokedAt},keyCompromise\t${serial}\tunknown\t/CN=c${i}`
        : `V\t${expires}\t\t${serial}\tunknown\t/CN=c${i}`,
    );
  }
  writeFileSync(path.join(dir, "index.txt"), `${lines.join("\n")}\n`);
}

/** OCSPRequest { tbsRequest { requestList { Request { reqCert } } } } (RFC 6960 §4.1.1). */
function requestsFor(caDer: Uint8Array, withNonce: boolean): Buffer[] {
  const hashes = computeIssuerHashes(caDer);
  const out: Buffer[] = [];
  for (let k = 0; k < SERIALS; k++) {
    // A fifth revoked: every fifth request names a serial with i % 100 < REVOKED_PERCENT.
    const i = k % 5 === 0 ? (k * 100) % CERTS : ((k * 7919 + 50) % CERTS) | 0;
    const index = k % 5 === 0 ? i : i - (i % 100) + Math.max(REVOKED_PERCENT, i % 100);
    const certId = encodeCertId("SHA-1", hashes, serialOf(Math.min(index, CERTS - 1)));
    const nonce = withNonce
      ? [
          explicit(
            2,
            sequence(
              sequence(
                Uint8Array.of(0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02),
                octetString(octetString(randomBytes(16))),
              ),
            ),
          ),
        ]
      : [];
    out.push(Buffer.from(sequence(sequence(sequence(sequence(certId.der)), ...nonce))));
  }
  return out;
}

async function startOpensslResponder(dir: string): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const child = spawn(
    "openssl",
    [
      "ocsp",
      "-index",
      "index.txt",
      "-port",
      String(port),
      "-rsigner",
      "ca.pem",
      "-rkey",
      "ca.key",
      "-CA",
      "ca.pem",
      "-nmin",
      "60",
      "-ignore_err",
    ],
    { cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
  );
  // It says so on stderr once the index is loaded and it listens. (A TCP probe would not do:
  // the responder serves one connection at a time and waits forever on one that sends nothing.)
  await new Promise<void>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(
      () => reject(new Error(`openssl ocsp did not start: ${seen}`)),
      120_000,
    );
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      seen += chunk;
      if (seen.includes("waiting for OCSP client connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`openssl ocsp exited (${code}): ${seen}`)));
  });
  child.stderr.resume();
  const url = `http://127.0.0.1:${port}`;
  return { url, stop: () => child.kill("SIGTERM") };
}

/** `openssl ocsp -respin` on one answer: the verdict must be what the index says. */
async function check(dir: string, url: string, request: Buffer, expected: RegExp): Promise<void> {
  note(`checking ${url}`);
  const response = await fetch(url, {
    signal: AbortSignal.timeout(30_000),
    method: "POST",
    body: request,
    headers: { "content-type": "application/ocsp-request" },
  });
  writeFileSync(path.join(dir, "check.der"), Buffer.from(await response.arrayBuffer()));
  const text = openssl(dir, ["ocsp", "-respin", "check.der", "-resp_text", "-noverify"]);
  if (!expected.test(text)) throw new Error(`${url} answered unexpectedly:\n${text}`);
}

/** Sends every request once, CONNECTIONS at a time. */
async function warm(url: string, bodies: Buffer[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const response = await fetch(url, {
          method: "POST",
          body,
          headers: { "content-type": "application/ocsp-request" },
        });
        await response.arrayBuffer();
      }
    }),
  );
}

/** Our responder with keep-alive connections (autocannon cycles through the requests). */
async function measure(url: string, bodies: Buffer[], seconds: number): Promise<Result> {
  // `requests` (autocannon cycles through them per connection) is left out of bench/support's
  // typings, so the options go through a variable rather than a checked literal.
  const options = {
    url,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 10,
    requests: bodies.map((body) => ({
      method: "POST",
      headers: { "content-type": "application/ocsp-request" },
      body,
    })),
  };
  const result = await autocannon(options);
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
  }
  return result;
}

ensureBuilt();
for (const database of benchDatabases()) {
  const storage = await storageFor(database);
  const place = await storage.fresh();
  const dir = mkdtempSync(path.join(os.tmpdir(), "certsmith-p3-"));
  try {
    const ca = makeCa(dir);
    note(`${database}: seeding ${CERTS} certificates (${REVOKED_PERCENT} % revoked)`);
    await seed(place, dir, ca.der);
    writeIndex(dir);
    note(`${database}: starting the built server and openssl ocsp`);
    const server = await startServer(place);
    const responder = await startOpensslResponder(dir);
    const stops: (() => void)[] = [];
    try {
      const ours = `${server.baseUrl}/ocsp/${CA_ID}`;
      const theirs = `${responder.url}/`;
      const plain = requestsFor(ca.der, false);
      for (const url of [ours, theirs]) {
        await check(dir, url, plain[0]!, /Cert Status: revoked/);
        await check(dir, url, plain[1]!, /Cert Status: good/);
      }
      // The ceiling of any Node.js responder under this client: one of our answers, sent as is.
      const sample = await fetch(ours, { method: "POST", body: plain[1]! });
      const floor = await startFixedResponder(Buffer.from(await sample.arrayBuffer()));
      stops.push(() => floor.stop());
      for (const [variant, bodies] of [
        ["no_nonce", plain],
        ["nonce", requestsFor(ca.der, true)],
      ] as const) {
        // Every serial once first: the figures are for a warm responder (pre-signed answers).
        await warm(ours, bodies);
        await measure(ours, bodies, WARM_UP_SECONDS);
        const figures: Record<string, number> = {};
        const responders = [
          ["certsmith", ours],
          ["openssl", theirs],
          ...(variant === "no_nonce" ? [["node_http_fixed_answer", floor.url] as const] : []),
        ] as const;
        // Interleaved slices (A B C A B C …), so a burst of other work on the shared machine
        // weighs on every responder alike instead of on whichever ran at that moment.
        const tallies = responders.map(() => emptyTally());
        const slices = Math.max(1, Math.round(SECONDS / SLICE_SECONDS));
        note(
          `${database}: ${variant}, a connection per request, ${slices} × ${SECONDS / slices} s each`,
        );
        for (let slice = 0; slice < slices; slice++) {
          for (const [k, [, url]] of responders.entries()) {
            const options = { connections: CONNECTIONS, seconds: SECONDS / slices, contentType };
            await closingLoad(url, bodies, options, tallies[k]!);
          }
        }
        for (const [k, [who, url]] of responders.entries()) {
          const result = summarize(tallies[k]!);
          if (result.total === 0 || result.failures > result.total / 100) {
            throw new Error(`${url}: ${result.failures} failed requests, ${result.total} answered`);
          }
          figures[who] = result.perSecond;
          emit({
            metric: `ocsp_${variant}_responses_per_second`,
            value: round(result.perSecond),
            unit: "req/s",
            database,
            responder: who,
            client: "connection_per_request_raw_socket",
            certificates: CERTS,
            serials: SERIALS,
            connections: CONNECTIONS,
            responses: result.total,
            failures: result.failures,
            latency_p50_ms: result.p50,
            latency_p99_ms: result.p99,
          });
        }
        emit({
          metric: `ocsp_${variant}_ratio_vs_openssl`,
          value: round(figures.certsmith! / figures.openssl!, 2),
          unit: "x",
          database,
          certificates: CERTS,
          goal: 10,
        });
        // What HTTP/1.1 clients get from us (OpenSSL's responder cannot keep a connection).
        note(`${database}: certsmith ${variant}, keep-alive (autocannon), ${SECONDS} s`);
        const keepAlive = await measure(ours, bodies, SECONDS);
        emit({
          metric: `ocsp_${variant}_keepalive_responses_per_second`,
          value: round(keepAlive.requests.total / keepAlive.duration),
          unit: "req/s",
          database,
          responder: "certsmith",
          client: "autocannon_keepalive",
          certificates: CERTS,
          connections: CONNECTIONS,
          latency_p50_ms: keepAlive.latency.p50,
          latency_p99_ms: keepAlive.latency.p99,
        });
        // What each responder gives an HTTP/1.1 client at best: ours keeps the connection,
        // OpenSSL's closes it. Not the same transport, so a figure apart from the ratio above.
        emit({
          metric: `ocsp_${variant}_keepalive_ratio_vs_openssl`,
          value: round(keepAlive.requests.total / keepAlive.duration / figures.openssl!, 2),
          unit: "x",
          database,
          certificates: CERTS,
          comparison: "certsmith keep-alive / openssl connection per request",
        });
      }
      // The first GET serves the CRL the refresh job built, or builds it; the second is what
      // every later client gets. The build itself is timed below, once the server has stopped.
      const crl = await fetch(`${server.baseUrl}/pki/${CA_ID}/crl`);
      const bytes = (await crl.arrayBuffer()).byteLength;
      if (crl.status !== 200) throw new Error(`GET /pki/${CA_ID}/crl answered ${crl.status}`);
      const again = performance.now();
      await (await fetch(`${server.baseUrl}/pki/${CA_ID}/crl`)).arrayBuffer();
      emit({
        metric: "crl_serve_ms",
        value: round(performance.now() - again),
        unit: "ms",
        database,
        crl_bytes: bytes,
      });
    } finally {
      responder.stop();
      for (const stop of stops) stop();
      await server.stop();
    }
    note(`${database}: building the CRL ${CRL_RUNS} times`);
    const build = await measureCrlBuilds(place, CA_ID, CRL_RUNS);
    emit({
      metric: "crl_publish_ms",
      value: build.medianMs,
      unit: "ms",
      database,
      entries: Math.round((CERTS * REVOKED_PERCENT) / 100),
      runs: CRL_RUNS,
      min: build.minMs,
      max: build.maxMs,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await place.remove();
    await storage.close();
  }
}
