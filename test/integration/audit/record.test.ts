import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { conflict } from "../../../src/lib/errors.js";
import { REDACTED } from "../../../src/services/audit/redact.fns.js";
import { DIALECTS } from "../../support/dialects.js";

import { createAuditFixture, userActor, type AuditFixture } from "./audit-fixtures.js";

describe.each(DIALECTS)("audit record() on %s", (dialect) => {
  let f: AuditFixture;
  const notRecorded: unknown[] = [];
  beforeAll(async () => {
    f = await createAuditFixture(dialect, {
      onFailureNotRecorded: (error) => notRecorded.push(error),
    });
  });
  afterAll(() => f.close());

  async function projectNamed(name: string) {
    return f.store.db
      .selectFrom("projects")
      .selectAll()
      .where("name", "=", name)
      .executeTakeFirst();
  }

  async function entriesFor(requestId: string) {
    const page = await f.audit.listEntries(userActor(), { filter: { requestId }, order: "asc" });
    return page.items;
  }

  function insertProject(name: string) {
    return (trx: typeof f.store.db) =>
      trx
        .insertInto("projects")
        .values({ id: `prj_${name}`, name, description: "", created_at: 1, updated_at: 1 })
        .execute();
  }

  it("commits the change and its success entry together, with the outcome's target", async () => {
    const actor = userActor({ requestId: "req-ok" });
    const result = await f.audit.record(
      actor,
      { action: "project.create", targetType: "project", details: { name: "kept" } },
      async (trx) => {
        await insertProject("kept")(trx);
        return "prj_kept";
      },
      (id) => ({ targetId: id, projectId: id }),
    );
    expect(result).toBe("prj_kept");
    expect(await projectNamed("kept")).toBeDefined();
    const [entry, ...more] = await entriesFor("req-ok");
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      action: "project.create",
      result: "success",
      errorCode: null,
      targetType: "project",
      targetId: "prj_kept",
      projectId: "prj_kept",
      actorType: "user",
      actorId: actor.id,
      actorName: "alice",
      requestId: "req-ok",
      sourceIp: "127.0.0.1",
      details: { name: "kept" },
    });
  });

  it("rolls back everything fn wrote and writes exactly one failure entry with the code", async () => {
    const actor = userActor({ requestId: "req-fail" });
    const attempt = f.audit.record(
      actor,
      { action: "project.create", targetType: "project", details: { name: "doomed" } },
      async (trx) => {
        await insertProject("doomed")(trx);
        throw conflict('A project named "doomed" already exists.');
      },
    );
    await expect(attempt).rejects.toMatchObject({ code: "conflict" });
    expect(await projectNamed("doomed")).toBeUndefined();
    const entries = await entriesFor("req-fail");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: "project.create",
      result: "failure",
      errorCode: "conflict",
      details: { name: "doomed", error_message: 'A project named "doomed" already exists.' },
    });
  });

  it("records an unexpected error as internal_error without its message", async () => {
    const attempt = f.audit.record(
      userActor({ requestId: "req-crash" }),
      { action: "project.update", targetType: "project", targetId: "prj_kept" },
      () => Promise.reject(new Error("connection reset; password=hunter2")),
    );
    await expect(attempt).rejects.toThrow("connection reset");
    const [entry] = await entriesFor("req-crash");
    expect(entry).toMatchObject({ result: "failure", errorCode: "internal_error", details: {} });
    expect(JSON.stringify(entry)).not.toContain("hunter2");
  });

  it("never stores a secret named in details, at any depth", async () => {
    await f.store.db.transaction().execute((trx) =>
      f.audit.append(trx, userActor({ requestId: "req-secret" }), {
        action: "api_key.create",
        targetType: "api_key",
        details: {
          name: "ci",
          key: { api_key: "csk_live_abcdef", prefix: "csk_live" },
          auth: [{ password: "correct horse battery" }, { pin: "1234", so_pin: "87654321" }],
          privateKeyPem: "-----BEGIN PRIVATE KEY-----\nMIIE…\n-----END PRIVATE KEY-----",
        },
      }),
    );
    const [entry] = await entriesFor("req-secret");
    expect(entry!.details).toEqual({
      name: "ci",
      key: { api_key: REDACTED, prefix: "csk_live" },
      auth: [{ password: REDACTED }, { pin: REDACTED, so_pin: REDACTED }],
      privateKeyPem: REDACTED,
    });
    const stored = await f.store.db
      .selectFrom("audit_entries")
      .select("details")
      .where("request_id", "=", "req-secret")
      .executeTakeFirstOrThrow();
    for (const secret of ["csk_live_abcdef", "correct horse", "1234", "87654321", "MIIE"]) {
      expect(stored.details).not.toContain(secret);
    }
  });

  it("leaves a chain that verifies after successes and failures", async () => {
    expect(await f.audit.verifyChain(userActor())).toMatchObject({
      isValid: true,
      entriesChecked: 4,
    });
    expect(notRecorded).toEqual([]);
  });
});
