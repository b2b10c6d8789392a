import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { createProject } from "../../support/identity.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";
import { createWorkDir, mustRun } from "../pki/support/tools.js";

import {
  certificatesUrl,
  createTestIssuer,
  importItems,
  importPem,
  type TestIssuer,
} from "./support.js";

const work = createWorkDir();
afterAll(() => work.remove());

const PASSWORD = "download-secret-1";

describe.each(DIALECTS)("certificate downloads (%s)", (dialect) => {
  let t: TestApp;
  let projectId: string;
  let issuer: TestIssuer;
  /** Imported with its key and its issuer. */
  let withKey: string;
  /** Imported alone. */
  let withoutKey: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    projectId = await createProject(t, "downloads");
    issuer = await createTestIssuer("Download Test Root");
    work.write(`${dialect}-root.pem`, issuer.rootPem);
    const leaf = await issuer.leaf("download.example.com");
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(leaf.pkcs8).toString("base64").replace(/.{64}/g, "$&\n")}\n-----END PRIVATE KEY-----\n`;
    const response = await importItems(t, projectId, [
      { pem: leaf.pem + issuer.rootPem, private_key: keyPem },
    ]);
    expect(response.statusCode, response.body).toBe(201);
    withKey = response.json().items[0].id;
    withoutKey = await importPem(t, projectId, (await issuer.leaf("public.example.com")).pem);
  });
  afterAll(async () => t?.close());

  const bundle = (id: string, body: Record<string, unknown>) =>
    t.inject({ method: "POST", url: certificatesUrl(projectId, `/${id}/download`), payload: body });

  it("serves PEM, DER and the chain on GET, which openssl reads and verifies", async () => {
    const pem = await t.inject({
      method: "GET",
      url: certificatesUrl(projectId, `/${withKey}/download`),
    });
    expect(pem.statusCode).toBe(200);
    expect(pem.headers["content-type"]).toContain("application/x-pem-file");
    expect(pem.headers["content-disposition"]).toBe(
      'attachment; filename="download.example.com.pem"',
    );
    const der = await t.inject({
      method: "GET",
      url: certificatesUrl(projectId, `/${withKey}/download?format=der`),
    });
    expect(der.headers["content-type"]).toBe("application/pkix-cert");
    work.write(`${dialect}-leaf.der`, der.rawPayload);
    const subject = await mustRun("openssl", [
      "x509",
      "-inform",
      "DER",
      "-in",
      work.path(`${dialect}-leaf.der`),
      "-noout",
      "-subject",
    ]);
    expect(subject).toContain("CN = download.example.com");
    const chain = await t.inject({
      method: "GET",
      url: certificatesUrl(projectId, `/${withKey}/download?format=chain`),
    });
    work.write(`${dialect}-chain.pem`, chain.body);
    expect(chain.body.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    await mustRun("openssl", [
      "verify",
      "-x509_strict",
      "-CAfile",
      work.path(`${dialect}-root.pem`),
      work.path(`${dialect}-chain.pem`),
    ]);
  });

  it("refuses a key-holding format on GET", async () => {
    const response = await t.inject({
      method: "GET",
      url: certificatesUrl(projectId, `/${withKey}/download?format=p12&password=x`),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("validation_failed");
  });

  it("makes a PKCS#12 with the key that openssl pkcs12 -info opens with the password", async () => {
    const response = await bundle(withKey, { format: "p12", password: PASSWORD });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers["content-type"]).toBe("application/x-pkcs12");
    expect(response.headers["cache-control"]).toBe("no-store");
    const file = work.write(`${dialect}.p12`, response.rawPayload);
    const info = await mustRun("openssl", [
      "pkcs12",
      "-info",
      "-in",
      file,
      "-passin",
      `pass:${PASSWORD}`,
      "-nodes",
    ]);
    expect(info).toContain("MAC: sha256");
    expect(info).toContain("PBES2, PBKDF2, AES-256-CBC");
    expect(info).toContain("BEGIN PRIVATE KEY");
    expect(info).toContain("subject=CN = download.example.com");
    expect(info).toContain("subject=O = Certsmith Tests, CN = Download Test Root");
    const wrong = await runOpenssl([
      "pkcs12",
      "-info",
      "-in",
      file,
      "-passin",
      "pass:wrong",
      "-nodes",
    ]);
    expect(wrong).not.toBe(0);
  });

  it("makes a JKS that keytool -list -v reads as a private key entry with its chain", async () => {
    const response = await bundle(withKey, { format: "jks", password: PASSWORD });
    expect(response.statusCode, response.body).toBe(200);
    const file = work.write(`${dialect}.jks`, response.rawPayload);
    const listing = await mustRun("keytool", [
      "-list",
      "-v",
      "-keystore",
      file,
      "-storetype",
      "JKS",
      "-storepass",
      PASSWORD,
    ]);
    expect(listing).toContain("Entry type: PrivateKeyEntry");
    expect(listing).toContain("Certificate chain length: 2");
    expect(listing).toContain("Owner: CN=download.example.com");
  });

  it("makes a zip that unzip tests and whose key opens only with the password", async () => {
    const response = await bundle(withKey, { format: "zip", password: PASSWORD });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers["content-type"]).toBe("application/zip");
    const file = work.write(`${dialect}.zip`, response.rawPayload);
    expect(await mustRun("unzip", ["-t", file])).toContain("No errors detected");
    const names = await mustRun("unzip", ["-Z1", file]);
    expect(names.split("\n").filter(Boolean).sort()).toEqual([
      "certificate.pem",
      "chain.pem",
      "fullchain.pem",
      "private-key.pem",
    ]);
    await mustRun("unzip", ["-o", "-q", file, "-d", work.path(`${dialect}-zip`)]);
    const key = work.path(`${dialect}-zip/private-key.pem`);
    await mustRun("openssl", ["pkey", "-in", key, "-passin", `pass:${PASSWORD}`, "-noout"]);
    expect(await runOpenssl(["pkey", "-in", key, "-passin", "pass:wrong", "-noout"])).not.toBe(0);
  });

  it("records each private-key download in the audit log, without the password", async () => {
    const audit = await t.inject({
      method: "GET",
      url: `/api/v1/audit-logs?action=certificate.download_key&project=${projectId}`,
    });
    const entries = audit.json().items as { target_id: string; details: { format: string } }[];
    expect(entries.map((e) => e.details.format).sort()).toEqual(["jks", "p12", "zip"]);
    expect(entries.every((e) => e.target_id === withKey)).toBe(true);
    expect(audit.body).not.toContain(PASSWORD);
  });

  it("answers 400 naming the password when it is absent", async () => {
    for (const format of ["p12", "jks", "zip"]) {
      const response = await bundle(withKey, { format });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({
        code: "validation_failed",
        details: [{ field: "password", reason: "required" }],
      });
    }
  });

  it("gives certificate-only files for a certificate without a key, and 422 when the key is asked for", async () => {
    const p12 = await bundle(withoutKey, { format: "p12", password: PASSWORD });
    expect(p12.statusCode).toBe(200);
    const file = work.write(`${dialect}-nokey.p12`, p12.rawPayload);
    const info = await mustRun("openssl", [
      "pkcs12",
      "-info",
      "-in",
      file,
      "-passin",
      `pass:${PASSWORD}`,
      "-nodes",
    ]);
    expect(info).not.toContain("PRIVATE KEY");
    const zip = await bundle(withoutKey, { format: "zip" });
    expect(zip.statusCode).toBe(200);
    const refused = await bundle(withoutKey, {
      format: "p12",
      password: PASSWORD,
      include_private_key: true,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.details[0]).toMatchObject({ reason: "key_not_downloadable" });
  });

  it("never stores a key-holding download for Idempotency-Key replays", async () => {
    const first = await t.inject({
      method: "POST",
      url: certificatesUrl(projectId, `/${withKey}/download`),
      headers: { "idempotency-key": `dl-${dialect}` },
      payload: { format: "p12", password: PASSWORD },
    });
    const second = await t.inject({
      method: "POST",
      url: certificatesUrl(projectId, `/${withKey}/download`),
      headers: { "idempotency-key": `dl-${dialect}` },
      payload: { format: "p12", password: PASSWORD },
    });
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.headers["idempotent-replayed"]).toBeUndefined();
    const stored = await t.app.store.db.selectFrom("idempotency_keys").selectAll().execute();
    expect(stored.filter((row) => JSON.stringify(row).includes(`dl-${dialect}`))).toEqual([]);
  });

  it("answers 404 for an unknown certificate", async () => {
    const response = await bundle("cert_00000000000000000000000000", {
      format: "p12",
      password: PASSWORD,
    });
    expect(response.statusCode).toBe(404);
    const get = await t.inject({
      method: "GET",
      url: certificatesUrl(projectId, "/cert_00000000000000000000000000/download"),
    });
    expect(get.statusCode).toBe(404);
  });
});

async function runOpenssl(args: string[]): Promise<number> {
  const { runTool } = await import("../pki/support/tools.js");
  return (await runTool("openssl", args)).code;
}
