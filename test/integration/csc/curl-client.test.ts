import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { promisify } from "node:util";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { createProject } from "../../support/identity.js";
import { rememberSecret } from "../../support/secrets.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";

import {
  OID,
  createCredential,
  createOpensslCa,
  opensslVerifies,
  signer,
  type CscCredentialInfo,
  type OpensslCa,
} from "./csc-support.js";

const run = promisify(execFile);

/**
 * Seed 001's documented calls made by curl over real HTTP on loopback, exactly as its guide
 * shows them: POST with empty bodies, Basic login, Bearer calls, JSON bodies.
 */
describe.each(DIALECTS)("seed 001's flow from curl (%s)", (dialect) => {
  let t: TestApp;
  let ca: OpensslCa;
  let base: string;
  let user: { id: string; password: string };
  let credentialId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    ca = await createOpensslCa();
    const projectId = await createProject(t, "curl");
    user = await signer(t, "curl-user");
    ({ credentialId } = await createCredential(t, ca, projectId, user.id, { authMode: "token" }));
    await t.server.listen({ host: "127.0.0.1", port: 0 });
    const address = t.server.server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    base = `http://127.0.0.1:${address.port}/csc/v2`;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    ca?.destroy();
  });

  async function curl(args: string[]): Promise<{ status: number; json: unknown }> {
    const { stdout } = await run("curl", ["-s", "-w", "\n%{http_code}", "-X", "POST", ...args]);
    const lines = stdout.trimEnd().split("\n");
    const status = Number(lines.pop());
    const text = lines.join("\n");
    return { status, json: text ? (JSON.parse(text) as unknown) : null };
  }

  it("signs a hash with info → login → list → info → signHash", async () => {
    const info = await curl([`${base}/info`]);
    expect(info.status).toBe(200);
    expect(info.json).toMatchObject({ specs: "2.0.0.2", authType: ["basic"] });
    // `curl -d ''` labels its empty body as a form; the CSC scope reads it as no body.
    const emptyForm = await curl(["-d", "", `${base}/info`]);
    expect(emptyForm.status).toBe(200);

    const login = await curl(["-u", `curl-user:${user.password}`, `${base}/auth/login`]);
    expect(login.status).toBe(200);
    const token = (login.json as { access_token: string }).access_token;
    rememberSecret("the curl user's token", token);
    const auth = ["-H", `Authorization: Bearer ${token}`];

    const list = await curl([...auth, `${base}/credentials/list`]);
    expect((list.json as { credentialIDs: string[] }).credentialIDs).toEqual([credentialId]);

    const described = await curl([
      ...auth,
      "-H",
      "Content-Type: application/json",
      "-d",
      JSON.stringify({ credentialID: credentialId }),
      `${base}/credentials/info`,
    ]);
    expect(described.status).toBe(200);
    const certificate = (described.json as CscCredentialInfo).cert.certificates[0]!;

    const digest = createHash("sha256").update("a document signed from curl").digest();
    const signed = await curl([
      ...auth,
      "-H",
      "Content-Type: application/json",
      "-d",
      JSON.stringify({
        credentialID: credentialId,
        hashes: [digest.toString("base64")],
        signAlgo: OID.ecdsaWithSha256,
      }),
      `${base}/signatures/signHash`,
    ]);
    expect(signed.status).toBe(200);
    const signature = Buffer.from(
      (signed.json as { signatures: string[] }).signatures[0]!,
      "base64",
    );
    expect(
      await opensslVerifies(certificate, digest, signature, ["-pkeyopt", "digest:sha256"]),
    ).toBe(true);

    const badJson = await curl([...auth, "-d", "{not json", `${base}/credentials/list`]);
    expect(badJson).toEqual({
      status: 400,
      json: { error: "invalid_request", error_description: "The request body is not valid JSON." },
    });
  });
});
