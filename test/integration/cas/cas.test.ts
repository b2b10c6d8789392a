import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { createProject } from "../../support/identity.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";
import { createWorkDir, mustRun, runTool, type WorkDir } from "../pki/support/tools.js";

import { createCa, createIntermediate, createRoot, issue } from "./ca-api.js";

describe.each(DIALECTS)("certificate authorities on %s", (dialect) => {
  let t: TestApp;
  let projectId: string;
  let work: WorkDir;

  beforeAll(async () => {
    t = await createTestApp(dialect, { "public-url": "https://pki.example.test" });
    projectId = await createProject(t, "cas");
    work = createWorkDir();
  });
  afterAll(async () => {
    await t.close();
    work.remove();
  });

  it("creates a root whose certificate openssl verifies strictly and shows as requested", async () => {
    const root = await createRoot(t, projectId, "strict-root", {
      key_type: "RSA-3072",
      validity_days: 3650,
      path_length: 1,
      name_constraints: { permitted: [{ type: "dns", value: "example.test" }] },
    });
    expect(root).toMatchObject({ type: "root", status: "active", key_type: "RSA-3072", chain: "" });
    const file = work.write("strict-root.pem", root.certificate!);
    await mustRun("openssl", ["verify", "-x509_strict", "-CAfile", file, file]);
    const text = await mustRun("openssl", ["x509", "-in", file, "-noout", "-text"]);
    expect(text).toContain("Subject: C = DE, O = Certsmith Tests, CN = strict-root Root");
    expect(text).toMatch(/CA:TRUE, pathlen:1/);
    expect(text).toContain("Public-Key: (3072 bit)");
    expect(text).toMatch(/Permitted:\s+DNS:example\.test/);
    expect(text).toMatch(/Certificate Sign, CRL Sign/);

    // Its name constraints hold for what it issues: inside is signed, outside is refused.
    const inside = await issue(t, projectId, {
      ca_id: root.id,
      subject: { common_name: "www.example.test" },
      validity_days: 30,
    });
    await mustRun("openssl", [
      "verify",
      "-x509_strict",
      "-CAfile",
      file,
      work.write("nc-leaf.pem", inside.certificate),
    ]);
    const outside = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/certificates`,
      payload: { ca_id: root.id, subject: { common_name: "www.other.test" }, validity_days: 30 },
    });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().error.details).toEqual([
      {
        rule: "ca.name_constraints",
        offending_value: "www.other.test",
        allowed: { permitted: ["example.test"], excluded: [] },
      },
    ]);
  });

  it("chains root → intermediate → leaf, with CRL and AIA URLs of the issuing CA", async () => {
    const root = await createRoot(t, projectId, "chain-root");
    const intermediate = await createIntermediate(t, projectId, root.id, "chain-int", {
      key_type: "ECDSA-P384",
    });
    expect(intermediate).toMatchObject({ type: "intermediate", parent_ca_id: root.id });
    expect(intermediate.chain).toBe(root.certificate);
    const leaf = await issue(t, projectId, {
      ca_id: intermediate.id,
      subject: { common_name: "www.example.test" },
      sans: ["www.example.test", "10.1.2.3", "ops@example.test", "https://example.test/id"],
      key_type: "ECDSA-P256",
      validity_days: 30,
    });
    expect(leaf.chain).toBe(intermediate.certificate! + root.certificate!);
    const rootFile = work.write("chain-root.pem", root.certificate!);
    const intFile = work.write("chain-int.pem", intermediate.certificate!);
    const leafFile = work.write("chain-leaf.pem", leaf.certificate);
    await mustRun("openssl", ["verify", "-x509_strict", "-CAfile", rootFile, intFile]);
    await mustRun("openssl", [
      "verify",
      "-x509_strict",
      "-CAfile",
      rootFile,
      "-untrusted",
      intFile,
      leafFile,
    ]);
    const text = await mustRun("openssl", ["x509", "-in", leafFile, "-noout", "-text"]);
    expect(text).toContain(
      "DNS:www.example.test, IP Address:10.1.2.3, email:ops@example.test, URI:https://example.test/id",
    );
    expect(text).toContain(`URI:https://pki.example.test/pki/${intermediate.id}/crl`);
    expect(text).toContain(`OCSP - URI:https://pki.example.test/ocsp/${intermediate.id}`);
    expect(text).toContain(
      `CA Issuers - URI:https://pki.example.test/pki/${intermediate.id}/ca.crt`,
    );
    expect(text).toContain("TLS Web Server Authentication, TLS Web Client Authentication");
  });

  it("refuses an intermediate under a CA whose path length is 0, and one that outlives its parent", async () => {
    const root = await createRoot(t, projectId, "pl0-root", { path_length: 0 });
    const refused = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/cas`,
      payload: {
        name: "pl0-int",
        type: "intermediate",
        parent_ca_id: root.id,
        subject: { common_name: "Under pathlen 0" },
      },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe("validation_failed");
    const shortRoot = await createRoot(t, projectId, "short-root", { validity_days: 10 });
    const tooLong = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/cas`,
      payload: {
        name: "long-int",
        type: "intermediate",
        parent_ca_id: shortRoot.id,
        subject: { common_name: "Too long" },
        validity_days: 11,
      },
    });
    expect(tooLong.statusCode).toBe(422);
  });

  it("exports an intermediate's CSR, accepts the certificate signed elsewhere, then issues", async () => {
    const pending = await createCa(t, projectId, {
      name: "offline-int",
      type: "intermediate",
      subject: { common_name: "Offline Intermediate" },
      path_length: 0,
    });
    expect(pending).toMatchObject({ status: "pending_certificate", certificate: null });
    const refused = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/certificates`,
      payload: { ca_id: pending.id, subject: { common_name: "x.example.test" } },
    });
    expect(refused.statusCode).toBe(409);

    // An OpenSSL root outside Certsmith signs the exported CSR.
    const key = work.path("ext-root.key");
    const rootPem = work.path("ext-root.pem");
    await mustRun("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      key,
      "-out",
      rootPem,
      "-subj",
      "/CN=External Root",
      "-days",
      "3650",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    const csrFile = work.write("offline.csr", pending.csr!);
    const ext = work.write(
      "ca.ext",
      "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    );
    const signed = work.path("offline.pem");
    await mustRun("openssl", [
      "x509",
      "-req",
      "-in",
      csrFile,
      "-CA",
      rootPem,
      "-CAkey",
      key,
      "-CAcreateserial",
      "-days",
      "1000",
      "-extfile",
      ext,
      "-out",
      signed,
    ]);
    const uploaded = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/cas/${pending.id}/certificate`,
      payload: {
        certificate: work.read("offline.pem").toString(),
        chain: work.read("ext-root.pem").toString(),
      },
    });
    expect(uploaded.statusCode, uploaded.body).toBe(200);
    expect(uploaded.json()).toMatchObject({ status: "active", csr: null });

    const leaf = await issue(t, projectId, {
      ca_id: pending.id,
      subject: { common_name: "offline.example.test" },
    });
    const leafFile = work.write("offline-leaf.pem", leaf.certificate);
    await mustRun("openssl", [
      "verify",
      "-x509_strict",
      "-CAfile",
      rootPem,
      "-untrusted",
      signed,
      leafFile,
    ]);
  });

  it("imports a CA with its key and issues from it; a certificate alone is an external issuer", async () => {
    const key = work.path("imp.key");
    const cert = work.path("imp.pem");
    await mustRun("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-subj",
      "/CN=Imported Root",
      "-days",
      "365",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    const imported = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/cas/import`,
      payload: {
        name: "imported",
        certificate: work.read("imp.pem").toString(),
        private_key: work.read("imp.key").toString(),
      },
    });
    expect(imported.statusCode, imported.body).toBe(201);
    expect(imported.json()).toMatchObject({ type: "root", status: "active", key_type: "RSA-2048" });
    const leaf = await issue(t, projectId, {
      ca_id: imported.json().id,
      subject: { common_name: "imported.example.test" },
      validity_days: 30,
    });
    await mustRun("openssl", [
      "verify",
      "-x509_strict",
      "-CAfile",
      cert,
      work.write("imp-leaf.pem", leaf.certificate),
    ]);

    const external = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/cas/import`,
      payload: { name: "external", certificate: work.read("imp.pem").toString() },
    });
    expect(external.statusCode).toBe(201);
    expect(external.json()).toMatchObject({ type: "external", key_backend: null });
    const cannotSign = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/certificates`,
      payload: { ca_id: external.json().id, subject: { common_name: "x.example.test" } },
    });
    expect(cannotSign.statusCode).toBe(409);

    const wrongKey = work.path("other.key");
    await mustRun("openssl", ["genpkey", "-algorithm", "ed25519", "-out", wrongKey]);
    const mismatch = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/cas/import`,
      payload: {
        name: "mismatch",
        certificate: work.read("imp.pem").toString(),
        private_key: work.read("other.key").toString(),
      },
    });
    expect(mismatch.statusCode).toBe(422);
    const garbage = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/cas/import`,
      payload: {
        name: "garbage",
        certificate: "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
      },
    });
    expect(garbage.statusCode).toBe(400);
  });

  it("disables and re-enables a CA, downloads PEM, DER and chain, and audits each change", async () => {
    const root = await createRoot(t, projectId, "toggle-root");
    const int = await createIntermediate(t, projectId, root.id, "toggle-int");
    const disabled = await t.inject({
      method: "PATCH",
      url: `/api/v1/projects/${projectId}/cas/${int.id}`,
      payload: { status: "disabled" },
    });
    expect(disabled.json()).toMatchObject({ status: "disabled" });
    const refused = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/certificates`,
      payload: { ca_id: int.id, subject: { common_name: "x.example.test" } },
    });
    expect(refused.statusCode).toBe(409);
    await t.inject({
      method: "PATCH",
      url: `/api/v1/projects/${projectId}/cas/${int.id}`,
      payload: { status: "active" },
    });
    await issue(t, projectId, { ca_id: int.id, subject: { common_name: "x.example.test" } });

    const der = await t.inject({
      method: "GET",
      url: `/api/v1/projects/${projectId}/cas/${int.id}/download?format=der`,
    });
    expect(der.headers["content-type"]).toBe("application/pkix-cert");
    const derFile = work.write("toggle-int.der", der.rawPayload);
    const fromDer = await mustRun("openssl", [
      "x509",
      "-inform",
      "DER",
      "-in",
      derFile,
      "-noout",
      "-subject",
    ]);
    expect(fromDer).toContain("toggle-int Intermediate");
    const chain = await t.inject({
      method: "GET",
      url: `/api/v1/projects/${projectId}/cas/${int.id}/download?format=chain`,
    });
    expect(chain.headers["content-disposition"]).toBe(
      'attachment; filename="toggle-int-chain.pem"',
    );
    expect(chain.body).toBe(int.certificate! + root.certificate!);
    const p7b = await t.inject({
      method: "GET",
      url: `/api/v1/projects/${projectId}/cas/${int.id}/download?format=p7b`,
    });
    expect(p7b.headers["content-type"]).toBe("application/pkcs7-mime");
    const printed = await mustRun("openssl", [
      "pkcs7",
      "-inform",
      "DER",
      "-in",
      work.write("toggle.p7b", p7b.rawPayload),
      "-print_certs",
    ]);
    expect(printed).toContain("subject=O = Certsmith Tests, CN = toggle-int Intermediate");
    expect(printed).toContain("subject=C = DE, O = Certsmith Tests, CN = toggle-root Root");
    const noCsr = await t.inject({
      method: "GET",
      url: `/api/v1/projects/${projectId}/cas/${int.id}/download?format=csr`,
    });
    expect(noCsr.statusCode).toBe(404);

    const audit = await t.inject({
      method: "GET",
      url: `/api/v1/audit-logs?target_id=${int.id}`,
    });
    const actions = audit.json<{ items: { action: string }[] }>().items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["ca.create", "ca.disable", "ca.enable"]));
  });

  it("answers 404 for a CA of another project and 409 for a duplicate name", async () => {
    const root = await createRoot(t, projectId, "dup-root");
    const other = await createProject(t, "cas-other");
    const foreign = await t.inject({
      method: "GET",
      url: `/api/v1/projects/${other}/cas/${root.id}`,
    });
    expect(foreign.statusCode).toBe(404);
    const dup = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/cas`,
      payload: { name: "dup-root", type: "root", subject: { common_name: "Dup" } },
    });
    expect(dup.statusCode).toBe(409);
    const refusals = await t.inject({
      method: "GET",
      url: `/api/v1/audit-logs?action=ca.create&result=failure&project=${projectId}`,
    });
    expect(refusals.json().items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: "ca.create", result: "failure", error_code: "conflict" }),
      ]),
    );
    const list = await t.inject({
      method: "GET",
      url: `/api/v1/projects/${projectId}/cas?limit=2`,
    });
    expect(list.json().items).toHaveLength(2);
    expect(list.json().next_cursor).toEqual(expect.any(String));
  });

  it("creates CAs with every key type openssl verifies", async () => {
    for (const keyType of ["RSA-2048", "ECDSA-P256", "ECDSA-P521", "Ed25519"]) {
      const root = await createRoot(t, projectId, `kt-${keyType}`, { key_type: keyType });
      const file = work.write(`kt-${keyType}.pem`, root.certificate!);
      const result = await runTool("openssl", ["verify", "-x509_strict", "-CAfile", file, file]);
      expect(result.code, `${keyType}: ${result.stderr}`).toBe(0);
    }
  });
});
