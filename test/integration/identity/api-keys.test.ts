import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { fixedClock } from "../../../src/lib/clock.js";
import { DIALECTS } from "../../support/dialects.js";
import {
  addMember,
  bearer,
  createKey,
  createProject,
  createUser,
  login,
  withSession,
} from "../../support/identity.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";

interface KeyPage {
  items: { id: string; status: string }[];
  summary: { total_requests: number; active_keys: number; error_rate: number };
}

// Issue 3 §4 (seed 001): scoped API keys with expiry, project restriction, rate limit and an
// IP allow-list; the secret is shown once and stored only as a hash.
describe.each(DIALECTS)("API keys on %s", (dialect) => {
  const clock = fixedClock(new Date("2026-11-23T08:00:00Z"));
  let t: TestApp;
  let projectA: string;
  let projectB: string;
  beforeAll(async () => {
    t = await createTestApp(dialect, {}, { clock });
    projectA = await createProject(t, "keys-a");
    projectB = await createProject(t, "keys-b");
  });
  afterAll(() => t.close());

  const asKey = (key: string, url: string, extra: Record<string, unknown> = {}) =>
    t.server.inject({ method: "GET", url, headers: bearer(key), ...extra });

  it("shows the secret once, stores only its hash and never lists it", async () => {
    const created = await t.inject({
      method: "POST",
      url: "/api/v1/api-keys",
      payload: { name: "once", permissions: ["projects:read"], expires: "30d" },
    });
    expect(created.statusCode).toBe(201);
    const { id, key, expires_at } = created.json<{ id: string; key: string; expires_at: string }>();
    expect(key).toMatch(/^csk_/);
    expect(new Date(expires_at).getTime() - clock.now().getTime()).toBe(30 * 86_400_000);

    const rows = await t.app.store.db.selectFrom("api_keys").selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(key);

    const list = await t.inject({ method: "GET", url: "/api/v1/api-keys?q=once" });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(key);
    expect(list.json<KeyPage>().items.map((item) => item.id)).toEqual([id]);
    const one = await t.inject({ method: "GET", url: `/api/v1/api-keys/${id}` });
    expect(one.json()).not.toHaveProperty("key");
    expect((await asKey(key, "/api/v1/projects")).statusCode).toBe(200);
  });

  it("refuses a second key with the same name and bad expiry or permissions with 4xx", async () => {
    await createKey(t, { name: "dup", permissions: ["projects:read"] });
    const dup = await t.inject({
      method: "POST",
      url: "/api/v1/api-keys",
      payload: { name: "dup", permissions: ["projects:read"] },
    });
    expect(dup.statusCode).toBe(409);
    for (const payload of [
      { name: "bad-expiry", permissions: ["projects:read"], expires: "tomorrow" },
      { name: "past", permissions: ["projects:read"], expires: "2020-01-01T00:00:00Z" },
      { name: "bad-perm", permissions: ["root:everything"] },
      { name: "bad-cidr", permissions: ["projects:read"], ip_allowlist: ["10.0.0.0/99"] },
      { name: "bad-rate", permissions: ["projects:read"], rate_limit: { requests: 0, per: "day" } },
    ]) {
      const response = await t.inject({ method: "POST", url: "/api/v1/api-keys", payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe("validation_failed");
    }
  });

  it("stops working at once when revoked, regenerated or expired (401)", async () => {
    const revoked = await createKey(t, { name: "to-revoke", permissions: ["projects:read"] });
    const revoke = await t.inject({
      method: "POST",
      url: `/api/v1/api-keys/${revoked.id}/revoke`,
      payload: {},
    });
    expect(revoke.statusCode).toBe(200);
    const afterRevoke = await asKey(revoked.key, "/api/v1/projects");
    expect(afterRevoke.statusCode).toBe(401);
    expect(
      (
        await t.inject({
          method: "POST",
          url: `/api/v1/api-keys/${revoked.id}/revoke`,
          payload: {},
        })
      ).statusCode,
    ).toBe(409);

    const rolled = await createKey(t, { name: "to-roll", permissions: ["projects:read"] });
    const regenerated = await t.inject({
      method: "POST",
      url: `/api/v1/api-keys/${rolled.id}/regenerate`,
      payload: {},
    });
    expect(regenerated.statusCode).toBe(200);
    const fresh = regenerated.json().key as string;
    expect(fresh).not.toBe(rolled.key);
    expect((await asKey(rolled.key, "/api/v1/projects")).statusCode).toBe(401);
    expect((await asKey(fresh, "/api/v1/projects")).statusCode).toBe(200);

    const expiring = await createKey(t, {
      name: "short-lived",
      permissions: ["projects:read"],
      expires: new Date(clock.now().getTime() + 60_000).toISOString(),
    });
    expect((await asKey(expiring.key, "/api/v1/projects")).statusCode).toBe(200);
    clock.advance(61_000);
    const expired = await asKey(expiring.key, "/api/v1/projects");
    expect(expired.statusCode).toBe(401);
    const status = await t.inject({ method: "GET", url: `/api/v1/api-keys/${expiring.id}` });
    expect(status.json().status).toBe("expired");
  });

  it("answers 403 from an address outside the allow-list (IPv4, IPv6, CIDR)", async () => {
    const key = await createKey(t, {
      name: "allow-listed",
      permissions: ["projects:read"],
      ip_allowlist: ["127.0.0.0/29", "::1"],
    });
    const from = (remoteAddress: string) => asKey(key.key, "/api/v1/projects", { remoteAddress });
    expect((await from("127.0.0.5")).statusCode).toBe(200);
    expect((await from("::1")).statusCode).toBe(200);
    const outside = await from("127.0.0.9");
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error.code).toBe("forbidden");
    expect((await from("::2")).statusCode).toBe(403);
  });

  it("answers 429 over its own rate limit with Retry-After and X-RateLimit-*", async () => {
    const key = await createKey(t, {
      name: "limited",
      permissions: ["projects:read"],
      rate_limit: { requests: 3, per: "minute" },
    });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const ok = await asKey(key.key, "/api/v1/projects");
      expect(ok.statusCode).toBe(200);
      expect(ok.headers["x-ratelimit-limit"]).toBe("3");
      remaining.push(String(ok.headers["x-ratelimit-remaining"]));
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const over = await asKey(key.key, "/api/v1/projects");
    expect(over.statusCode).toBe(429);
    expect(Number(over.headers["retry-after"])).toBeGreaterThan(0);
    expect(over.headers["x-ratelimit-remaining"]).toBe("0");
    expect(Number(over.headers["x-ratelimit-reset"])).toBeGreaterThan(clock.now().getTime() / 1000);
    clock.advance(60_000);
    expect((await asKey(key.key, "/api/v1/projects")).statusCode).toBe(200);
  });

  it("answers 403 without the permission and 404 for a project outside its restriction", async () => {
    const readOnly = await createKey(t, { name: "read-only", permissions: ["projects:read"] });
    const write = await t.server.inject({
      method: "POST",
      url: "/api/v1/projects",
      payload: { name: "not-allowed" },
      headers: bearer(readOnly.key),
    });
    expect(write.statusCode).toBe(403);

    const restricted = await createKey(t, {
      name: "only-a",
      permissions: ["projects:read", "members:admin"],
      project_ids: [projectA],
    });
    const own = await asKey(restricted.key, `/api/v1/projects/${projectA}/members`);
    expect(own.statusCode).toBe(200);
    const other = await asKey(restricted.key, `/api/v1/projects/${projectB}/members`);
    expect(other.statusCode).toBe(404);
    const listed = await asKey(restricted.key, "/api/v1/projects");
    expect(listed.json<KeyPage>().items.map((p) => p.id)).toEqual([projectA]);
  });

  it("never grants more than its creator holds", async () => {
    const userId = await createUser(t, "key-maker", "member");
    await addMember(t, projectA, userId, "viewer");
    const session = await login(t, "key-maker", "key-maker-password-123");
    const create = (payload: Record<string, unknown>) =>
      t.server.inject({
        method: "POST",
        url: "/api/v1/api-keys",
        payload,
        headers: withSession(session, true),
      });
    const tooMuch = await create({ name: "escalate", permissions: ["*"] });
    expect(tooMuch.statusCode).toBe(403);
    const otherProject = await create({
      name: "elsewhere",
      permissions: ["certificates:read"],
      project_ids: [projectB],
    });
    expect(otherProject.statusCode).toBe(403);
    const fitting = await create({
      name: "fitting",
      permissions: ["certificates:read"],
      project_ids: [projectA],
    });
    expect(fitting.statusCode).toBe(201);
  });

  it("counts use and errors per key and summarises them in the list", async () => {
    const key = await createKey(t, { name: "counted", permissions: ["projects:read"] });
    await asKey(key.key, "/api/v1/projects");
    await asKey(key.key, "/api/v1/projects");
    await asKey(key.key, "/api/v1/projects/prj_doesnotexist00000000000000/members");
    await t.app.identity.apiKeyUsage.flush();
    const one = await t.inject({ method: "GET", url: `/api/v1/api-keys/${key.id}` });
    expect(one.json()).toMatchObject({ request_count: 3, error_count: 1 });
    expect(one.json().last_used_at).toBe(clock.now().toISOString());

    const list = await t.inject({ method: "GET", url: "/api/v1/api-keys?status=active" });
    const { summary, items } = list.json<KeyPage>();
    expect(items.every((item) => item.status === "active")).toBe(true);
    expect(summary.active_keys).toBe(items.length);
    expect(summary.total_requests).toBeGreaterThanOrEqual(3);
    expect(summary.error_rate).toBeGreaterThan(0);
    expect(summary.error_rate).toBeLessThan(1);
    const unused = await t.inject({ method: "GET", url: "/api/v1/api-keys?never_used=true" });
    expect(unused.json<KeyPage>().items.map((item) => item.id)).not.toContain(key.id);
  });
});
