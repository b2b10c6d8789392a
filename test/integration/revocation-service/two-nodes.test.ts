import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createApp, type App } from "../../../src/app/create-app.js";
import { loadConfig } from "../../../src/config/load.js";
import { DIALECTS } from "../../support/dialects.js";
import { createProject } from "../../support/identity.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";
import { makeWorkDir, opensslOk, type WorkDir } from "../revocation/openssl-pki.js";

import { createCa, importOpensslCa, issueLeaf, type FixtureCa } from "./revocation-fixture.js";

describe.each(DIALECTS)("two nodes on one database (%s)", (dialect) => {
  const masterKey = randomBytes(32).toString("base64");
  let t: TestApp;
  let second: App;
  let secondDir: string;
  let work: WorkDir;
  let fixture: FixtureCa;
  let projectId: string;
  const urls: string[] = [];

  beforeAll(async () => {
    t = await createTestApp(dialect, { "master-key": masterKey, "job-poll-interval-ms": "100" });
    secondDir = mkdtempSync(path.join(os.tmpdir(), "certsmith-node2-"));
    second = await createApp(
      loadConfig({
        flags: {
          "data-dir": secondDir,
          "database-url": t.app.config.database.url,
          "master-key": masterKey,
          "job-poll-interval-ms": "100",
        },
        env: {},
      }),
      { logger: pino({ level: "silent" }) },
    );
    for (const server of [t.server, second.server!]) {
      await server.listen({ host: "127.0.0.1", port: 0 });
      urls.push(`http://127.0.0.1:${(server.server.address() as AddressInfo).port}`);
    }
    projectId = await createProject(t, "pki");
    work = makeWorkDir();
    fixture = await importOpensslCa(
      t,
      projectId,
      await createCa(work, "Two Node CA", "ECDSA-P256"),
      "ca_twonodes1",
    );
    await issueLeaf(t, projectId, fixture, "leaf", "5a5a");
  }, 60_000);

  afterAll(async () => {
    await second?.close();
    await t?.close();
    work?.remove();
    if (secondDir) rmSync(secondDir, { recursive: true, force: true });
  });

  /** Asks node `i` with OpenSSL; returns its verdict and the response bytes. */
  async function ask(i: number, nonce = false): Promise<{ out: string; der: Buffer }> {
    const file = `response-${i}.der`;
    const out = await opensslOk(work.dir, [
      "ocsp",
      "-issuer",
      fixture.ca.pem,
      "-CAfile",
      fixture.ca.pem,
      "-cert",
      fixture.leaves.get("leaf")!.pem,
      "-url",
      `${urls[i]}/ocsp/${fixture.id}`,
      ...(nonce ? [] : ["-no_nonce"]),
      "-respout",
      file,
    ]);
    return { out, der: Buffer.from(work.read(file)) };
  }

  it("serves byte-identical OCSP answers and CRLs, before and after a revocation", async () => {
    const [a, b] = [await ask(0), await ask(1)];
    expect(a.out).toMatch(/leaf\.pem: good/);
    expect(b.out).toMatch(/leaf\.pem: good/);
    expect(b.der.equals(a.der)).toBe(true);
    // A nonce answer is signed afresh, from the status node 1 now remembers.
    expect((await ask(1, true)).out).toMatch(/leaf\.pem: good/);

    // Each node serves (and remembers) the first CRL.
    const crlEtag = async (i: number) =>
      (await fetch(`${urls[i]}/pki/${fixture.id}/crl`)).headers.get("etag");
    const firstCrl = await crlEtag(0);
    expect(await crlEtag(1)).toBe(firstCrl);

    const revoked = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/certificates/${fixture.leaves.get("leaf")!.id}/revoke`,
      payload: { reason: "cessationOfOperation" },
    });
    expect(revoked.statusCode, revoked.body).toBe(200);

    // The other node notices within its status poll (1 s); then both agree byte for byte.
    const deadline = Date.now() + 10_000;
    let after = await ask(1);
    while (!/revoked/.test(after.out) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      after = await ask(1);
    }
    expect(after.out).toMatch(/Reason: cessationOfOperation/);
    // By then node 1 has dropped the status it remembered for nonce requests as well.
    expect((await ask(1, true)).out).toMatch(/Reason: cessationOfOperation/);
    const first = await ask(0);
    expect(first.out).toMatch(/Reason: cessationOfOperation/);
    expect(first.der.equals(after.der)).toBe(true);

    // Whichever node's job publishes the next CRL, both serve it, not the one they remember.
    for (const i of [1, 0]) {
      const crlDeadline = Date.now() + 20_000;
      while ((await crlEtag(i)) === firstCrl && Date.now() < crlDeadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(await crlEtag(i)).not.toBe(firstCrl);
    }
    const crls = await Promise.all(urls.map((url) => fetch(`${url}/pki/${fixture.id}/crl`)));
    const bodies = await Promise.all(crls.map(async (r) => Buffer.from(await r.arrayBuffer())));
    expect(crls.map((r) => r.status)).toEqual([200, 200]);
    expect(crls.map((r) => r.headers.get("etag"))).toEqual([
      crls[0]!.headers.get("etag"),
      crls[0]!.headers.get("etag"),
    ]);
    expect(bodies[1]!.equals(bodies[0]!)).toBe(true);
  }, 60_000);
});
