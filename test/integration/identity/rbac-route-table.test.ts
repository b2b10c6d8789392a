import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { RouteAccess } from "../../../src/http/access.js";
import type { RouteAccessEntry } from "../../../src/http/plugins/access-control.js";
import { DIALECTS } from "../../support/dialects.js";
import {
  addMember,
  bearer,
  createKey,
  createProject,
  createUser,
  login,
  type Session,
  withSession,
} from "../../support/identity.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";

// Issue 3 §5: every route of the live route table is called as each kind of caller, and the
// answer is compared with what the role model of the issue says. The expectations below are
// written from the text, not from src/services/identity/roles.ts, so a change to the
// grants that breaks the documented model fails here.

type Expectation = "allow" | "unauthenticated" | "forbidden" | "not_found";

interface Caller {
  name: string;
  headers(mutation: boolean): Record<string, string>;
  expect(access: Exclude<RouteAccess, { public: true }>, projectRoute: boolean): Expectation;
}

/** Modules whose resources live in a project (issue 3 §2: operators issue, renew, revoke…). */
const PROJECT_MODULES = ["certificates", "cas", "discovery", "deployments", "signing", "cisco"];
const OPERATOR_WRITES = [
  "certificates:write",
  "discovery:write",
  "deployments:write",
  "signing:use",
  "cisco:write",
];

function isRead(permission: string): boolean {
  return permission.endsWith(":read");
}

function projectModuleRead(permission: string): boolean {
  return isRead(permission) && PROJECT_MODULES.includes(permission.split(":")[0]!);
}

/** A member's expectation from their role in the route's project (viewer or operator). */
function memberExpectation(
  role: "viewer" | "operator",
  permission: string,
  projectRoute: boolean,
): Expectation {
  if (permission === "signed_in" || permission === "projects:read") return "allow";
  if (!projectRoute) return "forbidden";
  if (projectModuleRead(permission) || permission === "members:read") return "allow";
  if (role === "operator" && OPERATOR_WRITES.includes(permission)) return "allow";
  return "forbidden";
}

/** Fills a route pattern: the project is the one every caller is tested against. */
function concreteUrl(pattern: string, projectId: string): string {
  return pattern
    .replace(":projectId", projectId)
    .replace(/:[A-Za-z]+/g, "zz_00000000000000000000000000")
    .replace("*", "zz");
}

function isProjectNotFound(response: LightMyRequestResponse): boolean {
  if (response.statusCode !== 404) return false;
  const body = response.json<{ error?: { details?: { resource?: string }[] } }>();
  return body.error?.details?.some((detail) => detail.resource === "project") ?? false;
}

function outcome(response: LightMyRequestResponse): Expectation | "other" {
  if (response.statusCode === 401) return "unauthenticated";
  if (response.statusCode === 403) return "forbidden";
  if (isProjectNotFound(response)) return "not_found";
  return response.statusCode >= 500 ? "other" : "allow";
}

/**
 * Mutations that end the caller's session or remove the project under test run last, and the
 * admin calls each route last, so that no call changes what a later one sees.
 */
function runOrder(entry: RouteAccessEntry): number {
  if (entry.url === "/api/v1/auth/logout") return 3;
  if (entry.method === "DELETE" && entry.url === "/api/v1/projects/:projectId") return 4;
  return entry.method === "GET" ? 0 : 1;
}

describe.each(DIALECTS)("the route table's access rules on %s", (dialect) => {
  const routeTable: RouteAccessEntry[] = [];
  const callers: Caller[] = [];
  let t: TestApp;
  let projectId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect, {}, { routeTable });
    projectId = await createProject(t, "rbac-under-test");
    const otherProject = await createProject(t, "rbac-elsewhere");

    const sessionCaller = (name: string, session: Session, expectFn: Caller["expect"]): Caller => ({
      name,
      headers: (mutation) => withSession(session, mutation),
      expect: expectFn,
    });

    for (const role of ["viewer", "operator"] as const) {
      const userId = await createUser(t, `rbac-${role}`, "member");
      await addMember(t, projectId, userId, role);
      const session = await login(t, `rbac-${role}`, `rbac-${role}-password-123`);
      callers.push(
        sessionCaller(role, session, (access, projectRoute) =>
          memberExpectation(role, access.permission, projectRoute),
        ),
      );
    }
    await createUser(t, "rbac-auditor", "auditor");
    callers.push(
      sessionCaller(
        "auditor",
        await login(t, "rbac-auditor", "rbac-auditor-password-123"),
        ({ permission }) =>
          permission === "signed_in" || isRead(permission) ? "allow" : "forbidden",
      ),
    );
    await createUser(t, "rbac-peer", "peer");
    callers.push(
      sessionCaller(
        "peer",
        await login(t, "rbac-peer", "rbac-peer-password-123"),
        ({ permission, allowPeer }, projectRoute) =>
          permission === "signed_in" || allowPeer
            ? "allow"
            : projectRoute
              ? "not_found"
              : "forbidden",
      ),
    );

    // An unrestricted key holding one permission: for each route, the one it lacks is used.
    const usersReader = await createKey(t, {
      name: "rbac-users-read",
      permissions: ["users:read"],
    });
    const projectsReader = await createKey(t, {
      name: "rbac-projects-read",
      permissions: ["projects:read"],
    });
    callers.push({
      name: "key without the scope",
      headers: () => bearer(projectsReader.key),
      expect: ({ permission }) =>
        permission === "signed_in" || permission === "projects:read" ? "allow" : "forbidden",
    });
    callers.push({
      name: "key without the scope (users:read)",
      headers: () => bearer(usersReader.key),
      expect: ({ permission }) =>
        permission === "signed_in" || permission === "users:read" ? "allow" : "forbidden",
    });

    const projectScoped = [
      "projects:read",
      "members:admin",
      ...PROJECT_MODULES.flatMap((m) => [
        `${m}:read`,
        m === "signing" ? "signing:use" : `${m}:write`,
      ]),
    ];
    const elsewhere = await createKey(t, {
      name: "rbac-other-project",
      permissions: projectScoped,
      project_ids: [otherProject],
    });
    callers.push({
      name: "key restricted to another project",
      headers: () => bearer(elsewhere.key),
      expect: ({ permission }, projectRoute) =>
        projectRoute
          ? "not_found"
          : permission === "signed_in" || projectScoped.includes(permission)
            ? "allow"
            : "forbidden",
    });

    callers.push({
      name: "admin",
      headers: () => bearer(t.adminKey!),
      expect: () => "allow",
    });
  });
  afterAll(() => t.close());

  it("has a declaration on every route and the table is not empty", () => {
    expect(routeTable.length).toBeGreaterThan(20);
    for (const entry of routeTable)
      expect(entry.access, `${entry.method} ${entry.url}`).toBeDefined();
  });

  it("answers each caller on each protected route as the role model says", async () => {
    const protectedRoutes = routeTable
      .filter(
        (entry): entry is RouteAccessEntry & { access: Exclude<RouteAccess, { public: true }> } =>
          !("public" in entry.access) && entry.method !== "HEAD",
      )
      .sort((a, b) => runOrder(a) - runOrder(b));

    const mismatches: string[] = [];
    for (const entry of protectedRoutes) {
      const projectRoute = entry.url.includes(":projectId");
      const url = concreteUrl(entry.url, projectId);
      const mutation = entry.method !== "GET";
      const call = (headers: Record<string, string>) =>
        t.server.inject({
          method: entry.method as "GET",
          url,
          headers,
          ...(mutation ? { payload: {} } : {}),
        });

      const anonymous = await call({});
      if (outcome(anonymous) !== "unauthenticated") {
        mismatches.push(
          `${entry.method} ${entry.url} without credentials: ${anonymous.statusCode}`,
        );
      }
      for (const caller of callers) {
        const expected = caller.expect(entry.access, projectRoute);
        const response = await call(caller.headers(mutation));
        const actual = outcome(response);
        if (actual !== expected) {
          mismatches.push(
            `${entry.method} ${entry.url} as ${caller.name}: expected ${expected}, got ${response.statusCode} ${response.body.slice(0, 160)}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
