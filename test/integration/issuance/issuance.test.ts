import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { createProject } from "../../support/identity.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";
import { createIntermediate, createRoot, issue, type CaJson } from "../cas/ca-api.js";
import { createWorkDir, mustRun, runTool, type WorkDir } from "../pki/support/tools.js";

describe.each(DIALECTS)("certificate issuance on %s", (dialect) => {
  let t: TestApp;
  let projectId: string;
  let work: WorkDir;
  let root: CaJson;
  let ca: CaJson;
  let rootFile: string;
  let caFile: string;

  async function opensslCsr(name: string, args: string[]): Promise<string> {
    const csr = work.path(`${name}.csr`);
    await mustRun("openssl", [
      "req",
      "-new",
      "-nodes",
      "-keyout",
      work.path(`${name}.key`),
      "-out",
      csr,
      ...args,
    ]);
    return work.read(`${name}.csr`).toString();
  }

  async function verifyLeaf(name: string, pem: string): Promise<string> {
    const file = work.write(`${name}.pem`, pem);
    await mustRun("openssl", [
      "verify",
      "-x509_strict",
      "-CAfile",
      rootFile,
      "-untrusted",
      caFile,
      file,
    ]);
    return mustRun("openssl", ["x509", "-in", file, "-noout", "-text"]);
  }

  function post(body: Record<string, unknown>, headers: Record<string, string> = {}) {
    return t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/certificates`,
      payload: body,
      headers,
    });
  }

  beforeAll(async () => {
    t = await createTestApp(dialect);
    projectId = await createProject(t, "issuance");
    work = createWorkDir();
    root = await createRoot(t, projectId, "iss-root");
    ca = await createIntermediate(t, projectId, root.id, "iss-int", { key_type: "ECDSA-P256" });
    rootFile = work.write("root.pem", root.certificate!);
    caFile = work.write("ca.pem", ca.certificate!);
  });
  afterAll(async () => {
    await t.close();
    work.remove();
  });

  it("issues from an openssl req CSR, keeping its subject and requested SANs", async () => {
    const csr = await opensslCsr("web", [
      "-newkey",
      "rsa:2048",
      "-subj",
      "/C=DE/O=Example/CN=web.example.test",
      "-addext",
      "subjectAltName=DNS:web.example.test,DNS:www.example.test,IP:192.0.2.7",
    ]);
    const issued = await issue(t, projectId, { ca_id: ca.id, csr, validity_days: 90 });
    expect(issued).toMatchObject({
      status: "active",
      common_name: "web.example.test",
      issuer_type: "issued",
      ca_id: ca.id,
      key_type: "RSA-2048",
      has_private_key: false,
      is_key_downloadable: false,
    });
    expect(issued.serial_number).toMatch(/^[0-9a-f]{16,40}$/);
    expect(issued.chain).toBe(ca.certificate! + root.certificate!);
    const text = await verifyLeaf("web", issued.certificate);
    expect(text).toContain("Subject: C = DE, O = Example, CN = web.example.test");
    expect(text).toContain("DNS:web.example.test, DNS:www.example.test, IP Address:192.0.2.7");
    expect(text).toContain("Public-Key: (2048 bit)");
    expect(text).toMatch(/CA:FALSE/);
    const days =
      (Date.parse(String(issued.expires_at)) - Date.parse(String(issued.not_before))) / 86_400_000;
    expect(Math.round(days)).toBe(90);
    // The serial openssl prints is the one we report and store.
    const serial = await mustRun("openssl", [
      "x509",
      "-in",
      work.path("web.pem"),
      "-noout",
      "-serial",
    ]);
    // Compared as numbers: OpenSSL prints whole octets (a leading 0 nibble when the top one is
    // clear, about 1 serial in 16), the API the hex of the integer.
    expect(BigInt(`0x${serial.trim().replace(/^serial=/, "")}`)).toBe(
      BigInt(`0x${issued.serial_number}`),
    );
  });

  it("generates the key here for a subject and SANs, and self-signs on request", async () => {
    const issued = await issue(t, projectId, {
      ca_id: ca.id,
      subject: { common_name: "api.example.test", organization: "Example" },
      sans: [
        "api.example.test",
        { type: "dns", value: "api2.example.test" },
        "mailto:ops@example.test",
      ],
      key_type: "ECDSA-P384",
      validity_days: 30,
    });
    expect(issued).toMatchObject({
      key_type: "ECDSA-P384",
      has_private_key: true,
      is_key_downloadable: true,
    });
    const text = await verifyLeaf("api", issued.certificate);
    expect(text).toContain("DNS:api.example.test, DNS:api2.example.test, email:ops@example.test");
    expect(text).toContain("NIST CURVE: P-384");

    const self = await issue(t, projectId, {
      self_signed: true,
      subject: { common_name: "device.local" },
      key_type: "Ed25519",
      validity_days: 10,
    });
    expect(self).toMatchObject({ issuer_type: "self_signed", ca_id: null, chain: "" });
    const selfFile = work.write("self.pem", self.certificate);
    await mustRun("openssl", ["verify", "-CAfile", selfFile, selfFile]);
    const selfText = await mustRun("openssl", ["x509", "-in", selfFile, "-noout", "-text"]);
    expect(selfText).toContain("Issuer: CN = device.local");
    expect(selfText).toContain("DNS:device.local");
  });

  it("refuses a tampered CSR, malformed PEM and unsupported keys with 400", async () => {
    const csr = await opensslCsr("tamper", [
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-subj",
      "/CN=good.example.test",
    ]);
    const der = Buffer.from(csr.replace(/-----[^-]+-----|\s/g, ""), "base64");
    const at = der.indexOf(Buffer.from("good.example.test"));
    der[at] = "e".charCodeAt(0); // "eood.example.test": the signature no longer matches
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
    const refused = await post({ ca_id: ca.id, csr: tampered });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe("bad_csr");

    const malformed = await post({
      ca_id: ca.id,
      csr: "-----BEGIN CERTIFICATE REQUEST-----\nnot*base64\n-----END CERTIFICATE REQUEST-----",
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe("bad_csr");

    const k1 = await opensslCsr("k1", [
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:secp256k1",
      "-subj",
      "/CN=k1.example.test",
    ]);
    const wrongCurve = await post({ ca_id: ca.id, csr: k1 });
    expect(wrongCurve.statusCode).toBe(400);
    expect(wrongCurve.json().error.code).toBe("bad_csr");

    const wrongType = await post({
      ca_id: ca.id,
      subject: { common_name: "x.example.test" },
      key_type: "RSA-1024",
    });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().error.code).toBe("validation_failed");

    const badSan = await post({ ca_id: ca.id, sans: ["exa mple.com"] });
    expect(badSan.statusCode).toBe(400);
    expect(badSan.json().error.code).toBe("validation_failed");
  });

  it("refuses more than 100 SANs, in the body or in a CSR", async () => {
    const sans = Array.from({ length: 101 }, (_, i) => `host${i}.example.test`);
    const body = await post({ ca_id: ca.id, subject: { common_name: "many.example.test" }, sans });
    expect(body.statusCode).toBe(400);
    expect(body.json().error.code).toBe("validation_failed");
    const csr = await opensslCsr("many", [
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-subj",
      "/CN=many.example.test",
      "-addext",
      `subjectAltName=${sans.map((s) => `DNS:${s}`).join(",")}`,
    ]);
    const fromCsr = await post({ ca_id: ca.id, csr });
    expect(fromCsr.statusCode).toBe(400);
    expect(fromCsr.json().error).toMatchObject({
      code: "validation_failed",
      details: [{ field: "sans", max: 100, count: 101 }],
    });
  });

  it("enforces the project policy with 422 policy_violation in the seed 004 shape", async () => {
    const policyProject = await createProject(t, "issuance-policy");
    const pRoot = await createRoot(t, policyProject, "policy-root");
    const put = await t.inject({
      method: "PUT",
      url: `/api/v1/projects/${policyProject}/policy`,
      payload: {
        allowed_key_types: ["RSA-2048", "RSA-3072"],
        max_validity_days: 90,
        allowed_domains: ["example.test"],
        allow_wildcards: false,
        require_san: true,
      },
    });
    expect(put.statusCode, put.body).toBe(200);
    const breach = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${policyProject}/certificates`,
      payload: {
        ca_id: pRoot.id,
        subject: { common_name: "www.example.test" },
        key_type: "ECDSA-P256",
        validity_days: 30,
      },
    });
    expect(breach.statusCode).toBe(422);
    expect(breach.json().error).toMatchObject({
      code: "policy_violation",
      message: "Key type ECDSA-P256 is not allowed by this project's policy.",
      details: [
        {
          rule: "allowed_key_types",
          offending_value: "ECDSA-P256",
          allowed: ["RSA-2048", "RSA-3072"],
        },
      ],
    });
    const many = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${policyProject}/certificates`,
      payload: {
        ca_id: pRoot.id,
        subject: { common_name: "x" },
        sans: ["*.example.test", "www.other.test"],
        key_type: "RSA-2048",
        validity_days: 365,
      },
    });
    expect(many.json().error.details).toEqual([
      { rule: "max_validity_days", offending_value: 365, allowed: 90 },
      { rule: "allow_wildcards", offending_value: "*.example.test", allowed: false },
      { rule: "allowed_domains", offending_value: "www.other.test", allowed: ["example.test"] },
    ]);
    const fine = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${policyProject}/certificates`,
      payload: {
        ca_id: pRoot.id,
        subject: { common_name: "ok.example.test" },
        key_type: "RSA-2048",
        validity_days: 90,
      },
    });
    expect(fine.statusCode, fine.body).toBe(201);
    // The refusal is audited as a failed issuance.
    const audit = await t.inject({
      method: "GET",
      url: `/api/v1/audit-logs?action=certificate.issue&project=${policyProject}`,
    });
    const results = audit
      .json<{ items: { result: string; error_code: string | null }[] }>()
      .items.map((e) => e.result);
    expect(results).toEqual(expect.arrayContaining(["success", "failure"]));

    // Address patterns allow IP SANs; URI hosts are held to the domains as well.
    const withAddresses = await t.inject({
      method: "PUT",
      url: `/api/v1/projects/${policyProject}/policy`,
      payload: { allowed_domains: ["Example.test", "10.0.0.0/8"] },
    });
    expect(withAddresses.statusCode, withAddresses.body).toBe(200);
    expect(withAddresses.json().allowed_domains).toEqual(["example.test", "10.0.0.0/8"]);
    const outside = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${policyProject}/certificates`,
      payload: {
        ca_id: pRoot.id,
        subject: { common_name: "svc.example.test" },
        sans: ["svc.example.test", "10.1.2.3", "192.168.1.1", "https://evil.test/api"],
        key_type: "ECDSA-P256",
        validity_days: 30,
      },
    });
    expect(outside.statusCode).toBe(422);
    const offending = outside
      .json<{ error: { details: { offending_value: string }[] } }>()
      .error.details.map((d) => d.offending_value);
    expect(offending).toEqual(["192.168.1.1", "evil.test"]);
    const inside = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${policyProject}/certificates`,
      payload: {
        ca_id: pRoot.id,
        subject: { common_name: "svc.example.test" },
        sans: ["svc.example.test", "10.1.2.3", "https://api.example.test/v1"],
        key_type: "ECDSA-P256",
        validity_days: 30,
      },
    });
    expect(inside.statusCode, inside.body).toBe(201);
  });

  it("applies a profile's CA, validity, usages and limits", async () => {
    const created = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/profiles`,
      payload: {
        name: "mtls-clients",
        ca_id: ca.id,
        allowed_key_types: ["ECDSA-P256"],
        default_key_type: "ECDSA-P256",
        validity_days: 14,
        key_usage: ["digitalSignature"],
        extended_key_usage: ["clientAuth"],
        subject_defaults: { organization: "Example Clients" },
        san_rules: { allowed_types: ["email", "uri"], max_count: 2 },
        allow_key_download: false,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const profile = created.json<{ id: string }>();
    const issued = await issue(t, projectId, {
      profile_id: profile.id,
      subject: { common_name: "client-7" },
      sans: ["spiffe://example.test/client-7"],
    });
    expect(issued).toMatchObject({
      ca_id: ca.id,
      profile_id: profile.id,
      key_type: "ECDSA-P256",
      is_key_downloadable: false,
    });
    const text = await verifyLeaf("client", issued.certificate);
    expect(text).toContain("Subject: O = Example Clients, CN = client-7");
    expect(text).toContain("TLS Web Client Authentication");
    expect(text).not.toContain("TLS Web Server Authentication");
    const days =
      (Date.parse(String(issued.expires_at)) - Date.parse(String(issued.not_before))) / 86_400_000;
    expect(Math.round(days)).toBe(14);

    const outside = await post({
      profile_id: profile.id,
      subject: { common_name: "client-8" },
      sans: ["client8.example.test"],
      key_type: "RSA-2048",
      validity_days: 30,
    });
    expect(outside.statusCode).toBe(422);
    const rules = outside.json<{ error: { details: { rule: string }[] } }>().error.details;
    expect(rules.map((d) => d.rule)).toEqual([
      "profile.allowed_key_types",
      "profile.max_validity_days",
      "profile.san_types",
    ]);
  });

  it("replays an issuance for the same Idempotency-Key and refuses the key with another body", async () => {
    const body = { ca_id: ca.id, subject: { common_name: "idem.example.test" }, validity_days: 7 };
    const headers = { "idempotency-key": "issue-idem-1" };
    const first = await post(body, headers);
    const again = await post(body, headers);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    const other = await post({ ...body, validity_days: 8 }, headers);
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe("idempotency_mismatch");
    const stored = await t.app.store.db
      .selectFrom("certificates")
      .select(["id", "serial_number", "issuer_type"])
      .where("common_name", "=", "idem.example.test")
      .execute();
    expect(stored).toEqual([
      { id: first.json().id, serial_number: first.json().serial_number, issuer_type: "issued" },
    ]);
  });

  it("stores and audits every issuance, with distinct positive serials of at least 64 bits", async () => {
    const serials = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const issued = await issue(t, projectId, {
        ca_id: ca.id,
        subject: { common_name: `s${i}.example.test` },
      });
      expect(
        BigInt(`0x${issued.serial_number}`) >= 2n ** 63n || issued.serial_number.length >= 16,
      ).toBe(true);
      serials.add(issued.serial_number);
      const audit = await t.inject({
        method: "GET",
        url: `/api/v1/audit-logs?target_id=${issued.id}`,
      });
      expect(audit.json().items).toEqual([
        expect.objectContaining({
          action: "certificate.issue",
          result: "success",
          project_id: projectId,
        }),
      ]);
    }
    expect(serials.size).toBe(5);
  });

  it("answers 404 for another project's CA and 400 when no issuer is named", async () => {
    const other = await createProject(t, "issuance-other");
    const foreign = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${other}/certificates`,
      payload: { ca_id: ca.id, subject: { common_name: "x.example.test" } },
    });
    expect(foreign.statusCode).toBe(404);
    const none = await post({ subject: { common_name: "x.example.test" } });
    expect(none.statusCode).toBe(400);
    const both = await post({ ca_id: ca.id, csr: "x", key_type: "RSA-2048" });
    expect(both.statusCode).toBe(400);
    const check = await runTool("openssl", ["version"]);
    expect(check.code).toBe(0);
  });
});
