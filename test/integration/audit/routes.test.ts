import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import {
  bearer,
  createKey,
  createProject,
  createUser,
  login,
  withSession,
} from "../../support/identity.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";

interface EntryJson {
  sequence: number;
  action: string;
  actor_type: string;
  actor_name: string;
  target_id: string | null;
  project_id: string | null;
  result: string;
  error_code: string | null;
  request_id: string | null;
  source_ip: string | null;
  hash: string;
}

describe.each(DIALECTS)("audit-log routes on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  async function entriesFor(requestId: string): Promise<EntryJson[]> {
    const res = await t.inject({
      method: "GET",
      url: `/api/v1/audit-logs?request_id=${requestId}`,
    });
    expect(res.statusCode).toBe(200);
    return res.json<{ items: EntryJson[] }>().items;
  }

  it("records project create, update and delete with the caller's X-Request-ID", async () => {
    const created = await t.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: { "x-request-id": "req-route-create" },
      payload: { name: "audited" },
    });
    expect(created.statusCode).toBe(201);
    const projectId = created.json<{ id: string }>().id;
    await t.inject({
      method: "PATCH",
      url: `/api/v1/projects/${projectId}`,
      headers: { "x-request-id": "req-route-update" },
      payload: { description: "now described" },
    });
    await t.inject({
      method: "DELETE",
      url: `/api/v1/projects/${projectId}`,
      headers: { "x-request-id": "req-route-delete" },
    });
    for (const [requestId, action] of [
      ["req-route-create", "project.create"],
      ["req-route-update", "project.update"],
      ["req-route-delete", "project.delete"],
    ]) {
      expect(await entriesFor(requestId!), requestId).toMatchObject([
        {
          action,
          result: "success",
          target_id: projectId,
          project_id: projectId,
          request_id: requestId,
          actor_type: "api_key",
          actor_name: "test-admin",
          source_ip: "127.0.0.1",
        },
      ]);
    }
  });

  it("records a refused mutation as a failure with its error code", async () => {
    await createProject(t, "taken");
    const again = await t.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: { "x-request-id": "req-route-dup" },
      payload: { name: "taken" },
    });
    expect(again.statusCode).toBe(409);
    expect(await entriesFor("req-route-dup")).toMatchObject([
      { action: "project.create", result: "failure", error_code: "conflict", target_id: null },
    ]);
  });

  it("filters and pages the list, and refuses a bad filter with 400", async () => {
    const failures = await t.inject({
      method: "GET",
      url: "/api/v1/audit-logs?result=failure&action=project",
    });
    expect(failures.json<{ items: EntryJson[] }>().items.map((e) => e.request_id)).toEqual([
      "req-route-dup",
    ]);

    const seen: number[] = [];
    let url = "/api/v1/audit-logs?limit=2&action=project";
    for (;;) {
      const page = await t.inject({ method: "GET", url });
      expect(page.statusCode).toBe(200);
      const body = page.json<{ items: EntryJson[]; next_cursor: string | null }>();
      seen.push(...body.items.map((e) => e.sequence));
      if (!body.next_cursor) break;
      url = `/api/v1/audit-logs?limit=2&action=project&cursor=${body.next_cursor}`;
    }
    expect(seen.length).toBe(5);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);

    for (const query of ["since=yesterday", "result=maybe", "limit=501", "colour=red"]) {
      const bad = await t.inject({ method: "GET", url: `/api/v1/audit-logs?${query}` });
      expect(bad.statusCode, query).toBe(400);
      expect(bad.json().error.code).toBe("validation_failed");
    }
  });

  it("streams the export as CSV or JSON lines with download headers", async () => {
    const csv = await t.inject({ method: "GET", url: "/api/v1/audit-logs/export?action=project" });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(csv.headers["content-disposition"]).toMatch(
      /^attachment; filename="audit-log-.*\.csv"$/,
    );
    const lines = csv.body.trimEnd().split("\r\n");
    expect(lines[0]!.startsWith("sequence,id,created_at,")).toBe(true);
    expect(lines).toHaveLength(1 + 5);

    const jsonl = await t.inject({
      method: "GET",
      url: "/api/v1/audit-logs/export?format=jsonl&result=failure",
    });
    expect(jsonl.headers["content-type"]).toBe("application/x-ndjson; charset=utf-8");
    const records = jsonl.body
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as EntryJson);
    expect(records.map((r) => r.request_id)).toContain("req-route-dup");
  });

  it("verifies the chain and names the first broken entry after a direct edit", async () => {
    const ok = await t.inject({ method: "GET", url: "/api/v1/audit-logs/verify" });
    expect(ok.statusCode).toBe(200);
    const report = ok.json();
    expect(report).toMatchObject({ valid: true, first_invalid_sequence: null, reason: null });
    expect(report.entries_checked).toBe(report.head_sequence);

    const [victim] = await entriesFor("req-route-update");
    await t.app.store.db
      .updateTable("audit_entries")
      .set({ result: "failure" })
      .where("sequence", "=", victim!.sequence)
      .execute();
    const broken = await t.inject({ method: "GET", url: "/api/v1/audit-logs/verify" });
    expect(broken.json()).toMatchObject({
      valid: false,
      first_invalid_sequence: victim!.sequence,
      reason: "hash_mismatch",
    });
    const before = await t.inject({
      method: "GET",
      url: `/api/v1/audit-logs/verify?to_sequence=${victim!.sequence - 1}`,
    });
    expect(before.json()).toMatchObject({ valid: true, entries_checked: victim!.sequence - 1 });
    await t.app.store.db
      .updateTable("audit_entries")
      .set({ result: "success" })
      .where("sequence", "=", victim!.sequence)
      .execute();
  });

  it("lets auditors and audit:read keys read, and nobody else", async () => {
    await createUser(t, "auditor1", "auditor");
    await createUser(t, "member1", "member");
    const auditor = await login(t, "auditor1", "auditor1-password-123");
    const member = await login(t, "member1", "member1-password-123");
    const reader = await createKey(t, { name: "audit-reader", permissions: ["audit:read"] });
    const other = await createKey(t, { name: "cert-writer", permissions: ["certificates:write"] });

    for (const url of ["/api/v1/audit-logs", "/api/v1/audit-logs/verify"]) {
      const asAuditor = await t.server.inject({
        method: "GET",
        url,
        headers: withSession(auditor),
      });
      expect(asAuditor.statusCode, `auditor ${url}`).toBe(200);
      const asReader = await t.server.inject({ method: "GET", url, headers: bearer(reader.key) });
      expect(asReader.statusCode, `audit:read key ${url}`).toBe(200);
      const asMember = await t.server.inject({ method: "GET", url, headers: withSession(member) });
      expect(asMember.statusCode, `member ${url}`).toBe(403);
      const asOther = await t.server.inject({ method: "GET", url, headers: bearer(other.key) });
      expect(asOther.statusCode, `other key ${url}`).toBe(403);
      const anonymous = await t.server.inject({ method: "GET", url });
      expect(anonymous.statusCode, `anonymous ${url}`).toBe(401);
    }
  });

  it("shows a project-restricted key only its project's entries", async () => {
    const mine = await createProject(t, "mine");
    await createProject(t, "theirs");
    const key = await createKey(t, {
      name: "mine-reader",
      permissions: ["audit:read"],
      project_ids: [mine],
    });
    const res = await t.server.inject({
      method: "GET",
      url: "/api/v1/audit-logs?limit=500",
      headers: bearer(key.key),
    });
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: EntryJson[] }>().items;
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.map((e) => e.project_id))).toEqual(new Set([mine]));
  });
});
