import { expect } from "vitest";

import type { TestApp } from "../../support/test-app.js";

/** Named helpers over the CA and issuance API, so tests read as behaviour. */

export interface CaJson {
  id: string;
  name: string;
  type: string;
  status: string;
  certificate: string | null;
  chain: string;
  csr: string | null;
  [field: string]: unknown;
}

export interface IssuedJson {
  id: string;
  status: string;
  serial_number: string;
  certificate: string;
  chain: string;
  [field: string]: unknown;
}

export async function createCa(
  t: TestApp,
  projectId: string,
  body: Record<string, unknown>,
): Promise<CaJson> {
  const response = await t.inject({
    method: "POST",
    url: `/api/v1/projects/${projectId}/cas`,
    payload: body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<CaJson>();
}

export function createRoot(
  t: TestApp,
  projectId: string,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<CaJson> {
  return createCa(t, projectId, {
    name,
    type: "root",
    subject: { common_name: `${name} Root`, organization: "Certsmith Tests", country: "DE" },
    ...extra,
  });
}

export function createIntermediate(
  t: TestApp,
  projectId: string,
  parentId: string,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<CaJson> {
  return createCa(t, projectId, {
    name,
    type: "intermediate",
    parent_ca_id: parentId,
    subject: { common_name: `${name} Intermediate`, organization: "Certsmith Tests" },
    path_length: 0,
    ...extra,
  });
}

export async function issue(
  t: TestApp,
  projectId: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<IssuedJson> {
  const response = await t.inject({
    method: "POST",
    url: `/api/v1/projects/${projectId}/certificates`,
    payload: body,
    headers,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<IssuedJson>();
}
