import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { FIXTURE_DIR, fixture } from "../../fixtures/itl/fixtures.js";
import { DIALECTS } from "../../support/dialects.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";

import { ciscoProject, pem } from "./cisco-fixtures.js";
import { PhoneConnection, fromHex, tvsRequest } from "./phone-simulator.js";

const API = "/api/tvs/api/v1";
const PHONE = "CP-8845-SEP001122334455";

describe.each(DIALECTS)("TVS trust list API and TVS server (spec §6) on %s", (dialect) => {
  let t: TestApp;
  let port: number;
  const ca = pem("asterisk", "crt");

  beforeAll(async () => {
    t = await createTestApp(dialect, {
      "tvs-enabled": "true",
      "tvs-port": "0",
      "cisco-tls-cert-file": path.join(FIXTURE_DIR, "asterisk.crt.pem"),
      "cisco-tls-key-file": path.join(FIXTURE_DIR, "asterisk.key.pem"),
      "cisco-session-timeout-ms": "1500",
    });
    await ciscoProject(t);
    port = t.app.ciscoServers!.tvsPort!;
  });
  afterAll(() => t?.close());

  async function query(sessionId: number, der: Uint8Array) {
    const phone = await PhoneConnection.connect(port, "tvs", ca);
    phone.send(tvsRequest(sessionId, PHONE, der));
    const answer = await phone.read();
    phone.close();
    return answer;
  }

  it("adds, lists, gets and deletes trust list entries in the compat API", async () => {
    const added = await t.inject({
      method: "POST",
      url: `${API}/certificates`,
      payload: { pem: pem("ccm", "crt"), roles: ["APP-SERVER", "CCM"] },
    });
    expect(added.statusCode, added.body).toBe(201);
    const entry = added.json<{ fingerprint: string; roles: string[]; ttl: number }>();
    expect(entry).toMatchObject({ roles: ["CCM", "APP-SERVER"], ttl: 86400 });
    expect(entry.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    const again = await t.inject({
      method: "POST",
      url: `${API}/certificates`,
      payload: { pem: pem("ccm", "crt"), roles: ["CCM"] },
    });
    expect(again.statusCode).toBe(400);
    const badRole = await t.inject({
      method: "POST",
      url: `${API}/certificates`,
      payload: { pem: pem("sast2", "crt"), roles: ["PRINTER"] },
    });
    expect(badRole.statusCode).toBe(400);
    expect(typeof badRole.json().detail).toBe("string");

    const list = await t.inject({ method: "GET", url: `${API}/certificates?limit=5` });
    expect(list.json()).toMatchObject({ total: 1, limit: 5, offset: 0 });
    const one = await t.inject({ method: "GET", url: `${API}/certificates/${entry.fingerprint}` });
    expect(one.json()).toMatchObject({ fingerprint: entry.fingerprint });
    const stats = await t.inject({ method: "GET", url: `${API}/stats` });
    expect(stats.json()).toEqual({ trust_list_entries: 1 });
    expect((await t.server.inject({ method: "GET", url: `${API}/certificates` })).statusCode).toBe(
      401,
    );
    expect((await t.server.inject({ method: "GET", url: "/api/tvs/docs" })).statusCode).toBe(200);
  });

  it("answers a trusted certificate with its roles and TTL, byte for byte as in §6", async () => {
    const answer = (await query(1, fixture("ccm").der))!;
    expect(answer.raw).toEqual(
      fromHex("57 01 02 00 00000001 0010 07 0001 00 08 0002 01 07 09 0004 00015180"),
    );
  });

  it("answers an unknown certificate as invalid, echoing the phone's session id", async () => {
    const answer = (await query(0xdeadbeef, fixture("sast3").der))!;
    expect(answer.raw).toEqual(fromHex("57 01 02 00 deadbeef 0004 07 0001 01"));
  });

  it("stops vouching once the entry is deleted", async () => {
    const list = await t.inject({ method: "GET", url: `${API}/certificates` });
    const { fingerprint } = list.json<{ certificates: { fingerprint: string }[] }>()
      .certificates[0]!;
    const deleted = await t.inject({ method: "DELETE", url: `${API}/certificates/${fingerprint}` });
    expect(deleted.statusCode).toBe(204);
    const answer = (await query(7, fixture("ccm").der))!;
    expect(answer.elements.get(7)).toEqual(Buffer.from([1]));
  });

  it("closes malformed, oversized and idle connections without an answer and keeps serving", async () => {
    for (const bytes of [
      Buffer.from("not a TVS request at all"),
      fromHex("57 01 01 00 00000001 ffff"),
      fromHex("57 01 01 00 00000001 0005 01 0002 01 41"),
      fromHex("57 02 01 00 00000001 0000"),
    ]) {
      const phone = await PhoneConnection.connect(port, "tvs", ca);
      phone.send(bytes);
      expect(await phone.read(4000)).toBeNull();
    }
    const idle = await PhoneConnection.connect(port, "tvs", ca);
    expect(await idle.closedWithin(4000)).toBe(true);
    expect((await query(9, fixture("sast3").der))!.elements.get(7)).toEqual(Buffer.from([1]));
  });
});
