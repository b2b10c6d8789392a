/**
 * Seed 000's own examples (its "Quick Examples" curl commands and "Configuration Service
 * Integration" Python), run unchanged with the real curl and Python `requests` against a listening
 * server. Only the placeholders change: `https://{domain}` becomes the test server's address, the
 * `...` of the PEM blocks become real certificates, and the Python variables the seed leaves
 * undefined (`cucm_cert`, …) are defined first. The caller's network is in
 * `cisco_trusted_networks`, the seed's "network isolation" option, since the examples send no key.
 */

import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";

import { ciscoProject, pem } from "./cisco-fixtures.js";
import { opensslVerifies, readSignedFile } from "./oracle.js";

const HEALTH = `curl https://{domain}/api/capf/api/v1/health`;
const LIST = `curl https://{domain}/api/capf/api/v1/devices?limit=10`;
const ITL = `curl -X POST https://{domain}/api/capf/api/v1/itl-file \\
  -H "Content-Type: application/json" \\
  -d '{
    "certificates": [{
      "pem": "-----BEGIN CERTIFICATE-----\\n...",
      "roles": ["CCM", "TFTP"]
    }],
    "signer": {
      "certificate_pem": "-----BEGIN CERTIFICATE-----\\n...",
      "private_key_pem": "-----BEGIN PRIVATE KEY-----\\n..."
    }
  }' \\
  -o ITLFile.tlv`;
const PYTHON = `import requests

API_BASE = "https://usecallmanager.example.com/api/capf/api/v1"

# 1. Generate ITL file
itl_response = requests.post(
    f"{API_BASE}/itl-file",
    json={
        "certificates": [
            {"pem": cucm_cert, "roles": ["CCM", "TFTP"]},
            {"pem": tftp_cert, "roles": ["TFTP"]},
        ],
        "signer": {
            "certificate_pem": signer_cert,
            "private_key_pem": signer_key,
        },
    },
)
itl_data = itl_response.content  # Binary ITLFile.tlv

# 2. Encrypt device config
config_response = requests.post(
    f"{API_BASE}/encrypt-config",
    json={
        "device_name": "SEP001122334455",
        "config_xml": "<device>...</device>",
    },
)
encrypted_config = config_response.content  # Binary .enc.sgn
`;

const exec = promisify(execFile);

/**
 * The first Python 3 that can import `requests`: the one on PATH (which may be a pyenv build
 * without it) or Debian's, where scripts/test-all.sh installs python3-requests.
 */
function pythonWithRequests(): string {
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    const probe = spawnSync(candidate, ["-c", "import requests"], { stdio: "ignore" });
    if (probe.status === 0) return candidate;
  }
  throw new Error("no python3 with the requests module (apt-get install python3-requests)");
}

/** A PEM's body as the JSON string escapes of the curl example (`\\n` for new lines). */
function jsonEscaped(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

describe.each(DIALECTS)("seed 000's documented examples on %s", (dialect) => {
  let t: TestApp;
  let origin: string;
  let dir: string;

  beforeAll(async () => {
    t = await createTestApp(dialect, { "cisco-trusted-networks": "127.0.0.1,::1" });
    await ciscoProject(t);
    const device = await t.inject({
      method: "POST",
      url: "/api/capf/api/v1/devices",
      payload: { name: "SEP001122334455", certificate: pem("device", "crt") },
    });
    expect(device.statusCode).toBe(201);
    origin = await t.server.listen({ host: "127.0.0.1", port: 0 });
    dir = mkdtempSync(path.join(os.tmpdir(), "cisco-seed-"));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  // Asynchronous: a synchronous child would block the event loop the server answers on.
  const run = async (command: string) =>
    (await exec("bash", ["-c", command.replaceAll("https://{domain}", origin)], { cwd: dir }))
      .stdout;

  it("checks service health", async () => {
    expect(JSON.parse(await run(HEALTH))).toEqual({
      status: "healthy",
      version: expect.any(String),
      database: "connected",
    });
  });

  it("lists devices", async () => {
    const body = JSON.parse(await run(LIST)) as { devices: unknown[] };
    expect(body).toMatchObject({ total: 1, limit: 10, offset: 0 });
    expect(body.devices[0]).toMatchObject({
      name: "SEP001122334455",
      key_type: "RSA",
      key_size: 2048,
    });
  });

  it("generates an ITL file with curl", async () => {
    const body = (name: string, kind: "crt" | "key") =>
      jsonEscaped(pem(name, kind).trim().split("\n").slice(1).join("\n"));
    const command = ITL.replace(
      '-----BEGIN CERTIFICATE-----\\n..."',
      `-----BEGIN CERTIFICATE-----\\n${body("ccm", "crt")}"`,
    )
      .replace(
        '-----BEGIN CERTIFICATE-----\\n..."',
        `-----BEGIN CERTIFICATE-----\\n${body("sast", "crt")}"`,
      )
      .replace(
        '-----BEGIN PRIVATE KEY-----\\n..."',
        `-----BEGIN PRIVATE KEY-----\\n${body("sast", "key")}"`,
      );
    await run(command);
    const itl = readFileSync(path.join(dir, "ITLFile.tlv"));
    expect(opensslVerifies(itl, pem("sast", "crt"))).toBe(true);
  });

  it("runs the Python integration example", async () => {
    const script = [
      `cucm_cert = ${JSON.stringify(pem("ccm", "crt"))}`,
      `tftp_cert = ${JSON.stringify(pem("asterisk", "crt"))}`,
      `signer_cert = ${JSON.stringify(pem("sast", "crt"))}`,
      `signer_key = ${JSON.stringify(pem("sast", "key"))}`,
      PYTHON.replace("https://usecallmanager.example.com", origin),
      'open("itl.tlv", "wb").write(itl_data)',
      'open("config.enc.sgn", "wb").write(encrypted_config)',
      "print(itl_response.status_code, config_response.status_code)",
    ].join("\n");
    writeFileSync(path.join(dir, "example.py"), script);
    const { stdout: output } = await exec(pythonWithRequests(), ["example.py"], { cwd: dir });
    expect(output.trim()).toBe("200 200");
    expect(opensslVerifies(readFileSync(path.join(dir, "itl.tlv")), pem("sast", "crt"))).toBe(true);
    const encrypted = readFileSync(path.join(dir, "config.enc.sgn"));
    expect(opensslVerifies(encrypted, pem("asterisk", "crt"))).toBe(true);
    expect(readSignedFile(encrypted).tags.get(14)?.toString()).toBe(
      "SEP001122334455.cnf.xml.enc.sgn\0",
    );
  });
});
