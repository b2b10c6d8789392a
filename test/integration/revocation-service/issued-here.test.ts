import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { createProject } from "../../support/identity.js";
import { freePort } from "../../support/ports.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";
import { makeWorkDir, openssl, opensslOk, type WorkDir } from "../revocation/openssl-pki.js";

/**
 * The whole path through the CA and issuance APIs: a root and an intermediate made here, a leaf
 * issued by the intermediate, and OpenSSL following the URLs the certificates carry (AIA OCSP,
 * CRL distribution point, caIssuers) to this server.
 */
describe.each(DIALECTS)("certificates issued here (%s)", (dialect) => {
  let t: TestApp;
  let work: WorkDir;
  let projectId: string;
  let rootId: string;
  let intermediateId: string;
  let intermediateSerial: string;
  let leafId: string;

  async function post(url: string, payload: unknown) {
    const response = await t.inject({ method: "POST", url, payload: payload as object });
    if (response.statusCode >= 300)
      throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response.json<Record<string, unknown>>();
  }

  beforeAll(async () => {
    const port = await freePort();
    t = await createTestApp(dialect, {
      "public-url": `http://127.0.0.1:${port}`,
      "job-poll-interval-ms": "100",
    });
    await t.server.listen({ host: "127.0.0.1", port });
    work = makeWorkDir();
    projectId = await createProject(t, "issued-here");
    const cas = `/api/v1/projects/${projectId}/cas`;
    const root = await post(cas, {
      name: "root",
      type: "root",
      subject: { common_name: "Here Root" },
    });
    const intermediate = await post(cas, {
      name: "issuing",
      type: "intermediate",
      parent_ca_id: root.id,
      subject: { common_name: "Here Issuing" },
    });
    rootId = root.id as string;
    intermediateId = intermediate.id as string;
    intermediateSerial = intermediate.serial_number as string;
    work.write("root.pem", root.certificate as string);
    work.write("intermediate-ca.pem", intermediate.certificate as string);
    const leaf = await post(`/api/v1/projects/${projectId}/certificates`, {
      ca_id: intermediateId,
      subject: { common_name: "leaf.example.test" },
      sans: [{ type: "dns", value: "leaf.example.test" }],
      validity_days: 30,
    });
    leafId = leaf.id as string;
    work.write("leaf.pem", leaf.certificate as string);
    work.write("issuer.pem", leaf.chain as string);
    const chain = await t.server.inject({ method: "GET", url: `/pki/${intermediateId}/chain.pem` });
    work.write("chain.pem", chain.body);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    work?.remove();
  });

  it("follows the leaf's AIA and CDP to this server: OCSP good, then revoked; CRL lists it", async () => {
    const ocspUrl = (
      await opensslOk(work.dir, ["x509", "-in", "leaf.pem", "-noout", "-ocsp_uri"])
    ).trim();
    expect(ocspUrl).toBe(`${t.app.config.publicUrl}/ocsp/${intermediateId}`);
    // The issuer of the leaf is the first certificate of the chain it came with.
    await opensslOk(work.dir, ["x509", "-in", "issuer.pem", "-out", "intermediate.pem"]);
    const ask = () =>
      opensslOk(work.dir, [
        "ocsp",
        "-issuer",
        "intermediate.pem",
        "-cert",
        "leaf.pem",
        "-url",
        ocspUrl,
        "-CAfile",
        "chain.pem",
        "-verify_other",
        "chain.pem",
      ]);
    const good = await ask();
    expect(good).toContain("Response verify OK");
    expect(good).toMatch(/leaf\.pem: good/);

    const revoked = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/certificates/${leafId}/revoke`,
      payload: { reason: "affiliationChanged" },
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    const after = await ask();
    expect(after).toMatch(/leaf\.pem: revoked/);
    expect(after).toMatch(/Reason: affiliationChanged/);

    const cdp = await opensslOk(work.dir, [
      "x509",
      "-in",
      "leaf.pem",
      "-noout",
      "-ext",
      "crlDistributionPoints",
    ]);
    const crlUrl = /URI:(\S+)/.exec(cdp)![1]!;
    expect(crlUrl).toBe(`${t.app.config.publicUrl}/pki/${intermediateId}/crl`);
    // The job publishes the CRL a few seconds after the revocation.
    const deadline = Date.now() + 20_000;
    let text = "";
    while (Date.now() < deadline) {
      const crl = await fetch(crlUrl);
      work.write("leaf-ca.crl", Buffer.from(await crl.arrayBuffer()));
      text = await opensslOk(work.dir, [
        "crl",
        "-inform",
        "DER",
        "-in",
        "leaf-ca.crl",
        "-noout",
        "-text",
      ]);
      if (text.includes("Affiliation Changed")) break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(text).toContain("Affiliation Changed");
    await opensslOk(work.dir, [
      "crl",
      "-inform",
      "DER",
      "-in",
      "leaf-ca.crl",
      "-out",
      "leaf-ca-crl.pem",
    ]);
    const verify = await openssl(work.dir, [
      "verify",
      "-crl_check",
      "-CAfile",
      "chain.pem",
      "-CRLfile",
      "leaf-ca-crl.pem",
      "leaf.pem",
    ]);
    expect(verify.code).not.toBe(0);
    expect(verify.stdout + verify.stderr).toContain("certificate revoked");
  }, 60_000);

  it("revokes an intermediate in its parent's OCSP and says it revokes nothing below", async () => {
    const response = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/certificates/${intermediateSerial}/revoke`,
      payload: { reason: "cACompromise" },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ ca_id: rootId, reason: "cACompromise" });
    expect(response.json().ca_notice).toMatch(/not revoked one by one/);
    const out = await opensslOk(work.dir, [
      "ocsp",
      "-issuer",
      "root.pem",
      "-cert",
      "intermediate-ca.pem",
      "-url",
      `${t.app.config.publicUrl}/ocsp/${rootId}`,
      "-CAfile",
      "root.pem",
    ]);
    expect(out).toMatch(/intermediate-ca\.pem: revoked/);
    expect(out).toMatch(/Reason: cACompromise/);
  }, 60_000);
});
