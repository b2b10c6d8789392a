import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";

describe.each(DIALECTS)("projects on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  it("creates, reads, renames and deletes a project", async () => {
    const created = await t.inject({
      method: "POST",
      url: "/api/v1/projects",
      payload: { name: "  payments  ", description: "PCI scope" },
    });
    expect(created.statusCode).toBe(201);
    const project = created.json();
    expect(project).toMatchObject({ name: "payments", description: "PCI scope" });
    expect(project.id).toMatch(/^prj_[0-9A-Z]{26}$/);
    expect(created.headers.location).toBe(`/api/v1/projects/${project.id}`);

    const got = await t.inject({ method: "GET", url: `/api/v1/projects/${project.id}` });
    expect(got.json()).toEqual(project);

    const renamed = await t.inject({
      method: "PATCH",
      url: `/api/v1/projects/${project.id}`,
      payload: { name: "payments-eu" },
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({
      name: "payments-eu",
      description: "PCI scope",
      created_at: project.created_at,
    });

    const deleted = await t.inject({
      method: "DELETE",
      url: `/api/v1/projects/${project.id}`,
    });
    expect(deleted.statusCode).toBe(204);
    const gone = await t.inject({ method: "GET", url: `/api/v1/projects/${project.id}` });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe("not_found");
  });

  it("refuses a duplicate name with 409, on create and on rename", async () => {
    await t.inject({ method: "POST", url: "/api/v1/projects", payload: { name: "dup" } });
    const again = await t.inject({
      method: "POST",
      url: "/api/v1/projects",
      payload: { name: "dup" },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain('"dup"');
    const other = (
      await t.inject({ method: "POST", url: "/api/v1/projects", payload: { name: "other" } })
    ).json();
    const rename = await t.inject({
      method: "PATCH",
      url: `/api/v1/projects/${other.id}`,
      payload: { name: "dup" },
    });
    expect(rename.statusCode).toBe(409);
  });

  it("answers 404 for unknown ids on every verb, and 400 for empty updates", async () => {
    for (const method of ["GET", "PATCH", "DELETE"] as const) {
      const res = await t.inject({
        method,
        url: "/api/v1/projects/prj_01J0000000000000000000000Z",
        ...(method === "PATCH" ? { payload: { name: "x" } } : {}),
      });
      expect(res.statusCode, method).toBe(404);
    }
    const some = (
      await t.inject({ method: "POST", url: "/api/v1/projects", payload: { name: "e" } })
    ).json();
    const empty = await t.inject({
      method: "PATCH",
      url: `/api/v1/projects/${some.id}`,
      payload: {},
    });
    expect(empty.statusCode).toBe(400);
    const blank = await t.inject({
      method: "POST",
      url: "/api/v1/projects",
      payload: { name: "   " },
    });
    expect(blank.statusCode).toBe(400);
  });
});
