#!/usr/bin/env node
// CRL build time (issue 5, benchmark P3 part 2): how long `buildCrl` from dist/ takes to encode
// and sign a complete CRL with CERTSMITH_BENCH_CRL_ENTRIES (100,000) revoked certificates,
// for a P-256 and an RSA-2048 CA. Median of CERTSMITH_BENCH_RUNS (5) runs after one warm-up.
// Prints JSON lines {"metric","value","unit",...} on stdout (bench/README.md); progress on stderr.
//
// Figures: crl_build_ms (encode + sign, what a CRL refresh costs), crl_encode_ms (the same
// without the signature: buildCrl with a signer that returns a fixed value), crl_size (bytes of
// the DER). Time lines carry `cpu_ms`, the process CPU time, which a busy machine inflates less. No database: the entries are made in memory, as a service would stream
// them from its revocation table.
import { execFileSync, spawnSync } from "node:child_process";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const distEntry = path.join(repoRoot, "dist/pki/revocation/index.js");
const ENTRIES = envInteger("CERTSMITH_BENCH_CRL_ENTRIES", 100_000);
const RUNS = envInteger("CERTSMITH_BENCH_RUNS", 5);

ensureBuilt();
const { buildCrl } = await import(pathToFileURL(distEntry).href);
const { createKeyObjectSigner } = await import(
  pathToFileURL(path.join(repoRoot, "dist/keys/key-object-signer.js")).href
);

const entries = makeEntries(ENTRIES);

for (const caKind of [
  { keyType: "ECDSA-P256", genpkey: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"] },
  { keyType: "RSA-2048", genpkey: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"] },
]) {
  const ca = makeCa(caKind.genpkey);
  const signer = createKeyObjectSigner(ca.privateKey);
  // Same public key, no signing work: isolates the DER encoding.
  const encodeOnly = { ...signer, sign: () => Promise.resolve(new Uint8Array(64)) };

  const input = (crlSigner) => ({
    issuerCertificate: ca.der,
    signer: crlSigner,
    thisUpdate: new Date(),
    nextUpdate: new Date(Date.now() + 7 * 86_400_000),
    crlNumber: 1000n,
    entries,
  });
  await buildCrl(input(signer)); // warm-up (JIT)
  const built = { wall: [], cpu: [] };
  const encoded = { wall: [], cpu: [] };
  let size = 0;
  for (let run = 0; run < RUNS; run++) {
    size = (await timed(built, () => buildCrl(input(signer)))).length;
    await timed(encoded, () => buildCrl(input(encodeOnly)));
  }
  note(`${caKind.keyType}: ${ENTRIES} entries, ${size} bytes`);
  const common = { database: null, ca_key: caKind.keyType, entries: ENTRIES, runs: RUNS };
  emit({
    metric: "crl_build_ms",
    value: round(median(built.wall)),
    unit: "ms",
    ...common,
    ...spread(built),
  });
  emit({
    metric: "crl_encode_ms",
    value: round(median(encoded.wall)),
    unit: "ms",
    ...common,
    ...spread(encoded),
  });
  emit({ metric: "crl_size", value: size, unit: "bytes", ...common });
}

/**
 * Runs `work` once, recording wall time and this process's CPU time: on a busy machine the
 * wall time includes waiting for a core, the CPU time does not.
 */
async function timed(samples, work) {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const result = await work();
  samples.wall.push(performance.now() - start);
  const cpu = process.cpuUsage(cpuBefore);
  samples.cpu.push((cpu.user + cpu.system) / 1000);
  return result;
}

function spread(samples) {
  return {
    min: round(Math.min(...samples.wall)),
    max: round(Math.max(...samples.wall)),
    cpu_ms: round(median(samples.cpu)),
  };
}

/** Revocations spread over a year, with the mix of reasons and invalidity dates a CA sees. */
function makeEntries(count) {
  const reasons = [
    "unspecified",
    "keyCompromise",
    "superseded",
    "cessationOfOperation",
    "affiliationChanged",
  ];
  const start = Date.UTC(2026, 0, 1);
  const list = [];
  for (let i = 0; i < count; i++) {
    const revokedAt = new Date(start + i * 311_000);
    list.push({
      // 16-octet random-looking serials, as issuance makes them (RFC 5280 §4.1.2.2 allows 20).
      serialNumber: (
        0x4000_0000_0000_0000_0000_0000_0000_0000n +
        BigInt(i) * 0x9e37_79b9_7f4a_7c15n
      ).toString(16),
      revokedAt,
      reason: reasons[i % reasons.length],
      ...(i % 10 === 1 ? { invalidityDate: new Date(revokedAt.getTime() - 86_400_000) } : {}),
    });
  }
  return list;
}

/** A self-signed CA made by the OpenSSL CLI (as the tests make theirs), in a temporary folder. */
function makeCa(genpkeyArgs) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "certsmith-bench-crl-"));
  try {
    const key = path.join(dir, "ca.key");
    const cert = path.join(dir, "ca.pem");
    execFileSync("openssl", ["genpkey", ...genpkeyArgs, "-out", key], { stdio: "ignore" });
    execFileSync(
      "openssl",
      ["req", "-x509", "-new", "-key", key, "-out", cert, "-days", "30", "-subj", "/CN=Bench CA"],
      { stdio: "ignore" },
    );
    return {
      der: new Uint8Array(new X509Certificate(readFileSync(cert)).raw),
      privateKey: createPrivateKey(readFileSync(key)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds dist/ when the revocation code there is missing or older than src/ (as run-all.mjs says). */
function ensureBuilt() {
  const newest = newestMtime(path.join(repoRoot, "src"));
  if (existsSync(distEntry) && statSync(distEntry).mtimeMs >= newest) return;
  note("building dist/ (npm run build)");
  const result = spawnSync("npm", ["run", "--silent", "build"], {
    cwd: repoRoot,
    stdio: "inherit",
  });
  // tsc still emits when some other file has a type error; what this bench needs is the output.
  if (!existsSync(distEntry)) throw new Error(`npm run build did not produce ${distEntry}`);
  if (result.status !== 0)
    note("npm run build reported errors; measuring the emitted dist/ anyway");
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function emit(figure) {
  const host = { load_1m: round(os.loadavg()[0] ?? 0, 2), cpus: os.availableParallelism() };
  process.stdout.write(`${JSON.stringify({ ...figure, ...host })}\n`);
}

function note(message) {
  process.stderr.write(`# ${message}\n`);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function round(value, digits = 1) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function envInteger(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer (got "${raw}")`);
  return value;
}
