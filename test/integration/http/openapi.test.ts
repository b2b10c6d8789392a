import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestApp, type TestApp } from "../../support/test-app.js";

interface Operation {
  summary?: string;
  tags?: string[];
  responses?: Record<string, unknown>;
  requestBody?: unknown;
}

describe("OpenAPI document", () => {
  let t: TestApp;
  let doc: {
    openapi: string;
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, unknown> };
  };
  beforeAll(async () => {
    t = await createTestApp("sqlite");
    const res = await t.inject({ method: "GET", url: "/api/v1/openapi.json" });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });
  afterAll(() => t.close());

  it("is OpenAPI 3.1 with the shared error schema as a named component", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.schemas.ErrorResponse).toBeDefined();
  });

  it("documents every /api/v1 operation with a summary, tags, a success and error responses", () => {
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, op })),
    );
    const v1 = operations.filter((o) => o.where.includes("/api/v1/"));
    expect(v1.length).toBeGreaterThanOrEqual(5);
    for (const { where, op } of v1) {
      expect(op.summary, where).toBeTruthy();
      expect(op.tags?.length, where).toBeGreaterThan(0);
      const codes = Object.keys(op.responses ?? {});
      expect(
        codes.some((c) => /^2/.test(c)),
        where,
      ).toBe(true);
      expect(
        codes.some((c) => /^[45]/.test(c)),
        where,
      ).toBe(true);
    }
    const create = doc.paths["/api/v1/projects"]?.post;
    expect(create?.requestBody).toBeDefined();
  });

  it("serves Swagger UI at /docs", async () => {
    const res = await t.inject({ method: "GET", url: "/docs/" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/html");
  });
});
