import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";

describe.each(DIALECTS)("HTTP conventions on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { "body-limit-bytes": "2048" });
  });
  afterAll(() => t.close());

  it("generates a req_ id and puts it on the response and in every log line of the request", async () => {
    const res = await t.inject({ method: "GET", url: "/api/v1/projects" });
    const id = res.headers["x-request-id"] as string;
    expect(id).toMatch(/^req_[0-9A-Z]{26}$/);
    const lines = t.logs.filter((l) => l.request_id === id);
    expect(lines.length).toBeGreaterThanOrEqual(1);
  });

  it("writes one access line per request, with the request beside the status and time", async () => {
    const res = await t.inject({ method: "GET", url: "/api/v1/projects?limit=1" });
    const id = res.headers["x-request-id"] as string;
    // Test apps log at debug, which adds "incoming request"; info and above is what runs by default.
    const lines = t.logs.filter((l) => l.request_id === id && Number(l.level) >= 30);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: "request completed",
      req: { method: "GET", url: "/api/v1/projects?limit=1" },
      res: { statusCode: res.statusCode },
    });
    expect(typeof lines[0]!.responseTime).toBe("number");
  });

  it("echoes a client's own X-Request-ID, but not one that could forge log lines", async () => {
    const own = await t.inject({
      method: "GET",
      url: "/health",
      headers: { "x-request-id": "trace-42.a" },
    });
    expect(own.headers["x-request-id"]).toBe("trace-42.a");
    const hostile = await t.inject({
      method: "GET",
      url: "/health",
      headers: { "x-request-id": "a b\u0000c" },
    });
    expect(hostile.headers["x-request-id"]).toMatch(/^req_/);
  });

  it("answers unknown routes 404 in the error shape with the request id", async () => {
    const res = await t.inject({
      method: "GET",
      url: "/api/v1/nothing-here",
      headers: { "x-request-id": "r1" },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: {
        code: "not_found",
        message: expect.any(String),
        details: expect.any(Array),
        request_id: "r1",
      },
    });
  });

  it("refuses a non-JSON body with 415", async () => {
    const res = await t.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: { "content-type": "text/plain" },
      payload: "name=x",
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe("unsupported_media_type");
  });

  it("refuses malformed JSON with 400 invalid_json", async () => {
    const res = await t.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: { "content-type": "application/json" },
      payload: '{"name": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("invalid_json");
  });

  it("refuses a body over the limit with 413 in the error shape", async () => {
    const res = await t.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ name: "x", description: "d".repeat(4096) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe("payload_too_large");
  });

  it("refuses unknown fields and bad values with 400 validation_failed naming the field", async () => {
    const unknown = await t.inject({
      method: "POST",
      url: "/api/v1/projects",
      payload: { name: "a", colour: "red" },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({
      code: "validation_failed",
      details: [{ field: "colour" }],
    });
    const tooLong = await t.inject({
      method: "POST",
      url: "/api/v1/projects",
      payload: { name: "n".repeat(101) },
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.details[0].field).toBe("name");
  });

  it("answers a database failure with a generic 500 and keeps the detail in the log only", async () => {
    const broken = await createTestApp(dialect);
    try {
      // A real fault below the service: the table is gone, the driver throws its own error.
      const drop = broken.app.store.db.schema.dropTable("projects");
      await (dialect === "postgres" ? drop.cascade() : drop).execute();
      const res = await broken.inject({ method: "GET", url: "/api/v1/projects" });
      expect(res.statusCode).toBe(500);
      expect(res.json().error).toMatchObject({
        code: "internal_error",
        message: "An internal error occurred.",
      });
      expect(res.body).not.toMatch(/projects|select|relation|table/i);
      const logged = broken.logs.find(
        (l) => l.request_id === res.headers["x-request-id"] && l.level === 50,
      );
      expect(JSON.stringify(logged)).toMatch(/projects/);
    } finally {
      await broken.close();
    }
  });
});
