import { randomBytes } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { fixedClock } from "../../../src/lib/clock.js";
import { createAuditService } from "../../../src/services/audit/audit.service.js";
import { createCscServices } from "../../../src/services/csc/csc.services.js";
import { DIALECTS } from "../../support/dialects.js";
import { createKey, createProject } from "../../support/identity.js";
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
  signer,
  type OpensslCa,
} from "./csc-support.js";

const digest = () => randomBytes(32).toString("base64");

describe.each(DIALECTS)("CSC credential authorization (%s)", (dialect) => {
  let t: TestApp;
  let ca: OpensslCa;
  // A minute ahead: OpenSSL starts the test certificates' validity at the real "now".
  const clock = fixedClock(new Date(Date.now() + 60_000));
  let projectId: string;
  let bob: { id: string; password: string };
  let bobToken: string;

  beforeAll(async () => {
    t = await createTestApp(dialect, {}, { clock });
    ca = await createOpensslCa();
    projectId = await createProject(t, "authorization");
    bob = await signer(t, "bob");
    bobToken = await loginCsc(t, "bob", bob.password);
    rememberSecret("bob's CSC token", bobToken);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    ca?.destroy();
  });

  async function authorize(credentialId: string, body: Record<string, unknown>, token = bobToken) {
    return csc(t, "credentials/authorize", { credentialID: credentialId, ...body }, bearer(token));
  }

  async function sign(credentialId: string, body: Record<string, unknown>, token = bobToken) {
    return csc(
      t,
      "signatures/signHash",
      { credentialID: credentialId, signAlgo: OID.ecdsaWithSha256, ...body },
      bearer(token),
    );
  }

  async function sadFor(credentialId: string, numSignatures: number, pin = "1357") {
    const response = await authorize(credentialId, { numSignatures, PIN: pin });
    expect(response.statusCode, response.body).toBe(200);
    const sad = response.json<{ SAD: string }>().SAD;
    rememberSecret("a SAD", sad);
    return sad;
  }

  it("lets a SAD cover exactly numSignatures across calls, then refuses it", async () => {
    const { credentialId } = await createCredential(t, ca, projectId, bob.id, {
      pin: "1357",
      multisign: 5,
    });
    const sad = await sadFor(credentialId, 3);
    const first = await sign(credentialId, { SAD: sad, hashes: [digest(), digest()] });
    expect(first.statusCode, first.body).toBe(200);
    const tooMany = await sign(credentialId, { SAD: sad, hashes: [digest(), digest()] });
    expect(tooMany.json()).toEqual({
      error: "invalid_request",
      error_description: "Numbers of signatures is too high",
    });
    expect((await sign(credentialId, { SAD: sad, hashes: [digest()] })).statusCode).toBe(200);
    const spent = await sign(credentialId, { SAD: sad, hashes: [digest()] });
    expect(spent.json()).toEqual({
      error: "invalid_request",
      error_description: "Invalid parameter SAD",
    });
  });

  it("never signs more than a SAD allows when calls race", async () => {
    const { credentialId } = await createCredential(t, ca, projectId, bob.id, {
      pin: "1357",
      multisign: 5,
    });
    const sad = await sadFor(credentialId, 1);
    const results = await Promise.all(
      Array.from({ length: 4 }, () => sign(credentialId, { SAD: sad, hashes: [digest()] })),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
  });

  it("refuses numSignatures above multisign, and below one", async () => {
    const { credentialId } = await createCredential(t, ca, projectId, bob.id, {
      pin: "1357",
      multisign: 2,
    });
    const high = await authorize(credentialId, { numSignatures: 3, PIN: "1357" });
    expect(high.json()).toEqual({
      error: "invalid_request",
      error_description: "Numbers of signatures is too high",
    });
    const low = await authorize(credentialId, { numSignatures: 0, PIN: "1357" });
    expect(low.json()).toEqual({
      error: "invalid_request",
      error_description: "Invalid value for parameter numSignatures",
    });
    const missing = await authorize(credentialId, { PIN: "1357" });
    expect(missing.json()).toEqual({
      error: "invalid_request",
      error_description: "Missing (or invalid type) integer parameter numSignatures",
    });
  });

  it("expires a SAD after minutes; extendTransaction renews a live one but not an expired one", async () => {
    const { credentialId } = await createCredential(t, ca, projectId, bob.id, {
      pin: "1357",
      multisign: 4,
    });
    const sad = await sadFor(credentialId, 2);
    clock.advance(4 * 60_000);
    const extended = await csc(
      t,
      "credentials/extendTransaction",
      { credentialID: credentialId, SAD: sad },
      bearer(bobToken),
    );
    expect(extended.statusCode, extended.body).toBe(200);
    const renewed = extended.json<{ SAD: string }>().SAD;
    rememberSecret("an extended SAD", renewed);
    // The old value stopped working; the new one carries the same remaining count.
    expect((await sign(credentialId, { SAD: sad, hashes: [digest()] })).statusCode).toBe(400);
    clock.advance(4 * 60_000);
    expect(
      (await sign(credentialId, { SAD: renewed, hashes: [digest(), digest()] })).statusCode,
    ).toBe(200);

    const late = await sadFor(credentialId, 1);
    clock.advance(6 * 60_000);
    const expired = await sign(credentialId, { SAD: late, hashes: [digest()] });
    expect(expired.json()).toEqual({ error: "invalid_request", error_description: "SAD expired" });
    const noExtend = await csc(
      t,
      "credentials/extendTransaction",
      { credentialID: credentialId, SAD: late },
      bearer(bobToken),
    );
    expect(noExtend.json()).toEqual({ error: "invalid_request", error_description: "SAD expired" });
  });

  it("binds a SCAL 2 SAD to the authorized hashes", async () => {
    const { credentialId } = await createCredential(t, ca, projectId, bob.id, {
      pin: "1357",
      multisign: 5,
      scal: "2",
    });
    const allowed = [digest(), digest()];
    const unbound = await authorize(credentialId, { numSignatures: 2, PIN: "1357" });
    expect(unbound.statusCode).toBe(400);
    const response = await authorize(credentialId, {
      numSignatures: 2,
      PIN: "1357",
      hashes: allowed,
      hashAlgorithmOID: OID.sha256,
    });
    expect(response.statusCode, response.body).toBe(200);
    const sad = response.json<{ SAD: string }>().SAD;
    rememberSecret("a SCAL2 SAD", sad);
    const other = await sign(credentialId, { SAD: sad, hashes: [digest()] });
    expect(other.json()).toEqual({
      error: "invalid_request",
      error_description: "Hash is not authorized by the SAD",
    });
    expect((await sign(credentialId, { SAD: sad, hashes: allowed })).statusCode).toBe(200);
  });

  it("locks the credential after five wrong PINs in a row; a new PIN set by an admin unlocks it", async () => {
    const { id, credentialId } = await createCredential(t, ca, projectId, bob.id, { pin: "1357" });
    const v2 = await authorize(credentialId, {
      numSignatures: 1,
      authData: [{ id: "PIN", value: "0000" }],
    });
    expect(v2.json()).toEqual({
      error: "invalid_authentication_data",
      error_description: "The authentication data is invalid",
    });
    for (let i = 0; i < 3; i++) {
      const v1 = await authorize(credentialId, { numSignatures: 1, PIN: "0000" });
      expect(v1.json()).toEqual({ error: "invalid_pin", error_description: "The PIN is invalid" });
    }
    const fifth = await authorize(credentialId, { numSignatures: 1, PIN: "0000" });
    expect(fifth.json()).toEqual({ error: "invalid_request", error_description: "PIN locked" });
    // Locked: even the right PIN no longer works.
    const right = await authorize(credentialId, { numSignatures: 1, PIN: "1357" });
    expect(right.json()).toEqual({ error: "invalid_request", error_description: "PIN locked" });
    const info = await csc(t, "credentials/info", { credentialID: credentialId }, bearer(bobToken));
    expect(info.json<{ key: { status: string } }>().key.status).toBe("disabled");

    const native = await t.inject({
      method: "GET",
      url: `/api/v1/projects/${projectId}/signing-credentials/${id}`,
    });
    expect(native.json()).toMatchObject({
      status: "locked",
      is_locked: true,
      pin_failed_attempts: 5,
    });
    const reset = await t.inject({
      method: "PATCH",
      url: `/api/v1/projects/${projectId}/signing-credentials/${id}`,
      payload: { pin: "97531" },
    });
    expect(reset.json()).toMatchObject({
      status: "active",
      is_locked: false,
      pin_failed_attempts: 0,
    });
    expect((await authorize(credentialId, { numSignatures: 1, PIN: "97531" })).statusCode).toBe(
      200,
    );
  });

  it("gives a burst of parallel wrong PINs no more than five tries", async () => {
    const { credentialId } = await createCredential(t, ca, projectId, bob.id, { pin: "1357" });
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        authorize(credentialId, { numSignatures: 1, PIN: `000${i}` }),
      ),
    );
    const descriptions = answers.map(
      (a) => a.json<{ error_description: string }>().error_description,
    );
    expect(descriptions.filter((d) => d === "The PIN is invalid")).toHaveLength(4);
    expect(descriptions.filter((d) => d === "PIN locked")).toHaveLength(4);
    const right = await authorize(credentialId, { numSignatures: 1, PIN: "1357" });
    expect(right.json()).toEqual({ error: "invalid_request", error_description: "PIN locked" });
  });

  it("resets the failure count after a right PIN", async () => {
    const { id, credentialId } = await createCredential(t, ca, projectId, bob.id, { pin: "1357" });
    for (let i = 0; i < 4; i++) await authorize(credentialId, { numSignatures: 1, PIN: "0000" });
    expect((await authorize(credentialId, { numSignatures: 1, PIN: "1357" })).statusCode).toBe(200);
    const native = await t.inject({
      method: "GET",
      url: `/api/v1/projects/${projectId}/signing-credentials/${id}`,
    });
    expect(native.json()).toMatchObject({ pin_failed_attempts: 0, is_locked: false });
  });

  it("hides another user's credential behind 'Invalid parameter credentialID'", async () => {
    const carol = await signer(t, "carol");
    const carolToken = await loginCsc(t, "carol", carol.password);
    rememberSecret("carol's CSC token", carolToken);
    const bobs = await createCredential(t, ca, projectId, bob.id, { authMode: "token" });
    const list = await csc(t, "credentials/list", {}, bearer(carolToken));
    expect(list.json<{ credentialIDs: string[] }>().credentialIDs).not.toContain(bobs.credentialId);
    for (const method of ["credentials/info", "credentials/authorize", "signatures/signHash"]) {
      const response = await csc(
        t,
        method,
        {
          credentialID: bobs.credentialId,
          numSignatures: 1,
          hashes: [digest()],
          signAlgo: OID.ecdsaWithSha256,
        },
        bearer(carolToken),
      );
      expect(response.json()).toEqual({
        error: "invalid_request",
        error_description: "Invalid parameter credentialID",
      });
    }
    const userIdGiven = await csc(t, "credentials/list", { userID: bob.id }, bearer(carolToken));
    expect(userIdGiven.json()).toEqual({
      error: "invalid_request",
      error_description: "userID parameter MUST be null",
    });
  });

  it("stops a disabled credential and an expired certificate from signing", async () => {
    const disabled = await createCredential(t, ca, projectId, bob.id, { authMode: "token" });
    await t.inject({
      method: "PATCH",
      url: `/api/v1/projects/${projectId}/signing-credentials/${disabled.id}`,
      payload: { enabled: false },
    });
    const refused = await sign(disabled.credentialId, { hashes: [digest()] });
    expect(refused.json()).toEqual({
      error: "invalid_request",
      error_description: "The credential identified by credentialID is disabled",
    });
    const expired = await createCredential(t, ca, projectId, bob.id, {
      authMode: "token",
      expired: true,
    });
    const old = await sign(expired.credentialId, { hashes: [digest()] });
    expect(old.statusCode).toBe(400);
    expect(old.json<{ error_description: string }>().error_description).toMatch(
      /^Signing certificate 'O=Example Org,CN=cred-\w+' is expired$/,
    );
    const valid = await csc(t, "credentials/list", { onlyValid: true }, bearer(bobToken));
    const ids = valid.json<{ credentialIDs: string[]; onlyValid: boolean }>();
    expect(ids.onlyValid).toBe(true);
    expect(ids.credentialIDs).not.toContain(expired.credentialId);
    expect(ids.credentialIDs).not.toContain(disabled.credentialId);
  });

  it("revokes access tokens, and a refresh token with every token of its grant", async () => {
    const login = await csc(t, "auth/login", { rememberMe: true }, basic("bob", bob.password));
    const { access_token, refresh_token, expires_in } = login.json<{
      access_token: string;
      refresh_token: string;
      expires_in: number;
    }>();
    rememberSecret("an access token", access_token);
    rememberSecret("a refresh token", refresh_token);
    expect(expires_in).toBe(3600);
    const refreshed = await csc(t, "auth/login", { refresh_token });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    const second = refreshed.json<{ access_token: string }>().access_token;
    rememberSecret("a refreshed access token", second);
    expect((await csc(t, "credentials/list", {}, bearer(second))).statusCode).toBe(200);

    const revokeAccess = await csc(
      t,
      "auth/revoke",
      { token: second, token_type_hint: "access_token" },
      bearer(access_token),
    );
    expect(revokeAccess.statusCode).toBe(204);
    const afterAccess = await csc(t, "credentials/list", {}, bearer(second));
    expect(afterAccess.statusCode).toBe(401);
    expect(afterAccess.json<{ error: string }>().error).toBe("expired_token");
    expect((await csc(t, "credentials/list", {}, bearer(access_token))).statusCode).toBe(200);

    expect(
      (await csc(t, "auth/revoke", { token: refresh_token }, bearer(access_token))).statusCode,
    ).toBe(204);
    expect((await csc(t, "credentials/list", {}, bearer(access_token))).statusCode).toBe(401);
    const reuse = await csc(t, "auth/login", { refresh_token });
    expect(reuse.json()).toEqual({
      error: "invalid_request",
      error_description: "Invalid refresh_token",
    });
  });

  it("purges expired tokens and SADs (the prune job's hook)", async () => {
    const { app } = t;
    const services = createCscServices({
      db: app.store.db,
      clock,
      keys: app.keys,
      audit: createAuditService({ db: app.store.db, clock }),
      auth: app.identity.auth,
      apiKeys: app.identity.apiKeys,
      users: app.identity.users,
    });
    clock.advance(2 * 3_600_000);
    expect(await services.purgeExpired()).toBeGreaterThan(0);
    expect(await services.purgeExpired()).toBe(0);
    const stale = await csc(t, "credentials/list", {}, bearer(bobToken));
    expect(stale.json<{ error: string }>().error).toBe("invalid_token");
    bobToken = await loginCsc(t, "bob", bob.password);
    rememberSecret("bob's CSC token after the purge", bobToken);
  });

  it("expires access tokens after an hour", async () => {
    const token = await loginCsc(t, "bob", bob.password);
    rememberSecret("a short-lived token", token);
    clock.advance(3_600_001);
    const response = await csc(t, "credentials/list", {}, bearer(token));
    expect(response.statusCode).toBe(401);
    expect(response.json<{ error: string }>().error).toBe("expired_token");
    bobToken = await loginCsc(t, "bob", bob.password);
    rememberSecret("bob's next CSC token", bobToken);
  });

  it("accepts an API key with signing:use as a service token, limited to its projects", async () => {
    const seal = await createCredential(t, ca, projectId, bob.id, { authMode: "token" });
    const otherProject = await createProject(t, "elsewhere");
    const elsewhere = await createCredential(t, ca, otherProject, bob.id, { authMode: "token" });
    const machine = await createKey(t, {
      name: "csc-machine",
      permissions: ["signing:use"],
      project_ids: [projectId],
    });
    const list = await csc(t, "credentials/list", { userID: bob.id }, bearer(machine.key));
    expect(list.statusCode, list.body).toBe(200);
    const ids = list.json<{ credentialIDs: string[] }>().credentialIDs;
    expect(ids).toContain(seal.credentialId);
    expect(ids).not.toContain(elsewhere.credentialId);
    expect((await sign(seal.credentialId, { hashes: [digest()] }, machine.key)).statusCode).toBe(
      200,
    );
    const outside = await sign(elsewhere.credentialId, { hashes: [digest()] }, machine.key);
    expect(outside.json()).toEqual({
      error: "invalid_request",
      error_description: "Invalid parameter credentialID",
    });

    const reader = await createKey(t, { name: "csc-reader", permissions: ["signing:read"] });
    const denied = await csc(t, "credentials/list", {}, bearer(reader.key));
    expect(denied.statusCode).toBe(403);
    expect(denied.json<{ error: string }>().error).toBe("access_denied");
  });

  it("audits every signature with counts and algorithm, and keeps secrets out of answers", async () => {
    const { credentialId } = await createCredential(t, ca, projectId, bob.id, {
      pin: "86420",
      multisign: 3,
    });
    rememberSecret("a PIN", "86420-never-logged");
    const sad = await sadFor(credentialId, 2, "86420");
    const signed = await sign(credentialId, { SAD: sad, hashes: [digest(), digest()] });
    expect(signed.statusCode).toBe(200);
    const audit = await t.inject({
      method: "GET",
      url: "/api/v1/audit-logs?action=signing_credential.sign&limit=500",
    });
    const entries = audit.json<{
      items: { details: Record<string, unknown>; actor: { id: string } }[];
    }>().items;
    const entry = entries.find((e) => e.details.credential_id === credentialId);
    expect(entry?.details).toMatchObject({
      hashes: 2,
      sign_algo: OID.ecdsaWithSha256,
      authorized_by: "sad",
    });
    const info = await csc(
      t,
      "credentials/info",
      { credentialID: credentialId, authInfo: true },
      bearer(bobToken),
    );
    const native = await t.inject({
      method: "GET",
      url: `/api/v1/projects/${projectId}/signing-credentials`,
    });
    for (const body of [info.body, native.body, signed.body]) {
      expect(body).not.toContain("86420");
      expect(body).not.toContain(sad);
      expect(body).not.toContain(bobToken);
      expect(body).not.toMatch(/PRIVATE KEY/);
    }
    const logs = JSON.stringify(t.logs);
    expect(logs).not.toContain("86420");
    expect(logs).not.toContain(sad);
    expect(logs).not.toContain(bobToken);
  });
});
