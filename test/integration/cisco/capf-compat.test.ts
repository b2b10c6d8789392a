import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { fixture, SAMPLE_CONFIG } from "../../fixtures/itl/fixtures.js";
import { DIALECTS } from "../../support/dialects.js";
import { createKey } from "../../support/identity.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";

import { ciscoProject, pem } from "./cisco-fixtures.js";
import { decryptConfig, opensslVerifies, readSignedFile } from "./oracle.js";

const API = "/api/capf/api/v1";

describe.each(DIALECTS)("CAPF compat API (seed 000) on %s", (dialect) => {
  let t: TestApp;
  let projectId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    projectId = await ciscoProject(t);
  });
  afterAll(() => t?.close());

  it("answers 401 with a detail without an API key, and health without one", async () => {
    const response = await t.server.inject({ method: "GET", url: `${API}/devices` });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ detail: expect.stringContaining("Bearer") });
    const health = await t.server.inject({ method: "GET", url: `${API}/health` });
    expect(health.json()).toEqual({
      status: "healthy",
      version: expect.any(String),
      database: "connected",
    });
  });

  it("adds, lists, reads, changes and removes devices in the seed's shapes", async () => {
    const created = await t.inject({
      method: "POST",
      url: `${API}/devices`,
      payload: { name: "SEP001122334455", operation: "install", key_type: "RSA", key_size: 2048 },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      name: "SEP001122334455",
      operation: "install",
      key_type: "RSA",
      key_size: 2048,
      status: "pending",
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });

    const list = await t.inject({ method: "GET", url: `${API}/devices?limit=10` });
    expect(list.json()).toMatchObject({ total: 1, limit: 10, offset: 0 });
    expect(list.json().devices).toHaveLength(1);

    const patched = await t.inject({
      method: "PATCH",
      url: `${API}/devices/SEP001122334455/operation`,
      payload: { operation: "fetch" },
    });
    expect(patched.json()).toMatchObject({ operation: "fetch", status: "pending" });

    const duplicate = await t.inject({
      method: "POST",
      url: `${API}/devices`,
      payload: { name: "SEP001122334455" },
    });
    expect(duplicate.statusCode).toBe(400);
    expect(duplicate.json().detail).toContain("already exists");

    const gone = await t.inject({ method: "DELETE", url: `${API}/devices/SEP001122334455` });
    expect(gone.statusCode).toBe(204);
    const missing = await t.inject({ method: "GET", url: `${API}/devices/SEP001122334455` });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ detail: 'No device "SEP001122334455".' });
  });

  it("refuses bad input with 400 and a string detail", async () => {
    for (const payload of [
      { name: "PHONE1" },
      { name: "SEP001122334455", authentication: "password" },
      { name: "SEP001122334455", authentication: "password", password: "12" },
      { name: "SEP001122334455", key_type: "RSA", key_size: 1000 },
      { name: "SEP001122334455", key_type: "EC", curve: "secp999r1" },
      { name: "SEP001122334455", certificate: "not a certificate" },
      { name: "SEP001122334455", surprise: true },
      { operation: "install" },
    ]) {
      const response = await t.inject({ method: "POST", url: `${API}/devices`, payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(typeof response.json().detail).toBe("string");
    }
    const badJson = await t.inject({
      method: "POST",
      url: `${API}/devices`,
      headers: { "content-type": "application/json" },
      payload: "{",
    });
    expect(badJson.statusCode).toBe(400);
    expect(typeof badJson.json().detail).toBe("string");
  });

  it("builds a signed ITL file that verifies, with an inline or the project's signer", async () => {
    for (const signer of [
      { certificate_pem: pem("sast2", "crt"), private_key_pem: pem("sast2", "key") },
      undefined,
    ]) {
      const response = await t.inject({
        method: "POST",
        url: `${API}/itl-file`,
        payload: {
          certificates: [
            { pem: pem("ccm", "crt"), roles: ["CCM", "TFTP"] },
            { pem: pem("asterisk", "crt"), roles: ["TFTP"] },
          ],
          ...(signer ? { signer } : {}),
        },
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toBe("application/octet-stream");
      expect(response.headers["content-disposition"]).toBe('attachment; filename="ITLFile.tlv"');
      const bytes = new Uint8Array(response.rawPayload);
      expect(opensslVerifies(bytes, pem(signer ? "sast2" : "sast", "crt"))).toBe(true);
      expect(opensslVerifies(bytes, pem("sast3", "crt"))).toBe(false);
      expect(readSignedFile(bytes).tags.get(14)?.toString()).toBe("ITLFile.tlv\0");
    }
  });

  it("refuses an inline signer whose key does not match, without echoing the key", async () => {
    const key = pem("sast3", "key");
    const response = await t.inject({
      method: "POST",
      url: `${API}/itl-file`,
      payload: {
        certificates: [],
        signer: { certificate_pem: pem("sast", "crt"), private_key_pem: key },
      },
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toContain("PRIVATE KEY");
  });

  it("encrypts a config for a device with an RSA certificate, 404 without one", async () => {
    const noCert = await t.inject({
      method: "POST",
      url: `${API}/devices`,
      payload: { name: "SEP0011223344AA" },
    });
    expect(noCert.statusCode).toBe(201);
    const refused = await t.inject({
      method: "POST",
      url: `${API}/encrypt-config`,
      payload: { device_name: "SEP0011223344AA", config_xml: SAMPLE_CONFIG },
    });
    expect(refused.statusCode).toBe(404);

    await t.inject({
      method: "POST",
      url: `${API}/devices`,
      payload: { name: "SEP001122334455", certificate: pem("device", "crt") },
    });
    const response = await t.inject({
      method: "POST",
      url: `${API}/encrypt-config`,
      payload: { device_name: "SEP001122334455", config_xml: SAMPLE_CONFIG },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-disposition"]).toBe(
      'attachment; filename="SEP001122334455.cnf.xml.enc.sgn"',
    );
    const bytes = new Uint8Array(response.rawPayload);
    expect(opensslVerifies(bytes, pem("asterisk", "crt"))).toBe(true);
    expect(decryptConfig(bytes, fixture("device").key)).toBe(SAMPLE_CONFIG);
  });

  it("uses the API key's single project, and refuses a key without cisco permissions", async () => {
    const scoped = await createKey(t, {
      name: "capf-reader",
      permissions: ["cisco:read"],
      project_ids: [projectId],
    });
    const list = await t.server.inject({
      method: "GET",
      url: `${API}/devices`,
      headers: { authorization: `Bearer ${scoped.key}` },
    });
    expect(list.statusCode).toBe(200);
    const write = await t.server.inject({
      method: "DELETE",
      url: `${API}/devices/SEP001122334455`,
      headers: { authorization: `Bearer ${scoped.key}` },
    });
    expect(write.statusCode).toBe(403);
    expect(typeof write.json().detail).toBe("string");
  });

  it("serves the issuer certificate, stats and the docs", async () => {
    const issuer = await t.inject({ method: "GET", url: `${API}/issuer-certificate` });
    expect(issuer.json()).toMatchObject({ subject: "OU=SAST,O=SAST,CN=SAST" });
    const stats = await t.inject({ method: "GET", url: `${API}/stats` });
    expect(stats.json()).toMatchObject({ total_devices: 2 });
    const docs = await t.server.inject({ method: "GET", url: "/api/capf/docs" });
    expect(docs.statusCode).toBe(200);
    const openapi = await t.server.inject({ method: "GET", url: "/api/capf/openapi.json" });
    expect(Object.keys(openapi.json<{ paths: object }>().paths)).toContain(
      "/api/capf/api/v1/devices/{name}/operation",
    );
  });
});
