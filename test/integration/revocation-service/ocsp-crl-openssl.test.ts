import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { createProject } from "../../support/identity.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";
import { makeWorkDir, openssl, opensslOk, pem, type WorkDir } from "../revocation/openssl-pki.js";

import { createCa, importOpensslCa, issueLeaf, type FixtureCa } from "./revocation-fixture.js";

/** Polls until `check` passes (the CRL job runs a few seconds after a revocation). */
async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.each(DIALECTS)("revocation with the OpenSSL CLI (%s)", (dialect) => {
  let t: TestApp;
  let work: WorkDir;
  let base: string;
  let projectId: string;
  let fixture: FixtureCa;

  beforeAll(async () => {
    t = await createTestApp(dialect, { "job-poll-interval-ms": "100" });
    await t.server.listen({ host: "127.0.0.1", port: 0 });
    base = `http://127.0.0.1:${(t.server.server.address() as AddressInfo).port}`;
    projectId = await createProject(t, "pki");
    work = makeWorkDir();
    fixture = await importOpensslCa(
      t,
      projectId,
      await createCa(work, "Revocation Test CA", "ECDSA-P256"),
      "ca_revocationtest1",
    );
    for (const [name, serial] of [
      ["good", "1001"],
      ["victim", "0a2002"],
      ["held", "3003"],
      ["second", "4004"],
    ] as const) {
      await issueLeaf(t, projectId, fixture, name, serial);
    }
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    work?.remove();
  });

  const ocspUrl = () => `${base}/ocsp/${fixture.id}`;

  async function ocsp(leaf: string, options: { nonce?: boolean; sha256?: boolean } = {}) {
    return opensslOk(work.dir, [
      "ocsp",
      "-issuer",
      fixture.ca.pem,
      "-CAfile",
      fixture.ca.pem,
      // OpenSSL takes the CertID digest before the -cert or -serial it applies to.
      ...(options.sha256 ? ["-sha256"] : []),
      ...(leaf.startsWith("0x") ? ["-serial", leaf] : ["-cert", fixture.leaves.get(leaf)!.pem]),
      "-url",
      ocspUrl(),
      ...(options.nonce ? [] : ["-no_nonce"]),
    ]);
  }

  async function revoke(name: string, body: Record<string, unknown>) {
    return t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/certificates/${fixture.leaves.get(name)!.id}/revoke`,
      payload: body,
    });
  }

  async function crlNumberNow(): Promise<number> {
    const response = await t.server.inject({ method: "GET", url: `/pki/${fixture.id}/crl` });
    expect(response.statusCode).toBe(200);
    return Number(JSON.parse(response.headers.etag as string));
  }

  it("answers good with and without a nonce, by POST and by SHA-256 CertID", async () => {
    for (const options of [{}, { nonce: true }, { sha256: true }]) {
      const out = await ocsp("good", options);
      expect(out).toContain("Response verify OK");
      expect(out).toMatch(/good\.pem: good/);
      if (options.nonce) expect(out).not.toContain("WARNING: no nonce");
    }
  });

  it("answers unknown for a serial the CA never issued", async () => {
    const out = await ocsp("0x123456789abcdef");
    expect(out).toContain("Response verify OK");
    expect(out).toMatch(/0x123456789abcdef: unknown/i);
  });

  it("reports revoked with the reason right after a revoke, and lists it in the next CRL", async () => {
    // Asked first, so the answers below must not come from what this node remembers.
    for (const options of [{}, { nonce: true }]) {
      expect(await ocsp("victim", options)).toMatch(/victim\.pem: good/);
    }
    const before = await crlNumberNow();
    const invalidity = "2026-11-01T00:00:00.000Z";
    const response = await revoke("victim", {
      reason: "keyCompromise",
      invalidity_date: invalidity,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      status: "revoked",
      reason: "keyCompromise",
      invalidity_date: invalidity,
      ca_notice: null,
    });
    for (const options of [{}, { nonce: true }]) {
      const out = await ocsp("victim", options);
      expect(out).toContain("Response verify OK");
      expect(out).toMatch(/victim\.pem: revoked/);
      expect(out).toMatch(/Reason: keyCompromise/);
    }
    expect(await ocsp("good")).toMatch(/good\.pem: good/);

    // The coalesced CRL job publishes a new CRL a few seconds later.
    await eventually(async () => ((await crlNumberNow()) > before ? true : undefined));
    const crl = await t.server.inject({ method: "GET", url: `/pki/${fixture.id}/crl` });
    expect(crl.headers["content-type"]).toBe("application/pkix-crl");
    work.write("current.crl", crl.rawPayload);
    const text = await opensslOk(work.dir, [
      "crl",
      "-inform",
      "DER",
      "-in",
      "current.crl",
      "-text",
      "-noout",
    ]);
    expect(text).toMatch(/CRL Number:\s*\n\s*\d+/);
    expect(text).toContain("Serial Number: 0A2002");
    expect(text).toContain("Key Compromise");
    expect(text).toMatch(/Invalidity Date:\s*\n\s*Nov\s+1 00:00:00 2026 GMT/);
    expect(text).toMatch(/Next Update:/);

    // openssl verify -crl_check: fails for the revoked leaf, passes for a good one.
    work.write("current-crl.pem", pem("X509 CRL", new Uint8Array(crl.rawPayload)));
    const verify = (leaf: string) =>
      openssl(work.dir, [
        "verify",
        "-crl_check",
        "-CAfile",
        fixture.ca.pem,
        "-CRLfile",
        "current-crl.pem",
        fixture.leaves.get(leaf)!.pem,
      ]);
    const revoked = await verify("victim");
    expect(revoked.code).not.toBe(0);
    expect(revoked.stdout + revoked.stderr).toContain("certificate revoked");
    expect((await verify("good")).code).toBe(0);
  }, 60_000);

  it("refuses to revoke twice with 409", async () => {
    const again = await revoke("victim", { reason: "superseded" });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe("conflict");
  });

  it("puts a certificate on hold and lifts the hold", async () => {
    expect((await revoke("held", { reason: "certificateHold" })).statusCode).toBe(200);
    const held = await ocsp("held");
    expect(held).toMatch(/held\.pem: revoked/);
    expect(held).toMatch(/Reason: certificateHold/);
    const lifted = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/certificates/${fixture.leaves.get("held")!.id}/unhold`,
    });
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(lifted.json()).toMatchObject({ status: "active", reason: null });
    expect(await ocsp("held")).toMatch(/held\.pem: good/);
    const twice = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/certificates/${fixture.leaves.get("held")!.id}/unhold`,
    });
    expect(twice.statusCode).toBe(409);
  });

  it("revokes by serial number, and answers 404 for a serial in another project", async () => {
    const other = await createProject(t, "elsewhere");
    const hidden = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${other}/certificates/40:04/revoke`,
      payload: { reason: "superseded" },
    });
    expect(hidden.statusCode).toBe(404);
    const bySerial = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/certificates/40:04/revoke`,
      payload: { reason: "superseded" },
    });
    expect(bySerial.statusCode, bySerial.body).toBe(200);
    expect(await ocsp("second")).toMatch(/Reason: superseded/);
  });

  it("serves the CA certificate, the chain and a PEM CRL publicly", async () => {
    const crt = await t.server.inject({ method: "GET", url: `/pki/${fixture.id}/ca.crt` });
    expect(crt.statusCode).toBe(200);
    expect(crt.headers["content-type"]).toBe("application/pkix-cert");
    expect(Buffer.compare(crt.rawPayload, Buffer.from(fixture.ca.der))).toBe(0);
    const again = await t.server.inject({
      method: "GET",
      url: `/pki/${fixture.id}/ca.crt`,
      headers: { "if-none-match": crt.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
    const chain = await t.server.inject({ method: "GET", url: `/pki/${fixture.id}/chain.pem` });
    expect(chain.statusCode).toBe(200);
    work.write("chain.pem", chain.body);
    expect(await opensslOk(work.dir, ["x509", "-in", "chain.pem", "-noout", "-subject"])).toContain(
      "Revocation Test CA",
    );
    const crlPem = await t.server.inject({
      method: "GET",
      url: `/pki/${fixture.id}/crl?format=pem`,
    });
    expect(crlPem.body).toMatch(/^-----BEGIN X509 CRL-----/);
    for (const url of [`/pki/ca_nope/crl`, `/pki/ca_nope/ca.crt`, `/pki/ca_nope/chain.pem`]) {
      const missing = await t.server.inject({ method: "GET", url });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe("not_found");
    }
  });
});
