import Fastify from "fastify";
import { afterEach, describe, expect, it } from "vitest";

import {
  compilePendingSchemas,
  createLazySchemaCompilers,
} from "../../../src/http/plugins/lazy-schema-compilers.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";

// Route validators and serializers compile on a route's first request (issue 2: start-up time).
// These pin that this changes only the moment: every schema still compiles, and the first
// request of a route is validated, coerced and answered exactly like the ones after it.
describe("route schemas compiled on first use", () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it("compiles every route's validators and serializers without an error", async () => {
    t = await createTestApp("sqlite");
    await t.server.ready();
    const compiled = compilePendingSchemas(t.server);
    // ~200 routes, most with a body or query schema and several response schemas.
    expect(compiled).toBeGreaterThan(300);
    expect(compilePendingSchemas(t.server)).toBe(0);
  });

  it("validates a route's first request like every later one", async () => {
    t = await createTestApp("sqlite");
    const bad = {
      method: "POST" as const,
      url: "/api/v1/projects",
      payload: { name: "a", colour: "red" },
    };
    const first = await t.inject(bad);
    const second = await t.inject(bad);
    expect(first.statusCode).toBe(400);
    const withoutId = (body: { error: Record<string, unknown> }) => ({
      ...body.error,
      request_id: undefined,
    });
    expect(withoutId(first.json())).toEqual(withoutId(second.json()));
    expect(first.json().error).toMatchObject({
      code: "validation_failed",
      details: [{ field: "colour", location: "body" }],
    });
  });

  it("coerces query strings on a route's first request", async () => {
    t = await createTestApp("sqlite");
    for (const name of ["one", "two"]) {
      const created = await t.inject({
        method: "POST",
        url: "/api/v1/projects",
        payload: { name },
      });
      expect(created.statusCode).toBe(201);
    }
    const notANumber = await t.inject({ method: "GET", url: "/api/v1/projects?limit=many" });
    expect(notANumber.statusCode).toBe(400);
    expect(notANumber.json().error.details[0]).toMatchObject({ field: "limit" });
    const page = await t.inject({ method: "GET", url: "/api/v1/projects?limit=1" });
    expect(page.statusCode).toBe(200);
    expect(page.json().items).toHaveLength(1);
    expect(page.json().next_cursor).toEqual(expect.any(String));
  });

  it("refuses a headers schema with an upper-case name (Fastify would not lower-case it)", async () => {
    const compilers = createLazySchemaCompilers();
    const app = Fastify({ schemaController: { compilersFactory: compilers.compilersFactory } });
    app.get(
      "/",
      {
        schema: {
          headers: { type: "object", properties: { "X-Token": { type: "string" } } },
        },
      },
      () => "ok",
    );
    try {
      await expect(app.ready()).rejects.toThrow(/"X-Token" in lower case/);
    } finally {
      await app.close();
    }
  });
});
