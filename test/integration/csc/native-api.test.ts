import { randomBytes } from "node:crypto";
import { deflateSync } from "node:zlib";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { createProject, createUser, login, withSession } from "../../support/identity.js";
import { rememberSecret } from "../../support/secrets.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";

import {
  OID,
  bearer,
  createCredential,
  createOpensslCa,
  csc,
  loginCsc,
  opensslVerifies,
  signer,
  type CscCredentialInfo,
  type CscInfo,
  type OpensslCa,
} from "./csc-support.js";

/** A minimal valid PNG of the given size (one grey row per line, zlib-compressed). */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, Buffer.from(type, "latin1"), data, Buffer.alloc(4)]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const raw = Buffer.alloc((width + 1) * height);
  return Buffer.concat([
    Buffer.from("89504e470d0a1a0a", "hex"),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe.each(DIALECTS)("signing credentials and CSC configuration API (%s)", (dialect) => {
  let t: TestApp;
  let ca: OpensslCa;
  let projectId: string;
  let owner: { id: string; password: string };
  const base = () => `/api/v1/projects/${projectId}/signing-credentials`;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    ca = await createOpensslCa();
    projectId = await createProject(t, "credentials");
    owner = await signer(t, "dora");
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    ca?.destroy();
  });

  it("creates a credential waiting for its certificate, with a CSR for its key", async () => {
    const created = await t.inject({
      method: "POST",
      url: base(),
      payload: {
        name: "Dora's signature",
        owner_user_id: owner.id,
        key_type: "RSA-2048",
        subject: { common_name: "Dora", organization: "Example Org", country: "DE" },
        auth_mode: "explicit",
        pin: "482910",
        multisign: 5,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      status: "pending_certificate",
      key_type: "RSA-2048",
      key_backend: "software",
      auth_mode: "explicit",
      has_pin: true,
      certificate: null,
      allowed_algorithms: [
        OID.sha256WithRsa,
        OID.sha384WithRsa,
        OID.sha512WithRsa,
        OID.rsaEncryption,
        OID.rsassaPss,
      ],
    });
    expect(body).not.toHaveProperty("pin");
    expect(String(body.csr)).toContain("BEGIN CERTIFICATE REQUEST");
    expect(created.headers.location).toBe(`${base()}/${String(body.id)}`);

    // Signed by a CA elsewhere, the certificate comes back for the same key only.
    const other = await ca.issueWithKey(["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
    rememberSecret("an imported private key", other.keyPem);
    const mismatch = await t.inject({
      method: "PUT",
      url: `${base()}/${String(body.id)}/certificate`,
      payload: { certificate: other.certificatePem },
    });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json()).toMatchObject({ error: { code: "validation_failed" } });
    const certificate = await ca.sign(String(body.csr));
    const attached = await t.inject({
      method: "PUT",
      url: `${base()}/${String(body.id)}/certificate`,
      payload: { certificate, chain: [ca.certificatePem] },
    });
    expect(attached.statusCode, attached.body).toBe(200);
    expect(attached.json()).toMatchObject({
      status: "active",
      chain: [expect.stringContaining("BEGIN CERTIFICATE")],
    });
  });

  it("imports a certificate together with its private key, and signs with it", async () => {
    const imported = await ca.issueWithKey(["rsa:2048"]);
    rememberSecret("an imported RSA key", imported.keyPem);
    const created = await t.inject({
      method: "POST",
      url: base(),
      payload: {
        name: "imported seal",
        owner_user_id: owner.id,
        key_type: "RSA-2048",
        auth_mode: "token",
        certificate: imported.certificatePem,
        chain: [ca.certificatePem],
        private_key: imported.keyPem,
        allowed_algorithms: [OID.sha256WithRsa],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.body).not.toContain("PRIVATE KEY");
    const { credential_id } = created.json<{ credential_id: string }>();
    const token = await loginCsc(t, "dora", owner.password);
    rememberSecret("dora's token", token);
    const digest = randomBytes(32);
    const signed = await csc(
      t,
      "signatures/signHash",
      {
        credentialID: credential_id,
        hashes: [digest.toString("base64")],
        signAlgo: OID.sha256WithRsa,
      },
      bearer(token),
    );
    expect(signed.statusCode, signed.body).toBe(200);
    const info = await csc(
      t,
      "credentials/info",
      { credentialID: credential_id, certificates: "chain" },
      bearer(token),
    );
    const described = info.json<CscCredentialInfo>();
    expect(described.key.algo).toEqual([OID.sha256WithRsa]);
    expect(described.cert.certificates).toHaveLength(2);
    const signature = Buffer.from(signed.json<{ signatures: string[] }>().signatures[0]!, "base64");
    expect(
      await opensslVerifies(described.cert.certificates[0]!, digest, signature, [
        "-pkeyopt",
        "digest:sha256",
      ]),
    ).toBe(true);
    // Only the algorithms the credential allows.
    const pss = await csc(
      t,
      "signatures/signHash",
      {
        credentialID: credential_id,
        hashes: [digest.toString("base64")],
        signAlgo: OID.rsassaPss,
        hashAlgorithmOID: OID.sha256,
      },
      bearer(token),
    );
    expect(pss.json()).toEqual({
      error: "invalid_request",
      error_description: "Invalid parameter signAlgo",
    });
  });

  it("issues the credential's certificate from a CA here with ca_id", async () => {
    const caResponse = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/cas`,
      payload: {
        name: "Signing Root",
        type: "root",
        subject: { common_name: "Signing Root", organization: "Example Org" },
      },
    });
    expect(caResponse.statusCode, caResponse.body).toBe(201);
    const caId = caResponse.json<{ id: string }>().id;
    const created = await t.inject({
      method: "POST",
      url: base(),
      payload: {
        name: "issued here",
        owner_user_id: owner.id,
        ca_id: caId,
        key_type: "ECDSA-P384",
        subject: { common_name: "Dora Issued", organization: "Example Org" },
        auth_mode: "token",
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json<{
      status: string;
      ca_id: string;
      credential_id: string;
      chain: string[];
    }>();
    expect(body).toMatchObject({ status: "active", ca_id: caId });
    expect(body.chain).toHaveLength(1);
    const token = await loginCsc(t, "dora", owner.password);
    rememberSecret("dora's second token", token);
    const info = await csc(
      t,
      "credentials/info",
      { credentialID: body.credential_id, certInfo: true },
      bearer(token),
    );
    const described = info.json<CscCredentialInfo>();
    expect(described.cert.issuerDN).toBe("CN=Signing Root,O=Example Org");
    expect(described.key).toMatchObject({ len: 384, curve: "1.3.132.0.34" });
    const digest = randomBytes(48);
    const signed = await csc(
      t,
      "signatures/signHash",
      {
        credentialID: body.credential_id,
        hashes: [digest.toString("base64")],
        signAlgo: OID.ecdsaWithSha384,
      },
      bearer(token),
    );
    const signature = Buffer.from(signed.json<{ signatures: string[] }>().signatures[0]!, "base64");
    expect(
      await opensslVerifies(described.cert.certificates[0]!, digest, signature, [
        "-pkeyopt",
        "digest:sha384",
      ]),
    ).toBe(true);
  });

  it.each([
    ["an explicit credential without a PIN", { auth_mode: "explicit" }, "pin"],
    ["a token credential with a PIN", { auth_mode: "token", pin: "1234" }, "pin"],
    ["a certificate without its key", { auth_mode: "token", certificate: "MIIB" }, "private_key"],
    [
      "an unknown owner",
      { auth_mode: "token", owner_user_id: "usr_00000000000000000000000000" },
      "owner_user_id",
    ],
    [
      "algorithms the key cannot do",
      { auth_mode: "token", allowed_algorithms: [OID.sha256WithRsa] },
      "allowed_algorithms",
    ],
    ["an unconfigured key backend", { auth_mode: "token", key_backend: "pkcs11" }, "key_backend"],
  ])("refuses %s with 400 validation_failed", async (_name, overrides, field) => {
    const response = await t.inject({
      method: "POST",
      url: base(),
      payload: { name: "bad", owner_user_id: owner.id, key_type: "ECDSA-P256", ...overrides },
    });
    expect(response.statusCode, response.body).toBe(400);
    const error = response.json<{ error: { code: string; details: { field?: string }[] } }>().error;
    expect(error.code).toBe("validation_failed");
    expect(error.details.map((d) => d.field)).toContain(field);
  });

  it("shows a peer only its own credentials, and deleting one stops its use", async () => {
    const peerId = await createUser(t, "erin", "peer");
    const mine = await createCredential(t, ca, projectId, peerId, { authMode: "token" });
    const someone = await createCredential(t, ca, projectId, owner.id, { authMode: "token" });
    const session = await login(t, "erin", "erin-password-123");
    const list = await t.server.inject({
      method: "GET",
      url: base(),
      headers: withSession(session),
    });
    expect(list.statusCode, list.body).toBe(200);
    const ids = list.json<{ items: { id: string }[] }>().items.map((c) => c.id);
    expect(ids).toEqual([mine.id]);
    const foreign = await t.server.inject({
      method: "GET",
      url: `${base()}/${someone.id}`,
      headers: withSession(session),
    });
    expect(foreign.statusCode).toBe(404);
    const create = await t.server.inject({
      method: "POST",
      url: base(),
      headers: withSession(session, true),
      payload: { name: "x", owner_user_id: peerId, key_type: "ECDSA-P256", auth_mode: "token" },
    });
    expect(create.statusCode).toBe(404);

    const deleted = await t.inject({ method: "DELETE", url: `${base()}/${mine.id}` });
    expect(deleted.statusCode).toBe(204);
    const token = await loginCsc(t, "erin", "erin-password-123");
    rememberSecret("erin's token", token);
    const gone = await csc(
      t,
      "credentials/info",
      { credentialID: mine.credentialId },
      bearer(token),
    );
    expect(gone.json()).toEqual({
      error: "invalid_request",
      error_description: "Invalid parameter credentialID",
    });
  });

  it("configures what /csc/v2/info announces, and serves the logo", async () => {
    const bad = await t.inject({
      method: "PATCH",
      url: "/api/v1/csc-config",
      payload: { region: "Germany" },
    });
    expect(bad.statusCode).toBe(400);
    const tooBig = await t.inject({
      method: "PATCH",
      url: "/api/v1/csc-config",
      payload: { logo: png(512, 10).toString("base64") },
    });
    expect(tooBig.statusCode).toBe(400);
    const notImage = await t.inject({
      method: "PATCH",
      url: "/api/v1/csc-config",
      payload: { logo: Buffer.from("GIF89a....").toString("base64") },
    });
    expect(notImage.statusCode).toBe(400);

    const logo = png(64, 64);
    const updated = await t.inject({
      method: "PATCH",
      url: "/api/v1/csc-config",
      payload: {
        name: "Example Signing",
        region: "DE",
        lang: "de-DE",
        description: "Fernsignatur",
        auth_types: ["basic"],
        logo: logo.toString("base64"),
      },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    const config = updated.json<{ logo_url: string }>();
    expect(config.logo_url).toMatch(/\/api\/v1\/csc-config\/logo$/);

    const info = (await csc(t, "info")).json<CscInfo & Record<string, unknown>>();
    expect(info).toMatchObject({
      name: "Example Signing",
      region: "DE",
      lang: "de-DE",
      description: "Fernsignatur",
      authType: ["basic"],
      logo: config.logo_url,
    });
    const served = await t.server.inject({ method: "GET", url: "/api/v1/csc-config/logo" });
    expect(served.statusCode).toBe(200);
    expect(served.headers["content-type"]).toBe("image/png");
    expect(served.rawPayload.equals(logo)).toBe(true);

    const audit = await t.inject({
      method: "GET",
      url: "/api/v1/audit-logs?action=csc_config.update",
    });
    expect(audit.json<{ items: unknown[] }>().items.length).toBeGreaterThan(0);

    const member = await createUser(t, "frank", "member");
    const session = await login(t, "frank", "frank-password-123");
    const forbidden = await t.server.inject({
      method: "GET",
      url: "/api/v1/csc-config",
      headers: withSession(session),
    });
    expect(forbidden.statusCode).toBe(403);
    expect(member).toBeTruthy();
  });
});
