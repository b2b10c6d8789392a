import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createProjectsService,
  type ProjectsService,
} from "../../../src/services/projects/projects.service.js";
import { DIALECTS } from "../../support/dialects.js";

import { createAuditFixture, userActor, type AuditFixture } from "./audit-fixtures.js";

describe.each(DIALECTS)("project mutations in the audit log on %s", (dialect) => {
  let f: AuditFixture;
  let projects: ProjectsService;
  let certificatesHeld = 0;
  beforeAll(async () => {
    f = await createAuditFixture(dialect);
    projects = createProjectsService({
      db: f.store.db,
      clock: f.clock,
      audit: f.audit,
      dependents: [{ kind: "certificates", count: () => Promise.resolve(certificatesHeld) }],
    });
  });
  afterAll(() => f.close());

  async function entriesFor(requestId: string) {
    return (await f.audit.listEntries(userActor(), { filter: { requestId } })).items;
  }

  it("writes one entry per create, update and delete, each with its request id", async () => {
    const project = await projects.createProject(userActor({ requestId: "req-create" }), {
      name: "payments",
    });
    await projects.updateProject(userActor({ requestId: "req-update" }), project.id, {
      description: "PCI scope",
    });
    await projects.deleteProject(userActor({ requestId: "req-delete" }), project.id);

    const expected = [
      ["req-create", "project.create", { name: "payments" }],
      ["req-update", "project.update", { description: "PCI scope" }],
      ["req-delete", "project.delete", {}],
    ] as const;
    for (const [requestId, action, details] of expected) {
      const entries = await entriesFor(requestId);
      expect(entries, requestId).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        action,
        result: "success",
        targetType: "project",
        targetId: project.id,
        projectId: project.id,
        requestId,
        details,
      });
    }
  });

  it("writes a failure entry for a refused mutation and changes nothing", async () => {
    const project = await projects.createProject(userActor(), { name: "busy" });
    certificatesHeld = 2;
    await expect(
      projects.deleteProject(userActor({ requestId: "req-refused" }), project.id),
    ).rejects.toMatchObject({ code: "conflict" });
    certificatesHeld = 0;
    expect(await projects.getProject(userActor(), project.id)).toMatchObject({ name: "busy" });
    expect(await entriesFor("req-refused")).toMatchObject([
      { action: "project.delete", result: "failure", errorCode: "conflict", targetId: project.id },
    ]);

    await expect(
      projects.createProject(userActor({ requestId: "req-dup" }), { name: "busy" }),
    ).rejects.toMatchObject({ code: "conflict" });
    expect(await entriesFor("req-dup")).toMatchObject([
      { action: "project.create", result: "failure", errorCode: "conflict", targetId: null },
    ]);
    expect((await f.audit.verifyChain(userActor())).isValid).toBe(true);
  });
});
