import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";

interface ProjectItem {
  id: string;
  name: string;
}

describe.each(DIALECTS)("cursor pagination on %s", (dialect) => {
  let t: TestApp;
  let counter = 0;
  const createProject = async () => {
    const res = await t.inject({
      method: "POST",
      url: "/api/v1/projects",
      payload: { name: `p-${counter++}` },
    });
    expect(res.statusCode).toBe(201);
    return res.json<ProjectItem>();
  };
  const page = (query: string) => t.inject({ method: "GET", url: `/api/v1/projects?${query}` });

  beforeAll(async () => {
    t = await createTestApp(dialect);
    for (let i = 0; i < 60; i++) await createProject();
  });
  afterAll(() => t.close());

  it("defaults to 50 items and returns next_cursor, then null at the end", async () => {
    const first = await page("");
    expect(first.json().items).toHaveLength(50);
    expect(first.json().next_cursor).toEqual(expect.any(String));
    const all = await page("limit=500");
    expect(all.json().next_cursor).toBeNull();
  });

  it("never skips or repeats an item while rows are inserted and deleted during iteration", async () => {
    const initial = (await page("limit=500"))
      .json<{ items: ProjectItem[] }>()
      .items.map((p) => p.id);
    const deleted = new Set<string>();
    const seen: string[] = [];
    let cursor: string | null = null;
    let round = 0;
    do {
      const res = await page(`limit=7${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.statusCode).toBe(200);
      const body = res.json<{ items: ProjectItem[]; next_cursor: string | null }>();
      seen.push(...body.items.map((p) => p.id));
      cursor = body.next_cursor;
      // Between pages: add two rows, delete one already seen and one not yet reached.
      await createProject();
      await createProject();
      const ahead = initial.find(
        (id) => !seen.includes(id) && !deleted.has(id) && id !== initial.at(-1),
      );
      const behind = seen.find((id) => !deleted.has(id));
      for (const id of [ahead, behind]) {
        if (id === undefined) continue;
        const del = await t.inject({ method: "DELETE", url: `/api/v1/projects/${id}` });
        expect(del.statusCode).toBe(204);
        deleted.add(id);
      }
      round++;
    } while (cursor !== null && round < 100);

    expect(new Set(seen).size).toBe(seen.length); // no repeats
    expect([...seen].sort()).toEqual(seen); // stable order by id
    const survivors = initial.filter((id) => !deleted.has(id));
    for (const id of survivors) expect(seen).toContain(id); // no skips
  });

  it("refuses a limit over 500 and a tampered cursor with 400", async () => {
    const tooMany = await page("limit=501");
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.code).toBe("validation_failed");
    for (const bad of [
      "not-a-cursor!",
      Buffer.from('["id:asc"]').toString("base64url"),
      "eyJ4Ijox",
    ]) {
      const res = await page(`cursor=${encodeURIComponent(bad)}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe("invalid_cursor");
    }
  });
});
