import { createHash, randomBytes } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { createProject } from "../../support/identity.js";
import { rememberSecret } from "../../support/secrets.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";

import {
  OID,
  basic,
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

describe.each(DIALECTS)("CSC v2 documented flow (%s)", (dialect) => {
  let t: TestApp;
  let ca: OpensslCa;
  let projectId: string;
  let alice: { id: string; password: string };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    ca = await createOpensslCa();
    projectId = await createProject(t, "signing");
    alice = await signer(t, "alice");
  });
  afterAll(async () => {
    await t?.close();
    ca?.destroy();
  });

  it("answers info without authentication, on POST with an empty body and on GET", async () => {
    const post = await csc(t, "info");
    expect(post.statusCode).toBe(200);
    const info = post.json<CscInfo>();
    expect(info).toMatchObject({
      specs: "2.0.0.2",
      name: "Certsmith",
      authType: ["basic"],
      signature_formats: { formats: [], envelope_properties: [] },
      conformance_levels: [],
    });
    expect(info.methods).toEqual(
      expect.arrayContaining(["auth/login", "credentials/list", "signatures/signHash"]),
    );
    expect(info.signAlgorithms.algos).toHaveLength(info.signAlgorithms.algoParams.length);
    expect(info.signAlgorithms.algos).toContain(OID.ecdsaWithSha256);
    const get = await t.server.inject({ method: "GET", url: "/csc/v2/info" });
    expect(get.json()).toEqual(info);
  });

  it("runs seed 001's flow: login → list → info → signHash on a seal credential", async () => {
    const seal = await createCredential(t, ca, projectId, alice.id, { authMode: "token" });
    const token = await loginCsc(t, "alice", alice.password);

    const list = await csc(t, "credentials/list", undefined, bearer(token));
    expect(list.statusCode).toBe(200);
    expect(list.json().credentialIDs).toContain(seal.credentialId);

    const info = await csc(
      t,
      "credentials/info",
      { credentialID: seal.credentialId },
      bearer(token),
    );
    expect(info.statusCode).toBe(200);
    const credential = info.json<CscCredentialInfo>();
    expect(credential.key).toMatchObject({
      status: "enabled",
      len: 256,
      curve: "1.2.840.10045.3.1.7",
    });
    expect(credential.key.algo).toContain(OID.ecdsaWithSha256);
    expect(credential.cert.status).toBe("valid");
    expect(credential.cert.certificates).toHaveLength(1);

    const digest = createHash("sha256").update("seed 001 document").digest();
    const signed = await csc(
      t,
      "signatures/signHash",
      {
        credentialID: seal.credentialId,
        hashes: [digest.toString("base64")],
        signAlgo: OID.ecdsaWithSha256,
      },
      bearer(token),
    );
    expect(signed.statusCode).toBe(200);
    const [signature] = signed.json<{ signatures: string[] }>().signatures;
    expect(
      await opensslVerifies(
        credential.cert.certificates[0]!,
        digest,
        Buffer.from(signature!, "base64"),
        ["-pkeyopt", "digest:sha256"],
      ),
    ).toBe(true);
  });

  it("runs the explicit flow: authorize with the PIN → SAD → signHash, counting signatures", async () => {
    const explicit = await createCredential(t, ca, projectId, alice.id, {
      pin: "2468",
      multisign: 3,
    });
    const token = await loginCsc(t, "alice", alice.password);
    const listed = await csc(
      t,
      "credentials/list",
      { credentialInfo: true, certificates: "chain", certInfo: true, authInfo: true },
      bearer(token),
    );
    const entry = listed
      .json<{ credentialInfos: CscCredentialInfo[] }>()
      .credentialInfos.find((c) => c.credentialID === explicit.credentialId)!;
    expect(entry.cert.certificates).toHaveLength(2);
    expect(entry.cert.subjectDN).toContain("O=Example Org");
    expect(entry.cert.validTo).toMatch(/^\d{14}Z$/);
    expect(entry.auth).toMatchObject({ mode: "explicit", expression: "PIN" });
    expect(entry.PIN).toMatchObject({ presence: "true" });
    expect(entry.multisign).toBe(3);

    const noSad = await csc(
      t,
      "signatures/signHash",
      {
        credentialID: explicit.credentialId,
        hashes: [randomBytes(32).toString("base64")],
        signAlgo: OID.ecdsaWithSha256,
      },
      bearer(token),
    );
    expect(noSad.statusCode).toBe(400);
    expect(noSad.json()).toEqual({
      error: "invalid_request",
      error_description: "Missing (or invalid type) string parameter SAD",
    });

    const authorized = await csc(
      t,
      "credentials/authorize",
      {
        credentialID: explicit.credentialId,
        numSignatures: 2,
        authData: [{ id: "PIN", value: "2468" }],
      },
      bearer(token),
    );
    expect(authorized.statusCode).toBe(200);
    const { SAD, expiresIn } = authorized.json<{ SAD: string; expiresIn: number }>();
    expect(expiresIn).toBeGreaterThan(0);

    const digests = [randomBytes(32), randomBytes(32)];
    const signed = await csc(
      t,
      "signatures/signHash",
      {
        credentialID: explicit.credentialId,
        SAD,
        hashes: digests.map((d) => d.toString("base64")),
        signAlgo: OID.ecdsaWithSha256,
      },
      bearer(token),
    );
    expect(signed.statusCode).toBe(200);
    const signatures = signed.json<{ signatures: string[] }>().signatures;
    expect(signatures).toHaveLength(2);
    for (const [i, digest] of digests.entries()) {
      expect(
        await opensslVerifies(
          entry.cert.certificates[0]!,
          digest,
          Buffer.from(signatures[i]!, "base64"),
          [],
        ),
      ).toBe(true);
    }

    // The SAD covered two signatures: it is spent.
    const replay = await csc(
      t,
      "signatures/signHash",
      {
        credentialID: explicit.credentialId,
        SAD,
        hashes: [digests[0]!.toString("base64")],
        signAlgo: OID.ecdsaWithSha256,
      },
      bearer(token),
    );
    expect(replay.statusCode).toBe(400);
    expect(replay.json()).toEqual({
      error: "invalid_request",
      error_description: "Invalid parameter SAD",
    });
  });

  it("never replays a CSC answer for an Idempotency-Key (it would hand out another caller's token)", async () => {
    const headers = { "idempotency-key": "same-key-for-everyone" };
    const first = await csc(t, "auth/login", undefined, {
      ...basic("alice", alice.password),
      ...headers,
    });
    expect(first.statusCode).toBe(200);
    rememberSecret("alice's idempotent token", first.json<{ access_token: string }>().access_token);
    const stranger = await csc(t, "auth/login", undefined, headers);
    expect(stranger.statusCode).toBe(401);
    expect(stranger.body).not.toContain(first.json<{ access_token: string }>().access_token);
  });

  it("answers a bad Basic login, a malformed header and an unknown token in the spec's shapes", async () => {
    const wrong = await csc(t, "auth/login", undefined, basic("alice", "not her password"));
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toEqual({
      error: "authentication_error",
      error_description: "An error occurred during authentication process",
    });
    const noHeader = await csc(t, "auth/login");
    expect(noHeader.statusCode).toBe(401);
    expect(noHeader.json().error).toBe("invalid_request");
    const malformed = await csc(t, "credentials/list", {}, { authorization: "Token abc" });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toEqual({
      error: "invalid_request",
      error_description: "Malformed authorization header",
    });
    const unknown = await csc(t, "credentials/list", {}, bearer("csca_nope"));
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error).toBe("invalid_token");
    expect(unknown.headers["www-authenticate"]).toContain("invalid_token");
    const notImplemented = await csc(t, "signatures/signDoc", {}, bearer("x"));
    expect(notImplemented.statusCode).toBe(501);
  });
});
