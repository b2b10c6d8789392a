import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { createProject, login, withSession, type Session } from "../../support/identity.js";
import { TEST_ADMIN, createTestApp, type TestApp } from "../../support/test-app.js";
import { createWorkDir, mustRun } from "../pki/support/tools.js";

const work = createWorkDir();
afterAll(() => work.remove());

describe.each(DIALECTS)("cell appliance vault compat (%s)", (dialect) => {
  let t: TestApp;
  let session: Session;
  let projectId: string;
  let caPem: string;
  const file = (name: string) => work.path(`${dialect}-vault-${name}`);

  beforeAll(async () => {
    t = await createTestApp(dialect);
    projectId = await createProject(t, "cell");
    const ca = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/cas`,
      payload: { name: "cell-root", type: "root", subject: { common_name: "Cell Root" } },
    });
    expect(ca.statusCode, ca.body).toBe(201);
    caPem = ca.json<{ certificate: string }>().certificate;
    work.write(`${dialect}-vault-ca.pem`, caPem);
    session = await login(t, TEST_ADMIN.username, TEST_ADMIN.password);
  });
  afterAll(async () => t?.close());

  const issue = (payload: Record<string, unknown>, csrf = true) =>
    t.server.inject({
      method: "POST",
      url: "/api/vault/certificates",
      headers: withSession(session, csrf),
      payload,
    });

  it("needs the X-CSRF-Token on a session mutation", async () => {
    const response = await issue({ common_name: "nocsrf.cell.test" }, false);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe("csrf_failed");
  });

  it("issues from the appliance CA, with the key as PKCS#12 when a password is given", async () => {
    const response = await issue({
      common_name: "mail.cell.test",
      sans: ["mail.cell.test", "imap.cell.test"],
      password: "vault-pw-1",
    });
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json<{ certificate: string; pkcs12: string; chain: string }>();
    expect(body.chain).toBe(caPem);
    work.write(`${dialect}-vault-leaf.pem`, body.certificate);
    await mustRun("openssl", [
      "verify",
      "-x509_strict",
      "-CAfile",
      file("ca.pem"),
      file("leaf.pem"),
    ]);
    const p12 = work.write(`${dialect}-vault.p12`, Buffer.from(body.pkcs12, "base64"));
    const info = await mustRun("openssl", [
      "pkcs12",
      "-info",
      "-in",
      p12,
      "-passin",
      "pass:vault-pw-1",
      "-nodes",
    ]);
    expect(info).toContain("BEGIN PRIVATE KEY");
    expect(info).toContain("subject=CN = mail.cell.test");
  });

  it("signs a CSR, and refuses a password beside it", async () => {
    await mustRun("openssl", [
      "req",
      "-new",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      file("csr.key"),
      "-out",
      file("req.csr"),
      "-subj",
      "/CN=dav.cell.test",
    ]);
    const csr = work.read(`${dialect}-vault-req.csr`).toString();
    const response = await issue({ common_name: "dav.cell.test", csr });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).not.toHaveProperty("pkcs12");
    expect((await issue({ common_name: "dav.cell.test", csr, password: "x" })).statusCode).toBe(
      400,
    );
  });

  it("downloads the CA certificate as PEM, DER or chain", async () => {
    const pem = await t.server.inject({
      method: "GET",
      url: "/api/vault/ca",
      headers: withSession(session),
    });
    expect(pem.statusCode, pem.body).toBe(200);
    expect(pem.body).toBe(caPem);
    const der = await t.server.inject({
      method: "GET",
      url: "/api/vault/ca?format=der",
      headers: withSession(session),
    });
    expect(der.headers["content-type"]).toBe("application/pkix-cert");
    work.write(`${dialect}-vault-ca.der`, der.rawPayload);
    expect(
      await mustRun("openssl", [
        "x509",
        "-inform",
        "DER",
        "-in",
        file("ca.der"),
        "-noout",
        "-subject",
      ]),
    ).toContain("CN = Cell Root");
  });

  it("asks for ca_id once the project has several CAs", async () => {
    const second = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/cas`,
      payload: { name: "cell-root-2", type: "root", subject: { common_name: "Cell Root 2" } },
    });
    expect(second.statusCode).toBe(201);
    const ambiguous = await t.server.inject({
      method: "GET",
      url: "/api/vault/ca",
      headers: withSession(session),
    });
    expect(ambiguous.statusCode).toBe(400);
    expect(ambiguous.json().error.details[0]).toMatchObject({ field: "ca_id", reason: "required" });
    const named = await t.server.inject({
      method: "GET",
      url: `/api/vault/ca?ca_id=${second.json<{ id: string }>().id}`,
      headers: withSession(session),
    });
    expect(named.body).toBe(second.json<{ certificate: string }>().certificate);
    expect((await t.server.inject({ method: "GET", url: "/api/vault/ca" })).statusCode).toBe(401);
  });
});
