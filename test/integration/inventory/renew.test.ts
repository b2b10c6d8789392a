import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { createProject } from "../../support/identity.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";
import { createWorkDir, mustRun } from "../pki/support/tools.js";

import { certificatesUrl, createTestIssuer, importPem } from "./support.js";

const work = createWorkDir();
afterAll(() => work.remove());

interface Detail {
  id: string;
  status: string;
  predecessor_id: string | null;
  successor_ids: string[];
  subject_key_identifier: string;
  sans: { type: string; value: string }[];
  ca_id: string | null;
  has_private_key: boolean;
  is_key_downloadable: boolean;
  chain: string;
  certificate: string;
}

describe.each(DIALECTS)("certificate renewal (%s)", (dialect) => {
  let t: TestApp;
  let projectId: string;
  let caId: string;
  let caPem: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    projectId = await createProject(t, "renew");
    const ca = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/cas`,
      payload: { name: "renew-root", type: "root", subject: { common_name: "Renew Root" } },
    });
    expect(ca.statusCode, ca.body).toBe(201);
    caId = ca.json().id;
    caPem = ca.json().certificate;
    work.write(`${dialect}-ca.pem`, caPem);
  });
  afterAll(async () => t?.close());

  async function issue(body: Record<string, unknown>): Promise<string> {
    const response = await t.inject({
      method: "POST",
      url: certificatesUrl(projectId),
      payload: { ca_id: caId, ...body },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string }>().id;
  }
  const get = async (id: string) =>
    (await t.inject({ method: "GET", url: certificatesUrl(projectId, `/${id}`) })).json<Detail>();
  const renew = (id: string, body: Record<string, unknown> = {}) =>
    t.inject({ method: "POST", url: certificatesUrl(projectId, `/${id}/renew`), payload: body });

  it("renews a server-key certificate with a new key, linking predecessor and successor", async () => {
    const oldId = await issue({
      subject: { common_name: "renew.example.com" },
      sans: ["renew.example.com", "10.0.0.9"],
      key_type: "ECDSA-P256",
      validity_days: 30,
    });
    const response = await renew(oldId);
    expect(response.statusCode, response.body).toBe(201);
    const successor = response.json<{ id: string; predecessor_id?: string }>();
    expect(response.headers.location).toBe(
      `/api/v1/projects/${projectId}/certificates/${successor.id}`,
    );
    const [before, after] = [await get(oldId), await get(successor.id)];
    expect(before.status).toBe("superseded");
    expect(before.successor_ids).toEqual([successor.id]);
    expect(after).toMatchObject({ status: "active", predecessor_id: oldId, ca_id: caId });
    expect(after.sans).toEqual(before.sans);
    expect(after.subject_key_identifier).not.toBe(before.subject_key_identifier);
    expect(after.is_key_downloadable).toBe(true);
    work.write(`${dialect}-renewed.pem`, after.certificate);
    await mustRun("openssl", [
      "verify",
      "-x509_strict",
      "-CAfile",
      work.path(`${dialect}-ca.pem`),
      work.path(`${dialect}-renewed.pem`),
    ]);
    const dates = await mustRun("openssl", [
      "x509",
      "-in",
      work.path(`${dialect}-renewed.pem`),
      "-noout",
      "-subject",
      "-ext",
      "subjectAltName",
    ]);
    expect(dates).toContain("CN = renew.example.com");
    expect(dates).toContain("IP Address:10.0.0.9");

    const audit = await t.inject({
      method: "GET",
      url: `/api/v1/audit-logs?action=certificate.renew&project=${projectId}`,
    });
    expect(audit.json().items[0]).toMatchObject({ target_id: oldId, result: "success" });

    const again = await renew(oldId);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.details[0]).toMatchObject({ reason: "already_renewed" });
  });

  it("lets only one of two concurrent renewals of a certificate win", async () => {
    const oldId = await issue({
      subject: { common_name: "race.example.com" },
      key_type: "ECDSA-P256",
    });
    const answers = await Promise.all([renew(oldId), renew(oldId), renew(oldId)]);
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses, answers.map((a) => a.body).join("\n")).toEqual([201, 409, 409]);
    for (const lost of answers.filter((a) => a.statusCode === 409)) {
      expect(lost.json().error.details[0]).toMatchObject({ reason: "already_renewed" });
    }
    const winner = answers.find((a) => a.statusCode === 201)!.json<{ id: string }>().id;
    expect((await get(oldId)).successor_ids).toEqual([winner]);
  });

  it("renews with the same key when asked, and keeps the key downloadable", async () => {
    const oldId = await issue({
      subject: { common_name: "same-key.example.com" },
      key_type: "ECDSA-P384",
    });
    const response = await renew(oldId, { key: "same", validity_days: 10 });
    expect(response.statusCode, response.body).toBe(201);
    const after = await get(response.json<{ id: string }>().id);
    expect(after.subject_key_identifier).toBe((await get(oldId)).subject_key_identifier);
    expect(after).toMatchObject({ has_private_key: true, is_key_downloadable: true });
    const p12 = await t.inject({
      method: "POST",
      url: certificatesUrl(projectId, `/${after.id}/download`),
      payload: { format: "p12", password: "renew-pw" },
    });
    expect(p12.statusCode).toBe(200);
    const file = work.write(`${dialect}-same.p12`, p12.rawPayload);
    expect(
      await mustRun("openssl", [
        "pkcs12",
        "-info",
        "-in",
        file,
        "-passin",
        "pass:renew-pw",
        "-nodes",
      ]),
    ).toContain("BEGIN PRIVATE KEY");
  });

  it("renews a CSR certificate with the same key by default, or with a new CSR", async () => {
    await mustRun("openssl", [
      "req",
      "-new",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      work.path(`${dialect}-csr.key`),
      "-out",
      work.path(`${dialect}-a.csr`),
      "-subj",
      "/CN=csr-renew.example.com",
      "-addext",
      "subjectAltName=DNS:csr-renew.example.com",
    ]);
    const csr = work.read(`${dialect}-a.csr`).toString();
    const oldId = await issue({ csr });
    const newKeyWithoutCsr = await renew(oldId, { key: "new" });
    expect(newKeyWithoutCsr.statusCode).toBe(422);
    expect(newKeyWithoutCsr.json().error.details[0]).toMatchObject({
      field: "csr",
      reason: "required",
    });
    const same = await renew(oldId);
    expect(same.statusCode, same.body).toBe(201);
    const sameId = same.json<{ id: string }>().id;
    expect((await get(sameId)).subject_key_identifier).toBe(
      (await get(oldId)).subject_key_identifier,
    );

    await mustRun("openssl", [
      "req",
      "-new",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      work.path(`${dialect}-csr2.key`),
      "-out",
      work.path(`${dialect}-b.csr`),
      "-subj",
      "/CN=csr-renew.example.com",
    ]);
    const next = await renew(sameId, { csr: work.read(`${dialect}-b.csr`).toString() });
    expect(next.statusCode, next.body).toBe(201);
    const renewed = await get(next.json<{ id: string }>().id);
    expect(renewed.predecessor_id).toBe(sameId);
    expect(renewed.sans).toEqual([{ type: "dns", value: "csr-renew.example.com" }]);
    expect(renewed.has_private_key).toBe(false);
  });

  it("refuses to renew a certificate issued elsewhere, and an unknown one", async () => {
    const issuer = await createTestIssuer();
    const foreign = await importPem(t, projectId, (await issuer.leaf("foreign.example.com")).pem);
    const response = await renew(foreign);
    expect(response.statusCode).toBe(422);
    expect(response.json().error.details[0]).toMatchObject({ reason: "foreign_issuer" });
    expect((await renew("cert_00000000000000000000000000")).statusCode).toBe(404);
    expect((await renew(foreign, { key: "other" })).statusCode).toBe(400);
  });
});
