import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { fixture, SAMPLE_CONFIG } from "../../fixtures/itl/fixtures.js";
import { DIALECTS } from "../../support/dialects.js";
import {
  addMember,
  createProject,
  createUser,
  login,
  withSession,
} from "../../support/identity.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";

import { ciscoProject, pem } from "./cisco-fixtures.js";
import { decryptConfig, opensslVerifies, readSignedFile } from "./oracle.js";

describe.each(DIALECTS)("native Cisco API and provisioning files on %s", (dialect) => {
  let t: TestApp;
  let projectId: string;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    projectId = await ciscoProject(t);
    base = `/api/v1/projects/${projectId}/cisco`;
  });
  afterAll(() => t?.close());

  it("pages devices with a cursor, and audits each change", async () => {
    for (const mac of ["000000000001", "000000000002", "000000000003"]) {
      const response = await t.inject({
        method: "POST",
        url: `${base}/devices`,
        payload: {
          name: `sep${mac}`,
          operation: "install",
          authentication: "password",
          password: "1234",
        },
        headers: { "x-request-id": `cisco-create-${mac}` },
      });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json()).toMatchObject({ name: `SEP${mac}`, has_password: true });
      expect(response.body).not.toContain("1234");
    }
    const first = await t.inject({ method: "GET", url: `${base}/devices?limit=2` });
    const page = first.json<{ items: { name: string }[]; next_cursor: string }>();
    expect(page.items.map((d) => d.name)).toEqual(["SEP000000000001", "SEP000000000002"]);
    const second = await t.inject({
      method: "GET",
      url: `${base}/devices?limit=2&cursor=${page.next_cursor}`,
    });
    expect(second.json()).toMatchObject({
      items: [{ name: "SEP000000000003" }],
      next_cursor: null,
    });

    const patched = await t.inject({
      method: "PATCH",
      url: `${base}/devices/SEP000000000001`,
      payload: { key_type: "EC", curve: "P-384", operation: "none" },
    });
    expect(patched.json()).toMatchObject({
      key_type: "EC",
      curve: "secp384r1",
      key_size: null,
      status: "idle",
    });

    const audit = await t.inject({
      method: "GET",
      url: "/api/v1/audit-logs?request_id=cisco-create-000000000002",
    });
    expect(audit.json()).toMatchObject({
      items: [{ action: "cisco_device.create", result: "success", project_id: projectId }],
    });
    expect(JSON.stringify(audit.json())).not.toContain("1234");
  });

  it("lists signers without keys, and refuses an EC or mismatched signer", async () => {
    const list = await t.inject({ method: "GET", url: `${base}/signers` });
    expect(list.json<{ items: { purpose: string }[] }>().items.map((s) => s.purpose)).toEqual([
      "capf_issuer",
      "sast",
      "tftp",
    ]);
    expect(list.body).not.toContain("PRIVATE KEY");
    const ec = await t.inject({
      method: "PUT",
      url: `${base}/signers/tftp`,
      payload: { certificate_pem: pem("tftp-ec", "crt"), private_key_pem: pem("tftp-ec", "key") },
    });
    expect(ec.statusCode).toBe(400);
    expect(ec.json().error.code).toBe("validation_failed");
    const mismatch = await t.inject({
      method: "PUT",
      url: `${base}/signers/sast`,
      payload: { certificate_pem: pem("sast", "crt"), private_key_pem: pem("sast2", "key") },
    });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).not.toContain("PRIVATE KEY");
    const notCa = await t.inject({
      method: "PUT",
      url: `${base}/signers/capf_issuer`,
      payload: { certificate_pem: pem("ccm", "crt"), private_key_pem: pem("ccm", "key") },
    });
    expect(notCa.statusCode).toBe(400);
  });

  it("changes the LSC validity within 1–3560 days", async () => {
    const ok = await t.inject({
      method: "PATCH",
      url: `${base}/settings`,
      payload: { lsc_validity_days: 730 },
    });
    expect(ok.json()).toEqual({ lsc_validity_days: 730, capf_issuer_ca_id: null });
    const bad = await t.inject({
      method: "PATCH",
      url: `${base}/settings`,
      payload: { lsc_validity_days: 4000 },
    });
    expect(bad.statusCode).toBe(400);
  });

  it("serves the current ITL from the trust list, rebuilt when the list changes", async () => {
    const file = () => t.server.inject({ method: "GET", url: "/provisioning/ITLFile.tlv" });
    const before = await file();
    expect(before.statusCode).toBe(200);
    expect(opensslVerifies(before.rawPayload, pem("sast", "crt"))).toBe(true);
    const added = await t.inject({
      method: "POST",
      url: `${base}/trust-entries`,
      payload: { certificate_pem: pem("ccm", "crt"), roles: ["CCM", "TFTP"], ttl_seconds: 3600 },
    });
    expect(added.statusCode, added.body).toBe(201);
    const after = await file();
    expect(after.rawPayload.equals(before.rawPayload)).toBe(false);
    expect(opensslVerifies(after.rawPayload, pem("sast", "crt"))).toBe(true);
    // The same trust list gives the same bytes (deterministic signature and timestamp).
    expect((await file()).rawPayload.equals(after.rawPayload)).toBe(true);
    expect(
      (await t.server.inject({ method: "GET", url: "/provisioning/other.txt" })).statusCode,
    ).toBe(404);
  });

  it("encrypts a config, then serves its stub and .enc.sgn to the phone", async () => {
    await t.inject({
      method: "POST",
      url: `${base}/devices`,
      payload: { name: "SEP001122334455", certificate: pem("device", "crt") },
    });
    const encrypted = await t.inject({
      method: "POST",
      url: `${base}/encrypt-config`,
      payload: { device_name: "SEP001122334455", config_xml: SAMPLE_CONFIG, digest: "SHA-512" },
    });
    expect(encrypted.statusCode, encrypted.body).toBe(200);
    const served = await t.server.inject({
      method: "GET",
      url: "/provisioning/SEP001122334455.cnf.xml.enc.sgn",
    });
    expect(served.rawPayload.equals(encrypted.rawPayload)).toBe(true);
    expect(opensslVerifies(served.rawPayload, pem("asterisk", "crt"))).toBe(true);
    expect(decryptConfig(served.rawPayload, fixture("device").key)).toBe(SAMPLE_CONFIG);

    const stub = await t.server.inject({
      method: "GET",
      url: "/provisioning/SEP001122334455.cnf.xml.sgn",
    });
    expect(opensslVerifies(stub.rawPayload, pem("asterisk", "crt"))).toBe(true);
    const xml = readSignedFile(stub.rawPayload).payload.toString("utf8");
    expect(xml).toContain("<encrConfig>true</encrConfig>");
    expect(xml).toContain("<capfAuthMode>1</capfAuthMode>");
    expect(xml).not.toContain("Reception");

    const ec = await t.inject({
      method: "POST",
      url: `${base}/devices`,
      payload: { name: "SEP00112233AABB", certificate: pem("device-ec", "crt") },
    });
    expect(ec.statusCode).toBe(201);
    const refused = await t.inject({
      method: "POST",
      url: `${base}/encrypt-config`,
      payload: { device_name: "SEP00112233AABB", config_xml: SAMPLE_CONFIG },
    });
    expect(refused.statusCode).toBe(404);
  });

  it("answers another project's devices with 404, and lets a viewer read but not write", async () => {
    const other = await createProject(t, "elsewhere");
    const foreign = await t.inject({
      method: "GET",
      url: `/api/v1/projects/${other}/cisco/devices/SEP000000000001`,
    });
    expect(foreign.statusCode).toBe(404);

    const userId = await createUser(t, "phone-viewer", "member");
    await addMember(t, projectId, userId, "viewer");
    const session = await login(t, "phone-viewer", "phone-viewer-password-123");
    const read = await t.server.inject({
      method: "GET",
      url: `${base}/devices`,
      headers: withSession(session),
    });
    expect(read.statusCode).toBe(200);
    const write = await t.server.inject({
      method: "DELETE",
      url: `${base}/devices/SEP000000000001`,
      headers: withSession(session, true),
    });
    expect(write.statusCode).toBe(403);
  });
});
