import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { cookiePair, createUser, login } from "../../support/identity.js";
import { rememberSecret } from "../../support/secrets.js";
import { createTestApp, TEST_ADMIN, type TestApp } from "../../support/test-app.js";

// Issue 3 §7: seed 003's own paths, driven the way its documentation describes (session
// cookie, X-CSRF-Token from /api/auth/csrf-token, admin vs peer), over the same services.
describe.each(DIALECTS)("seed 003 auth, setup and audit paths on %s", (dialect) => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    const response = await t.server.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: TEST_ADMIN.username, password: TEST_ADMIN.password },
    });
    expect(response.statusCode).toBe(200);
    cookie = cookiePair(response);
    rememberSecret("the cell session", cookie.split("=")[1]!);
  });
  afterAll(() => t.close());

  const get = (url: string, headers: Record<string, string> = { cookie }) =>
    t.server.inject({ method: "GET", url, headers });

  it("logs in, answers me and hands out the CSRF token that mutations then need", async () => {
    expect((await get("/api/auth/me")).json()).toMatchObject({ name: "admin", role: "admin" });
    const { csrf_token: csrf } = (await get("/api/auth/csrf-token")).json<{ csrf_token: string }>();
    expect(csrf.length).toBeGreaterThan(20);

    const create = (headers: Record<string, string>) =>
      t.server.inject({
        method: "POST",
        url: "/api/v1/projects",
        payload: { name: `cell-${Object.keys(headers).length}` },
        headers: { cookie, ...headers },
      });
    expect((await create({})).statusCode).toBe(403);
    expect((await create({ "x-csrf-token": csrf })).statusCode).toBe(201);
  });

  it("shows setup as complete and refuses setup mutations afterwards", async () => {
    const status = await get("/api/setup/status", {});
    expect(status.json()).toMatchObject({ complete: true });
    const step = await t.server.inject({
      method: "POST",
      url: "/api/setup/complete",
      headers: { "x-setup-token": "setup_whatever" },
    });
    expect([401, 409]).toContain(step.statusCode);
  });

  it("lets the admin list users and reset a password by username (forcing a change)", async () => {
    await createUser(t, "cell-user", "member");
    const users = await get("/api/auth/users");
    expect(users.statusCode).toBe(200);
    const names = users.json<{ users: { username: string }[] }>().users.map((u) => u.username);
    expect(names).toEqual(expect.arrayContaining(["admin", "cell-user"]));
    expect(users.body).not.toContain("password_hash");

    rememberSecret("cell-user's temporary password", "a-temporary-password");
    const reset = await t.server.inject({
      method: "POST",
      url: "/api/auth/admin/reset-password",
      payload: { username: "cell-user", new_password: "a-temporary-password" },
      headers: { cookie },
    });
    expect(reset.statusCode).toBe(200);
    expect(reset.json()).toMatchObject({ username: "cell-user", must_change_password: true });

    const session = await login(t, "cell-user", "a-temporary-password");
    const change = await t.server.inject({
      method: "POST",
      url: "/api/auth/change-password",
      payload: { current_password: "a-temporary-password", new_password: "cell-user-new-password" },
      headers: { cookie: session.cookie }, // /api/auth/* is CSRF-exempt in seed 003
    });
    expect(change.statusCode).toBe(204);
    rememberSecret("cell-user's new password", "cell-user-new-password");

    const neither = await t.server.inject({
      method: "POST",
      url: "/api/auth/admin/reset-password",
      payload: { new_password: "another-password-1" },
      headers: { cookie },
    });
    expect(neither.statusCode).toBe(400);
    const unknown = await t.server.inject({
      method: "POST",
      url: "/api/auth/admin/reset-password",
      payload: { username: "nobody-here", new_password: "another-password-1" },
      headers: { cookie },
    });
    expect(unknown.statusCode).toBe(404);
  });

  it("queries the audit log by limit and offset with the seed's filters, exports CSV and verifies", async () => {
    const all = await get("/api/audit?action=user&limit=500");
    expect(all.statusCode).toBe(200);
    const entries = all.json<{ entries: { sequence: number; action: string }[] }>().entries;
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(entries.every((entry) => entry.action.startsWith("user."))).toBe(true);

    const second = await get("/api/audit?action=user&limit=1&offset=1");
    expect(second.json()).toMatchObject({ limit: 1, offset: 1 });
    expect(
      second.json<{ entries: { sequence: number }[] }>().entries.map((e) => e.sequence),
    ).toEqual([entries[1]!.sequence]);
    expect((await get("/api/audit?offset=-1")).statusCode).toBe(400);
    expect((await get("/api/audit?result=maybe")).statusCode).toBe(400);

    const csv = await get("/api/audit/export?format=csv&action=user");
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.body.split("\r\n")[0]).toContain("sequence");

    const verify = await get("/api/audit/verify");
    expect(verify.json()).toMatchObject({ valid: true, first_invalid_sequence: null });
  });

  it("keeps peers out of the admin paths", async () => {
    await createUser(t, "cell-peer", "peer");
    const peer = await login(t, "cell-peer", "cell-peer-password-123");
    expect((await get("/api/audit", { cookie: peer.cookie })).statusCode).toBe(403);
    expect((await get("/api/auth/users", { cookie: peer.cookie })).statusCode).toBe(403);
    expect((await get("/api/auth/me", { cookie: peer.cookie })).json()).toMatchObject({
      role: "peer",
    });
  });
});
