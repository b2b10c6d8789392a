import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { fixedClock } from "../../../src/lib/clock.js";
import { DIALECTS } from "../../support/dialects.js";
import {
  cookiePair,
  createUser,
  login,
  type Session,
  withSession,
} from "../../support/identity.js";
import { createTestApp, TEST_ADMIN, type TestApp } from "../../support/test-app.js";

// Issue 3 §3 (seed 003): cookie sessions with idle and absolute expiry, CSRF on cookie mutations,
// and login throttling per source address counted in the database.
describe.each(DIALECTS)("sessions and CSRF on %s", (dialect) => {
  const clock = fixedClock(new Date("2026-11-23T08:00:00Z"));
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, {}, { clock });
  });
  afterAll(() => t.close());

  it("sets an HttpOnly, SameSite=Strict cookie and stores only the token's hash", async () => {
    const response = await t.server.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: TEST_ADMIN,
    });
    expect(response.statusCode).toBe(200);
    const setCookie = String(response.headers["set-cookie"]);
    expect(setCookie).toMatch(/^certsmith_session=[A-Za-z0-9_-]{20,};/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    expect(setCookie).not.toContain("Secure"); // plain HTTP public URL; Secure under https:
    expect(response.body).not.toContain("password_hash");
    const token = cookiePair(response).split("=")[1]!;

    const rows = await t.app.store.db.selectFrom("sessions").selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(token);

    const me = await t.server.inject({
      method: "GET",
      url: "/api/v1/auth/me",
      headers: { cookie: cookiePair(response) },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ kind: "user", name: TEST_ADMIN.username, role: "admin" });
  });

  it("refuses a cookie mutation without the CSRF token or with a wrong one, and accepts the right one", async () => {
    const session = await login(t, TEST_ADMIN.username, TEST_ADMIN.password);
    const create = (headers: Record<string, string>, name: string) =>
      t.server.inject({ method: "POST", url: "/api/v1/projects", payload: { name }, headers });

    const missing = await create(withSession(session), "csrf-missing");
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error.code).toBe("csrf_failed");

    const wrong = await create({ ...withSession(session), "x-csrf-token": "x".repeat(43) }, "w");
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe("csrf_failed");

    const fetched = await t.server.inject({
      method: "GET",
      url: "/api/v1/auth/csrf-token",
      headers: withSession(session),
    });
    expect(fetched.json()).toEqual({ csrf_token: session.csrf });

    const ok = await create(withSession(session, true), "csrf-ok");
    expect(ok.statusCode).toBe(201);

    // A token belongs to its session: another session's token is refused.
    const other = await login(t, TEST_ADMIN.username, TEST_ADMIN.password);
    const crossed = await create(
      { cookie: session.cookie, "x-csrf-token": other.csrf },
      "csrf-crossed",
    );
    expect(crossed.json().error.code).toBe("csrf_failed");
  });

  it("ends the session at logout", async () => {
    const session = await login(t, TEST_ADMIN.username, TEST_ADMIN.password);
    const out = await t.server.inject({
      method: "POST",
      url: "/api/v1/auth/logout",
      headers: withSession(session),
    });
    expect(out.statusCode).toBeLessThan(300);
    const me = await t.server.inject({
      method: "GET",
      url: "/api/v1/auth/me",
      headers: withSession(session),
    });
    expect(me.statusCode).toBe(401);
    expect(me.json().error.code).toBe("unauthenticated");
  });

  it("expires a session after 60 idle minutes, and after 12 hours however active", async () => {
    const me = (session: Session) =>
      t.server.inject({ method: "GET", url: "/api/v1/auth/me", headers: withSession(session) });

    const idle = await login(t, TEST_ADMIN.username, TEST_ADMIN.password);
    clock.advance(59 * 60_000);
    expect((await me(idle)).statusCode).toBe(200);
    clock.advance(59 * 60_000); // activity above moved the idle deadline
    expect((await me(idle)).statusCode).toBe(200);
    clock.advance(61 * 60_000);
    expect((await me(idle)).statusCode).toBe(401);

    const busy = await login(t, TEST_ADMIN.username, TEST_ADMIN.password);
    for (let i = 0; i < 13; i++) {
      clock.advance(55 * 60_000); // 13 × 55 min = 11 h 55 min, never idle for an hour
      expect((await me(busy)).statusCode).toBe(200);
    }
    clock.advance(6 * 60_000); // 12 h 01 min after login
    expect((await me(busy)).statusCode).toBe(401);
  });

  it("forces a password change after an admin reset before anything else is allowed", async () => {
    const userId = await createUser(t, "reset-me", "admin");
    const reset = await t.inject({
      method: "POST",
      url: `/api/v1/users/${userId}/reset-password`,
      payload: { new_password: "temporary-password-1" },
    });
    expect(reset.statusCode).toBe(200);
    expect(reset.body).not.toContain("temporary-password-1");

    const session = await login(t, "reset-me", "temporary-password-1");
    const blocked = await t.server.inject({
      method: "GET",
      url: "/api/v1/projects",
      headers: withSession(session),
    });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.details).toEqual([{ rule: "password_change_required" }]);

    const change = (new_password: string) =>
      t.server.inject({
        method: "POST",
        url: "/api/v1/auth/change-password",
        payload: { current_password: "temporary-password-1", new_password },
        headers: withSession(session, true),
      });
    expect((await change("short")).statusCode).toBe(400);
    expect((await change("reset-me")).statusCode).toBe(400);
    expect((await change("a brand new password")).statusCode).toBe(204);

    const allowed = await t.server.inject({
      method: "GET",
      url: "/api/v1/projects",
      headers: withSession(session),
    });
    expect(allowed.statusCode).toBe(200);
    await expect(login(t, "reset-me", "temporary-password-1")).rejects.toThrow(/401/);
  });

  it("keeps the last active admin", async () => {
    const me = await login(t, TEST_ADMIN.username, TEST_ADMIN.password);
    const users = await t.inject({ method: "GET", url: "/api/v1/users?limit=500" });
    const admins = users
      .json<{ items: { id: string; role: string; is_disabled?: boolean }[] }>()
      .items.filter((user) => user.role === "admin" && user.id !== me.userId);
    for (const admin of admins) {
      const demoted = await t.inject({
        method: "PATCH",
        url: `/api/v1/users/${admin.id}`,
        payload: { role: "member" },
      });
      expect(demoted.statusCode).toBe(200);
    }
    const last = await t.inject({
      method: "PATCH",
      url: `/api/v1/users/${me.userId}`,
      payload: { role: "member" },
    });
    expect(last.statusCode).toBe(409);
    expect(last.json().error.details).toContainEqual({ rule: "last_admin" });
  });
});

describe.each(DIALECTS)("login throttling on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  const attempt = (username: string, password: string, remoteAddress: string) =>
    t.server.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { username, password },
      remoteAddress,
    });

  it("answers unknown user and wrong password alike, then 429 with Retry-After after 10 failures per address", async () => {
    const unknown = await attempt("nobody", "whatever-password", "127.0.0.21");
    const wrong = await attempt(TEST_ADMIN.username, "wrong-password!", "127.0.0.21");
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json().error.message).toBe(wrong.json().error.message);
    expect(unknown.json().error.code).toBe(wrong.json().error.code);

    for (let i = 2; i < 10; i++) {
      expect((await attempt("nobody", `guess-${i}`, "127.0.0.21")).statusCode).toBe(401);
    }
    const throttled = await attempt("nobody", "guess-10", "127.0.0.21");
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().error.code).toBe("rate_limited");
    const retryAfter = Number(throttled.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // Even the right password waits out the window from that address…
    expect((await attempt(TEST_ADMIN.username, TEST_ADMIN.password, "127.0.0.21")).statusCode).toBe(
      429,
    );
    // …while another address is unaffected.
    expect((await attempt(TEST_ADMIN.username, TEST_ADMIN.password, "127.0.0.22")).statusCode).toBe(
      200,
    );
  });

  it("records every failed login in the audit log without the password", async () => {
    await attempt("auditme", "secret-guess-xyz", "127.0.0.23");
    const entries = await t.inject({
      method: "GET",
      url: "/api/v1/audit-logs?action=session.login&result=failure",
    });
    expect(entries.statusCode).toBe(200);
    const body = entries.body;
    expect(body).toContain("auditme");
    expect(body).not.toContain("secret-guess-xyz");
  });
});
