/** Shared set-up of the Cisco integration tests: an app with one project and its signers. */

import { readFileSync } from "node:fs";
import path from "node:path";

import { FIXTURE_DIR } from "../../fixtures/itl/fixtures.js";
import { createProject } from "../../support/identity.js";
import type { TestApp } from "../../support/test-app.js";

export function pem(name: string, kind: "crt" | "key"): string {
  return readFileSync(path.join(FIXTURE_DIR, `${name}.${kind}.pem`), "utf8");
}

/** Sets signer `purpose` of the project from fixture `name` through the native API. */
export async function setSigner(
  t: TestApp,
  projectId: string,
  purpose: "sast" | "tftp" | "capf_issuer",
  name: string,
): Promise<void> {
  const response = await t.inject({
    method: "PUT",
    url: `/api/v1/projects/${projectId}/cisco/signers/${purpose}`,
    payload: { certificate_pem: pem(name, "crt"), private_key_pem: pem(name, "key") },
  });
  if (response.statusCode !== 200) throw new Error(`set ${purpose}: ${response.body}`);
}

/** A project with SAST = sast, TFTP = asterisk and CAPF issuer = sast (a CA certificate). */
export async function ciscoProject(t: TestApp, name = "phones"): Promise<string> {
  const projectId = await createProject(t, name);
  await setSigner(t, projectId, "sast", "sast");
  await setSigner(t, projectId, "tftp", "asterisk");
  await setSigner(t, projectId, "capf_issuer", "sast");
  return projectId;
}
