import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Actor } from "../../../src/services/actor.js";
import type { AuditFilter, AuditSpec } from "../../../src/services/audit/audit.types.js";
import { DIALECTS } from "../../support/dialects.js";

import { createAuditFixture, userActor, type AuditFixture } from "./audit-fixtures.js";

const alice = userActor({ id: "usr_alice", name: "alice", requestId: "req-a" });
const bob = userActor({ id: "usr_bob", name: "bob", requestId: "req-b" });
const ci: Actor = {
  type: "api_key",
  id: "key_ci",
  name: "ci",
  requestId: "req-ci",
  sourceIp: "10.0.0.9",
};

/** [actor, spec, result] in the order they are written, one minute apart from 10:00 UTC. */
const LOG: [Actor, AuditSpec, "success" | "failure"][] = [
  [
    alice,
    { action: "project.create", targetType: "project", targetId: "prj_a", projectId: "prj_a" },
    "success",
  ],
  [
    alice,
    { action: "project.update", targetType: "project", targetId: "prj_a", projectId: "prj_a" },
    "success",
  ],
  [
    bob,
    { action: "project.create", targetType: "project", targetId: "prj_b", projectId: "prj_b" },
    "success",
  ],
  [
    ci,
    {
      action: "certificate.issue",
      targetType: "certificate",
      targetId: "cert_1",
      projectId: "prj_a",
    },
    "success",
  ],
  [
    ci,
    {
      action: "certificate.issue",
      targetType: "certificate",
      targetId: "cert_2",
      projectId: "prj_b",
    },
    "failure",
  ],
  [bob, { action: "api_key.create", targetType: "api_key", targetId: "key_ci" }, "success"],
  [alice, { action: "projects.purge", targetType: "project" }, "success"],
  [
    bob,
    { action: "project.delete", targetType: "project", targetId: "prj_b", projectId: "prj_b" },
    "failure",
  ],
];

/** The API key restricted to some projects. */
function restrictedTo(projectIds: string[]): Actor {
  return Object.assign({}, ci, { projectScope: projectIds });
}

describe.each(DIALECTS)("audit list on %s", (dialect) => {
  let f: AuditFixture;
  beforeAll(async () => {
    f = await createAuditFixture(dialect);
    for (const [actor, spec, result] of LOG) {
      await f.store.db
        .transaction()
        .execute((trx) =>
          f.audit.append(
            trx,
            actor,
            spec,
            result === "failure" ? { result, errorCode: "conflict" } : {},
          ),
        );
      f.clock.advance(60_000);
    }
  });
  afterAll(() => f.close());

  async function sequences(filter: AuditFilter, actor: Actor = alice): Promise<number[]> {
    const page = await f.audit.listEntries(actor, { filter, order: "asc", limit: 500 });
    return page.items.map((e) => e.sequence);
  }

  it.each<[string, AuditFilter, number[]]>([
    ["no filter", {}, [1, 2, 3, 4, 5, 6, 7, 8]],
    ["an action prefix (not a mere string prefix)", { actions: ["project"] }, [1, 2, 3, 8]],
    ["an exact action", { actions: ["project.create"] }, [1, 3]],
    ["several actions (OR)", { actions: ["api_key", "project.delete"] }, [6, 8]],
    ["an actor by name", { actors: ["bob"] }, [3, 6, 8]],
    ["actors by id (OR)", { actors: ["usr_alice", "key_ci"] }, [1, 2, 4, 5, 7]],
    ["a target type", { targetTypes: ["certificate"] }, [4, 5]],
    ["a target id", { targetId: "prj_b" }, [3, 8]],
    ["a project", { projectIds: ["prj_a"] }, [1, 2, 4]],
    ["a result", { result: "failure" }, [5, 8]],
    ["a request id", { requestId: "req-ci" }, [4, 5]],
    [
      "a time window, since inclusive and until exclusive",
      { since: new Date("2026-11-23T10:02:00.000Z"), until: new Date("2026-11-23T10:05:00.000Z") },
      [3, 4, 5],
    ],
    ["filters combined (AND)", { actors: ["ci"], result: "success" }, [4]],
  ])("filters by %s", async (_name, filter, expected) => {
    expect(await sequences(filter)).toEqual(expected);
  });

  it("shows a project-restricted reader only its projects' entries", async () => {
    const restricted = restrictedTo(["prj_b"]);
    expect(await sequences({}, restricted)).toEqual([3, 5, 8]);
    expect(await sequences({ projectIds: ["prj_a"] }, restricted)).toEqual([]);
    expect(await sequences({}, restrictedTo([]))).toEqual([]);
  });

  it("pages newest first without skips or repeats, and refuses a cursor of the other order", async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await f.audit.listEntries(alice, { filter: {}, limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((e) => e.sequence));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);

    const firstDesc = await f.audit.listEntries(alice, { filter: {}, limit: 2 });
    await expect(
      f.audit.listEntries(alice, { filter: {}, order: "asc", cursor: firstDesc.nextCursor! }),
    ).rejects.toMatchObject({ code: "invalid_cursor" });
    await expect(
      f.audit.listEntries(alice, { filter: {}, cursor: "not-a-cursor" }),
    ).rejects.toMatchObject({ code: "invalid_cursor" });
  });

  it("pages by offset too, for adapters of APIs that use limit/offset (seed 003)", async () => {
    const page = await f.audit.listEntries(alice, {
      filter: { actions: ["project"] },
      limit: 2,
      offset: 1,
    });
    expect(page.items.map((e) => e.sequence)).toEqual([3, 2]);
    const past = await f.audit.listEntries(alice, { filter: {}, offset: 8 });
    expect(past).toEqual({ items: [], nextCursor: null });
    await expect(
      f.audit.listEntries(alice, { filter: {}, offset: 1, cursor: page.nextCursor! }),
    ).rejects.toMatchObject({ code: "validation_failed" });
  });
});
