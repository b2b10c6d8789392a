import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { bearer, createKey, createProject } from "../../support/identity.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";
import { createWorkDir, mustRun } from "../pki/support/tools.js";

const work = createWorkDir();
afterAll(() => work.remove());

describe.each(DIALECTS)(
  "SecTrail compat: /api/generate and /api/getCertificates (%s)",
  (dialect) => {
    let t: TestApp;
    let projectId: string;
    let otherProjectId: string;
    let caId: string;
    let templateId: string;
    /** An API key bound to the one project, so requests need no projectId. */
    let key: string;
    const file = (name: string) => work.path(`${dialect}-${name}`);

    beforeAll(async () => {
      t = await createTestApp(dialect);
      projectId = await createProject(t, "sectrail");
      otherProjectId = await createProject(t, "elsewhere");
      const ca = await t.inject({
        method: "POST",
        url: `/api/v1/projects/${projectId}/cas`,
        payload: { name: "sectrail-root", type: "root", subject: { common_name: "SecTrail Root" } },
      });
      expect(ca.statusCode, ca.body).toBe(201);
      caId = ca.json().id;
      work.write(`${dialect}-ca.pem`, ca.json<{ certificate: string }>().certificate);
      const profile = await t.inject({
        method: "POST",
        url: `/api/v1/projects/${projectId}/profiles`,
        payload: { name: "web", ca_id: caId, validity_days: 30, allow_key_download: true },
      });
      expect(profile.statusCode, profile.body).toBe(201);
      templateId = profile.json().id;
      key = (
        await createKey(t, {
          name: "sectrail",
          permissions: ["certificates:read", "certificates:write"],
          project_ids: [projectId],
        })
      ).key;
      await mustRun("openssl", [
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        file("csr.key"),
        "-out",
        file("req.csr"),
        "-subj",
        "/CN=sectrail.example.com",
        "-addext",
        "subjectAltName=DNS:sectrail.example.com",
      ]);
    });
    afterAll(async () => t?.close());

    const generate = (payload: Record<string, unknown>, headers = bearer(key)) =>
      t.server.inject({ method: "POST", url: "/api/generate", headers, payload });
    const query = (payload: Record<string, unknown>, headers = bearer(key)) =>
      t.server.inject({ method: "POST", url: "/api/getCertificates", headers, payload });

    it("signs an openssl CSR (requestType csr) with a certificate openssl verifies", async () => {
      const csr = work.read(`${dialect}-req.csr`).toString();
      const response = await generate({ requestType: "csr", caId, csr });
      expect(response.statusCode, response.body).toBe(201);
      const body = response.json<{ certificate: string }>();
      expect(body).toMatchObject({
        requestType: "csr",
        status: "active",
        commonName: "sectrail.example.com",
        caId,
        keyType: "RSA-2048",
      });
      work.write(`${dialect}-csr-cert.pem`, body.certificate);
      await mustRun("openssl", [
        "verify",
        "-x509_strict",
        "-CAfile",
        file("ca.pem"),
        file("csr-cert.pem"),
      ]);
    });

    it("makes a self-signed certificate (requestType self-signed)", async () => {
      const response = await generate({
        requestType: "self-signed",
        subject: { commonName: "self.example.com", organization: "SecTrail" },
        sans: ["self.example.com"],
        keyType: "ECDSA-P256",
        validityDays: 10,
      });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json()).toMatchObject({ caId: null, chain: "" });
      work.write(`${dialect}-self.pem`, response.json<{ certificate: string }>().certificate);
      await mustRun("openssl", [
        "verify",
        "-x509_strict",
        "-CAfile",
        file("self.pem"),
        file("self.pem"),
      ]);
    });

    it("issues under a profile (requestType template)", async () => {
      const response = await generate({
        requestType: "template",
        templateId,
        subject: { commonName: "template.example.com" },
        sans: ["template.example.com"],
      });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json()).toMatchObject({ templateId, caId });
    });

    it("returns a JKS (requestType jks) that keytool lists with its key and chain", async () => {
      const response = await generate({
        requestType: "jks",
        templateId,
        subject: { commonName: "java.example.com" },
        sans: ["java.example.com"],
        password: "changeit-123",
      });
      expect(response.statusCode, response.body).toBe(201);
      const store = work.write(
        `${dialect}.jks`,
        Buffer.from(response.json<{ keystore: string }>().keystore, "base64"),
      );
      const listing = await mustRun("keytool", [
        "-list",
        "-v",
        "-keystore",
        store,
        "-storetype",
        "JKS",
        "-storepass",
        "changeit-123",
      ]);
      expect(listing).toContain("Entry type: PrivateKeyEntry");
      expect(listing).toContain("Certificate chain length: 2");
      expect(listing).toContain("Owner: CN=java.example.com");
    });

    it("refuses a jks under a profile that keeps keys, before issuing anything", async () => {
      const custody = await t.inject({
        method: "POST",
        url: `/api/v1/projects/${projectId}/profiles`,
        payload: { name: "custody", ca_id: caId, validity_days: 30, allow_key_download: false },
      });
      expect(custody.statusCode, custody.body).toBe(201);
      const response = await generate({
        requestType: "jks",
        templateId: custody.json<{ id: string }>().id,
        subject: { commonName: "kept.example.com" },
        password: "changeit-123",
      });
      expect(response.statusCode, response.body).toBe(422);
      expect(response.json().error.details[0]).toMatchObject({ reason: "key_not_downloadable" });
      const listed = await query({ q: "kept.example.com" });
      expect(listed.json().certificates).toEqual([]);
    });

    it("lists the inventory with filters and gives details and status of given certificates", async () => {
      const all = await query({ issuerType: ["issued"], sort: "common_name", order: "asc" });
      expect(all.statusCode, all.body).toBe(200);
      const names = all
        .json<{ certificates: { commonName: string }[] }>()
        .certificates.map((c) => c.commonName);
      expect(names).toEqual(["java.example.com", "sectrail.example.com", "template.example.com"]);
      const selfSigned = await query({ issuerType: ["self_signed"], status: ["active"] });
      expect(selfSigned.json().certificates).toHaveLength(1);
      const id = all.json().certificates[0].id as string;
      const details = await query({ certificateIds: [id] });
      expect(details.statusCode).toBe(200);
      const [detail] = details.json().certificates;
      expect(detail).toMatchObject({ id, status: "active", commonName: "java.example.com" });
      expect(detail.certificate).toContain("BEGIN CERTIFICATE");
      expect(detail.extendedKeyUsage.length).toBeGreaterThan(0);
      const paged = await query({ limit: 2, sort: "common_name" });
      expect(paged.json().certificates).toHaveLength(2);
      expect(typeof paged.json().nextCursor).toBe("string");
    });

    it.each([
      [{ requestType: "csr", caId: "ca_00000000000000000000000000" }, 400, "validation_failed"],
      [{ requestType: "signed" }, 400, "validation_failed"],
      [{ requestType: "jks" }, 400, "validation_failed"],
      [
        { requestType: "self-signed", caId: "ca_00000000000000000000000000" },
        400,
        "validation_failed",
      ],
      [{ requestType: "template", templateId: "prf_00000000000000000000000000" }, 404, "not_found"],
    ])("refuses %j with %i %s", async (payload, status, code) => {
      const response = await generate(payload);
      expect(response.statusCode, response.body).toBe(status);
      expect(response.json().error.code).toBe(code);
    });

    it("refuses a tampered CSR with 400 bad_csr", async () => {
      const csr = work.read(`${dialect}-req.csr`).toString();
      const der = Buffer.from(csr.replace(/-----[^-]+-----|\s/g, ""), "base64");
      der[der.length - 5]! ^= 0xff;
      const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
      const response = await generate({ requestType: "csr", caId, csr: tampered });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe("bad_csr");
    });

    it("needs a Bearer API key, and hides projects the key is not bound to", async () => {
      expect((await generate({ requestType: "self-signed" }, {})).statusCode).toBe(401);
      const elsewhere = await query({ projectId: otherProjectId });
      expect(elsewhere.statusCode).toBe(404);
      // The admin key sees two projects, so it must name one.
      const admin = await t.inject({ method: "POST", url: "/api/getCertificates", payload: {} });
      expect(admin.statusCode).toBe(400);
      expect(admin.json().error.details[0]).toMatchObject({ field: "projectId" });
      const named = await t.inject({
        method: "POST",
        url: "/api/getCertificates",
        payload: { projectId },
      });
      expect(named.statusCode).toBe(200);
    });
  },
);
