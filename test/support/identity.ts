import type { LightMyRequestResponse } from "fastify";

import { rememberSecret } from "./secrets.js";
import type { TestApp } from "./test-app.js";

export interface Session {
  cookie: string;
  csrf: string;
  userId: string;
}

/** The `name=value` pair of a Set-Cookie header, ready for a Cookie header. */
export function cookiePair(response: LightMyRequestResponse): string {
  const header = response.headers["set-cookie"];
  const first = Array.isArray(header) ? header[0] : header;
  if (!first) throw new Error(`no Set-Cookie in ${response.statusCode} ${response.body}`);
  return first.split(";")[0]!;
}

export async function login(t: TestApp, username: string, password: string): Promise<Session> {
  const response = await t.server.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { username, password },
  });
  if (response.statusCode !== 200) {
    throw new Error(`login as ${username}: ${response.statusCode} ${response.body}`);
  }
  const body = response.json();
  const cookie = cookiePair(response);
  rememberSecret(`${username}'s password`, password);
  rememberSecret(`${username}'s session token`, cookie.split("=")[1]!);
  return { cookie, csrf: body.csrf_token, userId: body.user.id };
}

/** Creates a user as the admin (no forced password change) and returns its id. */
export async function createUser(
  t: TestApp,
  username: string,
  role: "admin" | "auditor" | "member" | "peer",
  password = `${username}-password-123`,
): Promise<string> {
  const response = await t.inject({
    method: "POST",
    url: "/api/v1/users",
    payload: { username, password, role, must_change_password: false },
  });
  if (response.statusCode !== 201) throw new Error(`create ${username}: ${response.body}`);
  rememberSecret(`${username}'s password`, password);
  return response.json<{ id: string }>().id;
}

export async function createProject(t: TestApp, name: string): Promise<string> {
  const response = await t.inject({ method: "POST", url: "/api/v1/projects", payload: { name } });
  if (response.statusCode !== 201) throw new Error(`create project ${name}: ${response.body}`);
  return response.json<{ id: string }>().id;
}

export async function addMember(
  t: TestApp,
  projectId: string,
  userId: string,
  role: "owner" | "operator" | "viewer",
): Promise<void> {
  const response = await t.inject({
    method: "POST",
    url: `/api/v1/projects/${projectId}/members`,
    payload: { user_id: userId, role },
  });
  if (response.statusCode !== 201) throw new Error(`add member: ${response.body}`);
}

export async function createKey(
  t: TestApp,
  body: Record<string, unknown>,
  authorization?: Record<string, string>,
): Promise<{ id: string; key: string }> {
  const response = await t.inject({
    method: "POST",
    url: "/api/v1/api-keys",
    payload: body,
    ...(authorization ? { headers: authorization } : {}),
  });
  if (response.statusCode !== 201) throw new Error(`create key: ${response.body}`);
  const json = response.json<{ id: string; key: string }>();
  rememberSecret(`API key ${String(body.name)}`, json.key);
  return { id: json.id, key: json.key };
}

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

/** Headers for `t.server.inject` (not `t.inject`, which adds the admin key) as a session. */
export function withSession(session: Session, mutation = false): Record<string, string> {
  return {
    cookie: session.cookie,
    ...(mutation ? { "x-csrf-token": session.csrf } : {}),
  };
}
