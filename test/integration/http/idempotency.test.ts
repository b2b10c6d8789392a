import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { fixedClock } from "../../../src/lib/clock.js";
import { DIALECTS } from "../../support/dialects.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";

describe.each(DIALECTS)("Idempotency-Key on %s", (dialect) => {
  let t: TestApp;
  const clock = fixedClock(new Date("2026-11-22T10:00:00Z"));
  const post = (key: string, payload: unknown) =>
    t.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: { "idempotency-key": key },
      payload: payload as object,
    });
  const projectCount = async () => {
    const res = await t.inject({ method: "GET", url: "/api/v1/projects?limit=500" });
    return res.json<{ items: unknown[] }>().items.length;
  };

  beforeAll(async () => {
    t = await createTestApp(dialect, {}, { clock });
  });
  afterAll(() => t.close());

  it("replays the original response for the same key and body, and executes once", async () => {
    const before = await projectCount();
    const first = await post("k-replay", { name: "alpha", description: "x" });
    const again = await post("k-replay", { description: "x", name: "alpha" }); // key order is irrelevant
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.body).toBe(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(await projectCount()).toBe(before + 1);
  });

  it("answers 409 idempotency_mismatch for a different body under the same key", async () => {
    await post("k-mismatch", { name: "beta" });
    const other = await post("k-mismatch", { name: "gamma" });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe("idempotency_mismatch");
  });

  it("replays errors too", async () => {
    await post("k-setup", { name: "taken" });
    const conflict = await post("k-error", { name: "taken" });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error.code).toBe("conflict");
    // Remove the cause of the error: a replay still returns the stored 409.
    const id = JSON.parse((await post("k-setup", { name: "taken" })).body).id as string;
    await t.inject({ method: "DELETE", url: `/api/v1/projects/${id}` });
    const replay = await post("k-error", { name: "taken" });
    expect(replay.statusCode).toBe(409);
    expect(replay.body).toBe(conflict.body);
  });

  it("executes concurrent duplicates exactly once", async () => {
    const before = await projectCount();
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => post("k-race", { name: "raced" })),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(8).fill(201));
    expect(new Set(responses.map((r) => r.body)).size).toBe(1);
    expect(await projectCount()).toBe(before + 1);
  });

  it("forgets a key after 24 hours", async () => {
    await post("k-expiry", { name: "old" });
    clock.advance(24 * 3600 * 1000 + 1000);
    const reused = await post("k-expiry", { name: "new" });
    expect(reused.statusCode).toBe(201);
    expect(reused.json().name).toBe("new");
  });

  it("refuses a malformed key", async () => {
    const res = await post("bad key with spaces", { name: "whatever" });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].field).toBe("Idempotency-Key");
  });
});
