import { readFileSync } from "node:fs";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { createProject } from "../../support/identity.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";
import { createWorkDir, mustRun } from "../pki/support/tools.js";

import { certificatesUrl, createTestIssuer, importItems } from "./support.js";

const work = createWorkDir();

/** An OpenSSL CA, a leaf it signed (RSA key) and a PKCS#12 made by `openssl pkcs12 -export`. */
async function opensslMaterial(): Promise<void> {
  await mustRun("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    work.path("ca.key"),
    "-out",
    work.path("ca.pem"),
    "-days",
    "365",
    "-subj",
    "/O=Legacy Corp/CN=Legacy Issuing CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  await mustRun("openssl", [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    work.path("leaf.key"),
    "-out",
    work.path("leaf.csr"),
    "-subj",
    "/CN=legacy.example.net",
  ]);
  work.write(
    "leaf.ext",
    "subjectAltName=DNS:legacy.example.net,DNS:www.legacy.example.net,IP:192.0.2.7\n",
  );
  await mustRun("openssl", [
    "x509",
    "-req",
    "-in",
    work.path("leaf.csr"),
    "-CA",
    work.path("ca.pem"),
    "-CAkey",
    work.path("ca.key"),
    "-CAcreateserial",
    "-days",
    "30",
    "-extfile",
    work.path("leaf.ext"),
    "-out",
    work.path("leaf.pem"),
  ]);
  await mustRun("openssl", [
    "pkcs12",
    "-export",
    "-inkey",
    work.path("leaf.key"),
    "-in",
    work.path("leaf.pem"),
    "-certfile",
    work.path("ca.pem"),
    "-name",
    "legacy",
    "-passout",
    "pass:p12-secret",
    "-out",
    work.path("leaf.p12"),
  ]);
}

const text = (name: string) => readFileSync(work.path(name), "utf8");
const base64 = (name: string) => readFileSync(work.path(name)).toString("base64");

beforeAll(opensslMaterial, 60_000);
afterAll(() => work.remove());

describe.each(DIALECTS)("certificate import (%s)", (dialect) => {
  let t: TestApp;
  let projectId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    projectId = await createProject(t, "import");
  });
  afterAll(async () => t?.close());

  it("imports a PKCS#12 made by openssl pkcs12 -export, with its chain and key", async () => {
    const response = await importItems(t, projectId, [
      { pkcs12: base64("leaf.p12"), password: "p12-secret" },
    ]);
    expect(response.statusCode, response.body).toBe(201);
    const [item] = response.json().items;
    expect(item).toMatchObject({
      issuer_type: "imported",
      status: "active",
      common_name: "legacy.example.net",
      key_type: "RSA-2048",
      key_size: 2048,
      ca_id: null,
      has_private_key: true,
      is_key_downloadable: true,
      sans: [
        { type: "dns", value: "legacy.example.net" },
        { type: "dns", value: "www.legacy.example.net" },
        { type: "ip", value: "192.0.2.7" },
      ],
    });
    const fingerprint = await mustRun("openssl", [
      "x509",
      "-in",
      work.path("leaf.pem"),
      "-noout",
      "-fingerprint",
      "-sha256",
    ]);
    expect(item.fingerprint_sha256).toBe(
      fingerprint.trim().split("=")[1]!.replace(/:/g, "").toLowerCase(),
    );
    const serial = await mustRun("openssl", [
      "x509",
      "-in",
      work.path("leaf.pem"),
      "-noout",
      "-serial",
    ]);
    expect(item.serial_number).toBe(
      serial
        .trim()
        .split("=")[1]!
        .toLowerCase()
        .replace(/^(00)+/, ""),
    );

    const detail = await t.inject({
      method: "GET",
      url: certificatesUrl(projectId, `/${item.id}`),
    });
    expect(detail.statusCode).toBe(200);
    expect(detail.json().chain_details).toHaveLength(1);
    expect(detail.json().chain).toBe(text("ca.pem"));
    expect(detail.json().chain_details[0].subject_dn).toBe("CN=Legacy Issuing CA,O=Legacy Corp");
    expect(detail.json<{ certificate: string }>().certificate.trim()).toBe(text("leaf.pem").trim());

    const audit = await t.inject({
      method: "GET",
      url: `/api/v1/audit-logs?action=certificate.import&project=${projectId}`,
    });
    expect(audit.json().items[0]).toMatchObject({
      action: "certificate.import",
      result: "success",
    });
    expect(JSON.stringify(audit.json())).not.toContain("p12-secret");
  });

  it("answers 200 with the existing id when the same certificate is imported again", async () => {
    const response = await importItems(t, projectId, [{ pem: text("leaf.pem") }]);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().items).toEqual([]);
    expect(response.json().existing).toHaveLength(1);
  });

  it("imports a full-chain PEM as one certificate with its issuer as chain", async () => {
    const other = await createTestApp(dialect);
    try {
      const otherProject = await createProject(other, "fullchain");
      const response = await importItems(other, otherProject, [
        { pem: text("leaf.pem") + text("ca.pem"), private_key: text("leaf.key") },
      ]);
      expect(response.statusCode, response.body).toBe(201);
      const items = response.json().items;
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ common_name: "legacy.example.net", has_private_key: true });
      const chain = await other.inject({
        method: "GET",
        url: certificatesUrl(otherProject, `/${items[0].id}/download?format=chain`),
      });
      work.write("roundtrip-chain.pem", chain.body);
      await mustRun("openssl", [
        "verify",
        "-CAfile",
        work.path("ca.pem"),
        "-untrusted",
        work.path("roundtrip-chain.pem"),
        work.path("roundtrip-chain.pem"),
      ]);
    } finally {
      await other.close();
    }
  });

  it("imports a bulk upload: unrelated PEM certificates, DER, each as its own entry", async () => {
    const issuer = await createTestIssuer();
    const a = await issuer.leaf("bulk-a.example.com");
    const b = await issuer.leaf("bulk-b.example.com");
    const c = await issuer.leaf("bulk-c.example.com");
    const response = await importItems(t, projectId, [
      { pem: a.pem + "\nsome explanatory text\n" + b.pem },
      { der: Buffer.from(c.der).toString("base64") },
    ]);
    expect(response.statusCode, response.body).toBe(201);
    const items = response.json<{ items: { common_name: string }[] }>().items;
    expect(items.map((i) => i.common_name)).toEqual([
      "bulk-a.example.com",
      "bulk-b.example.com",
      "bulk-c.example.com",
    ]);
  });

  it("links an import to the project's CA that signed it, and takes that CA's chain", async () => {
    const issuer = await createTestIssuer("Linked External Root");
    const ca = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/cas/import`,
      payload: { name: "linked-external", certificate: issuer.rootPem },
    });
    expect(ca.statusCode, ca.body).toBe(201);
    const caId = ca.json<{ id: string }>().id;
    const leaf = await issuer.leaf("linked.example.com");
    const response = await importItems(t, projectId, [{ pem: leaf.pem }]);
    expect(response.statusCode, response.body).toBe(201);
    const item = response.json<{ items: { id: string; ca_id: string | null }[] }>().items[0]!;
    expect(item.ca_id).toBe(caId);
    const listed = await t.inject({
      method: "GET",
      url: certificatesUrl(projectId, `?ca_id=${caId}&issuer_type=imported`),
    });
    expect(listed.json<{ items: { id: string }[] }>().items.map((i) => i.id)).toEqual([item.id]);
    const detail = await t.inject({
      method: "GET",
      url: certificatesUrl(projectId, `/${item.id}`),
    });
    expect(detail.json<{ chain: string }>().chain).toBe(issuer.rootPem);
  });

  const bad: [string, Record<string, unknown>[], number, string][] = [
    [
      "malformed PEM",
      [{ pem: "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n" }],
      400,
      "bad_request",
    ],
    [
      "a private key where a certificate belongs",
      [{ pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" }],
      400,
      "bad_request",
    ],
    [
      "DER that is not a certificate",
      [{ der: Buffer.from("garbage bytes here").toString("base64") }],
      400,
      "bad_request",
    ],
    ["invalid base64", [{ der: "!!!notbase64!!!" }], 400, "validation_failed"],
    [
      "a PKCS#12 with the wrong password",
      [{ pkcs12: "", password: "x" }],
      400,
      "validation_failed",
    ],
    ["no items", [], 400, "validation_failed"],
    ["two sources in one item", [{ pem: "x", der: "AAAA" }], 400, "validation_failed"],
  ];
  it.each(bad)("refuses %s", async (_name, items, status, code) => {
    const response = await importItems(t, projectId, items);
    expect(response.statusCode, response.body).toBe(status);
    expect(response.json().error.code).toBe(code);
  });

  it("refuses a PKCS#12 whose password is wrong, naming the item", async () => {
    const response = await importItems(t, projectId, [
      { pkcs12: base64("leaf.p12"), password: "not-the-password" },
    ]);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details[0]).toEqual({ index: 0, reason: "wrong_password" });
    expect(response.body).not.toContain("not-the-password");
  });

  it("refuses a private key that belongs to none of the certificates, and imports nothing", async () => {
    const issuer = await createTestIssuer();
    const leaf = await issuer.leaf("mismatch.example.com");
    const response = await importItems(t, projectId, [
      { pem: leaf.pem, private_key: text("leaf.key") },
    ]);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("validation_failed");
    const list = await t.inject({ method: "GET", url: certificatesUrl(projectId, "?q=mismatch") });
    expect(list.json().items).toEqual([]);
  });

  it("keeps a project that holds certificates from being deleted", async () => {
    const held = await createProject(t, "held");
    const issuer = await createTestIssuer();
    const imported = await importItems(t, held, [
      { pem: (await issuer.leaf("held.example.com")).pem },
    ]);
    expect(imported.statusCode).toBe(201);
    const response = await t.inject({ method: "DELETE", url: `/api/v1/projects/${held}` });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.details[0]).toMatchObject({ holds: ["1 certificates"] });
  });

  it("answers 404 for a project the caller cannot see", async () => {
    const response = await importItems(t, "prj_00000000000000000000000000", [
      { pem: text("ca.pem") },
    ]);
    expect(response.statusCode).toBe(404);
  });
});
