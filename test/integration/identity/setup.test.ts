import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runSetup } from "../../../src/cli/setup.js";
import { loadConfig } from "../../../src/config/load.js";
import { DIALECTS } from "../../support/dialects.js";
import { login } from "../../support/identity.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";
import { createTestDatabase } from "../../support/test-store.js";

describe.each(DIALECTS)("first-run setup on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, {}, { bootstrap: false });
  });
  afterAll(() => t.close());

  const step = (payload: unknown, token: string | null | undefined) =>
    t.server.inject({
      method: "POST",
      url: "/api/v1/setup/step",
      payload: payload as Record<string, unknown>,
      headers: token ? { "x-setup-token": token } : {},
    });

  it("walks organization → admin → project → complete with the console token, then refuses with 409", async () => {
    const token = t.app.setupToken;
    expect(token).toMatch(/^setup_[A-Za-z0-9_-]{43}$/);

    const status = await t.server.inject({ method: "GET", url: "/api/v1/setup/status" });
    expect(status.json()).toEqual({
      complete: false,
      step: "organization",
      organization_name: null,
    });

    // Every other route needs credentials, and there are none yet.
    expect((await t.server.inject({ method: "GET", url: "/api/v1/projects" })).statusCode).toBe(
      401,
    );

    const noToken = await step({ step: "organization", organization_name: "Acme" }, undefined);
    expect(noToken.statusCode).toBe(401);
    const badToken = await step({ step: "organization", organization_name: "Acme" }, "setup_x");
    expect(badToken.statusCode).toBe(401);
    expect((await t.server.inject({ method: "GET", url: "/api/v1/setup/step" })).statusCode).toBe(
      401,
    );

    const outOfOrder = await step(
      { step: "admin", username: "root", password: "x".repeat(16) },
      token,
    );
    expect(outOfOrder.statusCode).toBe(409);
    expect(outOfOrder.json().error.details[0]).toMatchObject({ expected: "organization" });

    expect(
      (await step({ step: "organization", organization_name: "Acme" }, token)).json(),
    ).toMatchObject({
      step: "admin",
      organization_name: "Acme",
    });
    const weak = await step({ step: "admin", username: "root", password: "short" }, token);
    expect(weak.statusCode).toBe(400);
    const sameAsName = await step(
      { step: "admin", username: "rootrootroot", password: "RootRootRoot" },
      token,
    );
    expect(sameAsName.statusCode).toBe(400);
    expect(
      (
        await step({ step: "admin", username: "Root", password: "a long admin password" }, token)
      ).json(),
    ).toMatchObject({ step: "project" });
    const early = await t.server.inject({
      method: "GET",
      url: "/api/v1/setup/step",
      headers: { "x-setup-token": token! },
    });
    expect(early.json().step).toBe("project");
    expect((await step({ step: "project", name: "web" }, token)).json()).toMatchObject({
      step: "complete",
    });

    const done = await t.server.inject({
      method: "POST",
      url: "/api/v1/setup/complete",
      headers: { "x-setup-token": token! },
    });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ complete: true, step: null });

    for (const again of [
      await step({ step: "organization", organization_name: "Evil" }, token),
      await t.server.inject({
        method: "POST",
        url: "/api/v1/setup/complete",
        headers: { "x-setup-token": token! },
      }),
    ]) {
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe("conflict");
    }

    // The admin made by the wizard can sign in (usernames are case-insensitive) and sees the project.
    const session = await login(t, "root", "a long admin password");
    const projects = await t.server.inject({
      method: "GET",
      url: "/api/v1/projects",
      headers: { cookie: session.cookie },
    });
    const names = projects.json<{ items: { name: string }[] }>().items.map((p) => p.name);
    expect(names).toEqual(["web"]);
  });
});

describe.each(DIALECTS)("certsmith setup on %s", (dialect) => {
  it("bootstraps once from the command line and refuses a second time with a clear message", async () => {
    const database = await createTestDatabase(dialect);
    const dir = mkdtempSync(path.join(os.tmpdir(), "certsmith-setup-"));
    try {
      const passwordFile = path.join(dir, "password");
      writeFileSync(passwordFile, "automation password 1\n", { mode: 0o600 });
      const config = loadConfig({
        flags: { "data-dir": dir, "database-url": database.config.url },
        env: {},
      });
      const args = { username: "ops", passwordFile, organization: "Acme", project: "infra" };
      expect(await runSetup(config, args)).toMatch(
        /^setup complete: admin "ops" \(usr_[0-9A-Z]{26}\), project "infra"/,
      );
      await expect(runSetup(config, args)).rejects.toThrow("Setup is already complete.");
      await expect(
        runSetup(config, { ...args, passwordFile: path.join(dir, "missing") }),
      ).rejects.toThrow(/cannot read --password-file/);
    } finally {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
