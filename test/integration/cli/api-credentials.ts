import { writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Headers that let a client call the project API of a running server from outside the process
 * (CLI tests, benchmarks). Today the API needs none. Once authentication lands (issue 3) a fresh
 * server answers 401, and this does what an operator would: the non-interactive bootstrap
 * `certsmith setup --username … --password-file …`, a login, and one API key with every
 * permission, used as `Authorization: Bearer …`.
 */
export interface CredentialsContext {
  baseUrl: string;
  /** Runs the certsmith CLI with the server's --data-dir and --database-url appended. */
  runCli(args: string[]): Promise<{ code: number | null; stderr: string }>;
  /** A private folder for the admin's password file. */
  scratchDir: string;
}

export const ADMIN = { username: "bench-admin", password: "a long bench password 4 certsmith" };

export async function apiHeaders(context: CredentialsContext): Promise<Record<string, string>> {
  const probe = await fetch(`${context.baseUrl}/api/v1/projects?limit=1`);
  await probe.arrayBuffer();
  if (probe.status === 200) return {};
  if (probe.status !== 401) throw new Error(`GET /api/v1/projects answered ${probe.status}`);

  const passwordFile = path.join(context.scratchDir, "admin-password");
  writeFileSync(passwordFile, `${ADMIN.password}\n`, { mode: 0o600 });
  const setup = await context.runCli([
    "setup",
    "--username",
    ADMIN.username,
    "--password-file",
    passwordFile,
    "--organization",
    "Certsmith bench",
    "--project",
    "bench",
  ]);
  if (setup.code !== 0) throw new Error(`certsmith setup failed: ${setup.stderr}`);

  const login = await fetch(`${context.baseUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ADMIN),
  });
  if (login.status !== 200)
    throw new Error(`login answered ${login.status}: ${await login.text()}`);
  const { csrf_token: csrfToken } = (await login.json()) as { csrf_token: string };
  const cookie = login.headers
    .getSetCookie()
    .map((value) => value.split(";")[0])
    .join("; ");

  const created = await fetch(`${context.baseUrl}/api/v1/api-keys`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, "x-csrf-token": csrfToken },
    body: JSON.stringify({ name: "bench", expires: "never", permissions: ["*"] }),
  });
  if (created.status !== 201) {
    throw new Error(`creating an API key answered ${created.status}: ${await created.text()}`);
  }
  const { key } = (await created.json()) as { key: string };
  return { authorization: `Bearer ${key}` };
}
