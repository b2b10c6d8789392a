// Issuance hot path of the PKI core, without storage or HTTP: parse + verify a CSR, build and
// sign a leaf (SANs, EKU, SKI/AKI, CDP, AIA) with a software signer. Prints operations/s and
// per-operation latency percentiles for P-256 and RSA-2048 issuers.
//
//   npx tsx bench/pki-issue.mjs [iterations]
import { generateKeyPairSync } from "node:crypto";
import { performance } from "node:perf_hooks";
import process from "node:process";

import { createKeyObjectSigner } from "../src/keys/key-object-signer.ts";
import { buildCertificate, buildSelfSignedCertificate } from "../src/pki/certificate-builder.ts";
import { issuerFromCertificate } from "../src/pki/certificate-issuer.ts";
import { buildCsr } from "../src/pki/csr-builder.ts";
import { parseCsr } from "../src/pki/csr.ts";

const iterations = Number(process.argv[2] ?? 5000);

function keyPair(kind) {
  return kind === "RSA-2048"
    ? generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey
    : generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function run(issuerKind) {
  const caSigner = createKeyObjectSigner(keyPair(issuerKind));
  const now = new Date();
  const later = new Date(now.getTime() + 90 * 86_400_000);
  const ca = await buildSelfSignedCertificate(
    { subject: { commonName: "Bench CA" }, notBefore: now, notAfter: later, isCa: true },
    caSigner,
  );
  const issuer = issuerFromCertificate(ca.der, caSigner);
  const requester = createKeyObjectSigner(keyPair("ECDSA-P256"));
  const csrDer = await buildCsr(
    {
      subject: { commonName: "bench.example.com" },
      subjectAltNames: ["bench.example.com", "www.bench.example.com"],
    },
    requester,
  );
  const issueOnce = async () => {
    const csr = parseCsr(csrDer);
    return buildCertificate(
      {
        subject: { der: csr.subject.der },
        publicKeySpki: csr.publicKey.spki,
        subjectAltNames: csr.subjectAltNames.map((n) => ({ type: n.type, value: n.value })),
        extendedKeyUsage: ["serverAuth"],
        notBefore: now,
        notAfter: later,
        crlUrls: ["http://127.0.0.1:8080/pki/ca_1/crl"],
        ocspUrls: ["http://127.0.0.1:8080/ocsp/ca_1"],
        caIssuersUrls: ["http://127.0.0.1:8080/pki/ca_1/ca.crt"],
      },
      issuer,
    );
  };
  for (let i = 0; i < Math.min(500, iterations); i++) await issueOnce(); // warm-up
  const samples = new Float64Array(iterations);
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await issueOnce();
    samples[i] = performance.now() - t0;
  }
  const elapsed = performance.now() - started;
  const sorted = Array.from(samples).sort((a, b) => a - b);
  process.stdout.write(
    `${issuerKind} issuer, P-256 CSR: ${Math.round((iterations / elapsed) * 1000)} certificates/s on one thread, ` +
      `p50 ${percentile(sorted, 50).toFixed(3)} ms, p99 ${percentile(sorted, 99).toFixed(3)} ms (${iterations} runs)\n`,
  );
}

await run("ECDSA-P256");
await run("RSA-2048");
