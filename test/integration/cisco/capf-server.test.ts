import { execFileSync } from "node:child_process";
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { FIXTURE_DIR } from "../../fixtures/itl/fixtures.js";
import { DIALECTS } from "../../support/dialects.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";

import { ciscoProject, pem } from "./cisco-fixtures.js";
import {
  PhoneConnection,
  byte,
  capfMessage,
  element,
  fromHex,
  hex,
  nul,
  rsaProof,
  wrappedCertificate,
} from "./phone-simulator.js";

const API = "/api/capf/api/v1";
const SERVER_FLAGS = {
  "capf-enabled": "true",
  "capf-port": "0",
  "tvs-enabled": "true",
  "tvs-port": "0",
  "cisco-tls-cert-file": path.join(FIXTURE_DIR, "asterisk.crt.pem"),
  "cisco-tls-key-file": path.join(FIXTURE_DIR, "asterisk.key.pem"),
  "cisco-session-timeout-ms": "1500",
};
const NAME = "SEP001122334455";

describe.each(DIALECTS)("CAPF server (spec §5) on %s", (dialect) => {
  let t: TestApp;
  let port: number;
  const ca = pem("asterisk", "crt");
  const phoneKey = generateKeyPairSync("rsa", { modulusLength: 2048 });
  let lscDer: Buffer;

  beforeAll(async () => {
    t = await createTestApp(dialect, SERVER_FLAGS);
    await ciscoProject(t);
    port = t.app.ciscoServers!.capfPort!;
  });
  afterAll(() => t?.close());

  async function device(body: Record<string, unknown>) {
    const response = await t.inject({ method: "POST", url: `${API}/devices`, payload: body });
    expect(response.statusCode, response.body).toBe(201);
  }
  async function setOperation(operation: string) {
    await t.inject({
      method: "PATCH",
      url: `${API}/devices/${NAME}/operation`,
      payload: { operation },
    });
  }
  async function deviceJson() {
    return (await t.inject({ method: "GET", url: `${API}/devices/${NAME}` })).json<
      Record<string, unknown>
    >();
  }

  /** Connects, checks AUTH_REQUEST, and answers it; returns the connection and session id. */
  async function authenticate(name: string, extra: Buffer[] = [], password = "") {
    const phone = await PhoneConnection.connect(port, "capf", ca);
    const request = (await phone.read())!;
    const sid = request.sessionId;
    expect(hex(request.raw)).toBe(
      hex(capfMessage(1, sid, [element(7, byte(3)), element(8, byte(0))])),
    );
    phone.send(
      capfMessage(2, sid, [
        element(1, byte(1)),
        ...extra,
        element(7, byte(3)),
        element(11, nul(password)),
        element(13, nul(name)),
      ]),
    );
    return { phone, sid };
  }

  it("matches the §5.7 vectors for AUTH_REQUEST, AUTH_RESPONSE and END_SESSION (operation none)", async () => {
    await device({ name: NAME, operation: "none" });
    const phone = await PhoneConnection.connect(port, "capf", ca);
    const request = (await phone.read())!;
    expect(request.raw).toEqual(fromHex("55 01 00000001 0008 07 0001 03 08 0001 00"));
    phone.send(
      fromHex(
        "55 02 00000001 001f 01 0001 01 07 0001 03 0b 0001 00 0d 0010 53 45 50 30 30 31 31 32 32 33 33 34 34 35 35 00",
      ),
    );
    expect((await phone.read())!.raw).toEqual(fromHex("55 0f 00000001 0004 01 0001 00"));
    expect(await phone.closedWithin(2000)).toBe(true);
  });

  it("ends the session with reason 9 for an unknown device", async () => {
    const { phone, sid } = await authenticate("SEP0000000000FF");
    expect(hex((await phone.read())!.raw)).toBe(hex(capfMessage(15, sid, [element(1, byte(9))])));
    expect(await phone.closedWithin(2000)).toBe(true);
    // Sessions that change nothing are audited too (newest first).
    const audit = await t.inject({ method: "GET", url: "/api/v1/audit-logs?action=cisco_capf" });
    expect(audit.json()).toMatchObject({
      items: [
        { action: "cisco_capf.session", target_id: "SEP0000000000FF" },
        { action: "cisco_capf.session", target_id: NAME },
      ],
    });
  });

  it("installs an LSC with the authentication string, issued by the CAPF issuer (§5.4, §5.6)", async () => {
    await t.inject({ method: "DELETE", url: `${API}/devices/${NAME}` });
    await device({
      name: NAME,
      operation: "install",
      authentication: "password",
      password: "123456",
      key_type: "RSA",
      key_size: 2048,
    });
    const wrong = await authenticate(NAME, [], "654321");
    expect((await wrong.phone.read())!.elements.get(1)).toEqual(byte(7));

    const { phone, sid } = await authenticate(NAME, [], "123456");
    const keyRequest = (await phone.read())!;
    expect(keyRequest.raw).toEqual(
      Buffer.concat([fromHex("55 03"), u32(sid), fromHex("0009 0a 0002 0800 11 0001 00")]),
    );
    phone.send(capfMessage(17, sid)); // REQUEST_IN_PROGRESS while "generating"
    const spki = phoneKey.publicKey.export({ type: "spki", format: "der" });
    phone.send(capfMessage(4, sid, [element(9, spki)]));
    const store = (await phone.read())!;
    expect(store.command).toBe(9);
    expect(store.elements.get(3)).toEqual(byte(1));
    const wrapped = store.elements.get(4)!;
    lscDer = wrapped.subarray(5);
    expect(wrapped.subarray(0, 5)).toEqual(wrappedCertificate(lscDer).subarray(0, 5));

    const lsc = new X509Certificate(lscDer);
    expect(lsc.subject).toContain(`CN=${NAME}`);
    expect(lsc.subjectAltName).toBeUndefined();
    expect(lsc.publicKey.export({ type: "spki", format: "der" })).toEqual(spki);
    // Verified with OpenSSL against the issuer, for the EKUs of §5.6.
    const verify = execFileSync(
      "openssl",
      ["verify", "-CAfile", path.join(FIXTURE_DIR, "sast.crt.pem"), "-purpose", "sslclient"],
      { input: lsc.toString() },
    ).toString();
    expect(verify.trim()).toBe("stdin: OK");

    phone.send(capfMessage(10, sid, [element(1, byte(1))]));
    expect((await phone.read())!.raw).toEqual(
      Buffer.concat([fromHex("55 0f"), u32(sid), fromHex("0004 01 0001 01")]),
    );
    expect(await deviceJson()).toMatchObject({
      operation: "none",
      status: "issued",
      has_certificate: true,
      serial_number: lsc.serialNumber.toLowerCase().replace(/^(00)+/, ""),
    });
  });

  it("authenticates with the LSC's proof (SHA-1 and SHA-512) and refuses a bad one", async () => {
    const patched = await t.inject({
      method: "PATCH",
      url: `/api/v1/projects/${(await deviceProject()).projectId}/cisco/devices/${NAME}`,
      payload: { authentication: "certificate", operation: "fetch" },
    });
    expect(patched.statusCode, patched.body).toBe(200);

    const bad = await authenticate(NAME, [
      element(3, byte(1)),
      element(4, wrappedCertificate(lscDer)),
      element(6, rsaProof(phoneKey.privateKey, "SEP0011223344AA", lscDer, "sha1")),
    ]);
    expect((await bad.phone.read())!.elements.get(1)).toEqual(byte(7));

    await setOperation("fetch");
    const sha512 = rsaProof(phoneKey.privateKey, NAME, lscDer, "sha512");
    const { phone, sid } = await authenticate(NAME, [
      element(3, byte(1)),
      element(4, wrappedCertificate(lscDer)),
      element(6, rsaProof(phoneKey.privateKey, NAME, lscDer, "sha1")),
      element(20, Buffer.concat([byte(3), u16(sha512.length), sha512])),
    ]);
    const fetch = (await phone.read())!;
    expect(fetch.raw).toEqual(Buffer.concat([fromHex("55 0b"), u32(sid), fromHex("0000")]));
    phone.send(
      capfMessage(12, sid, [
        element(1, byte(1)),
        element(3, byte(1)),
        element(4, wrappedCertificate(lscDer)),
      ]),
    );
    expect((await phone.read())!.elements.get(1)).toEqual(byte(0));
    expect(await deviceJson()).toMatchObject({ operation: "none", status: "fetched" });
  });

  it("deletes the LSC (§5.7 DELETE vectors) and forgets it", async () => {
    await t.inject({
      method: "PATCH",
      url: `/api/v1/projects/${(await deviceProject()).projectId}/cisco/devices/${NAME}`,
      payload: { authentication: "none", operation: "delete" },
    });
    const { phone, sid } = await authenticate(NAME);
    expect((await phone.read())!.raw).toEqual(
      Buffer.concat([fromHex("55 0d"), u32(sid), fromHex("0000")]),
    );
    phone.send(Buffer.concat([fromHex("55 0e"), u32(sid), fromHex("0004 01 0001 01")]));
    expect((await phone.read())!.elements.get(1)).toEqual(byte(1));
    expect(await deviceJson()).toMatchObject({ status: "deleted", has_certificate: false });
  });

  it("asks an EC key with KEY_TYPE 1 and the curve code", async () => {
    await t.inject({ method: "DELETE", url: `${API}/devices/${NAME}` });
    await device({ name: NAME, operation: "install", key_type: "EC", curve: "secp384r1" });
    const { phone, sid } = await authenticate(NAME);
    expect((await phone.read())!.raw).toEqual(
      Buffer.concat([fromHex("55 03"), u32(sid), fromHex("0008 11 0001 01 12 0001 01")]),
    );
    const ec = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
    phone.send(
      capfMessage(4, sid, [element(9, ec.publicKey.export({ type: "spki", format: "der" }))]),
    );
    const store = (await phone.read())!;
    expect(
      new X509Certificate(store.elements.get(4)!.subarray(5)).publicKey.asymmetricKeyDetails
        ?.namedCurve,
    ).toBe("secp384r1");
    phone.send(capfMessage(10, sid, [element(1, byte(1))]));
    expect((await phone.read())!.elements.get(1)).toEqual(byte(1));
  });

  it("issues the LSC from the project's CA when one is the CAPF issuer, into the inventory", async () => {
    const { projectId } = await deviceProject();
    const created = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/cas`,
      payload: {
        name: "Phones CA",
        type: "root",
        subject: { common_name: "Phones CA", organization: "Certsmith Test" },
        key_type: "RSA-2048",
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const caId = created.json<{ id: string }>().id;
    const settings = await t.inject({
      method: "PATCH",
      url: `/api/v1/projects/${projectId}/cisco/settings`,
      payload: { capf_issuer_ca_id: caId },
    });
    expect(settings.json()).toMatchObject({ capf_issuer_ca_id: caId });

    await t.inject({ method: "DELETE", url: `${API}/devices/${NAME}` });
    await device({ name: NAME, operation: "install" });
    const { phone, sid } = await authenticate(NAME);
    await phone.read();
    const spki = phoneKey.publicKey.export({ type: "spki", format: "der" });
    phone.send(capfMessage(4, sid, [element(9, spki)]));
    const lsc = new X509Certificate((await phone.read())!.elements.get(4)!.subarray(5));
    phone.send(capfMessage(10, sid, [element(1, byte(1))]));
    expect((await phone.read())!.elements.get(1)).toEqual(byte(1));

    const caCertificate = await t.server.inject({ method: "GET", url: `/pki/${caId}/ca.crt` });
    const caPem = new X509Certificate(caCertificate.rawPayload).toString();
    expect(lsc.subject).toContain(`CN=${NAME}`);
    expect(lsc.subject).toContain("O=Certsmith Test");
    expect(lsc.checkIssued(new X509Certificate(caPem))).toBe(true);
    const inventory = await t.inject({
      method: "GET",
      url: `/api/v1/projects/${projectId}/certificates?q=${NAME}`,
    });
    expect(inventory.body).toContain(NAME);
  });

  it("closes malformed, oversized, mismatched and idle sessions, and keeps serving", async () => {
    const garbage = await PhoneConnection.connect(port, "capf", ca);
    await garbage.read();
    garbage.send(Buffer.from("GET / HTTP/1.1\r\n\r\n"));
    expect(await garbage.closedWithin(3000)).toBe(true);

    const huge = await PhoneConnection.connect(port, "capf", ca);
    const hello = (await huge.read())!;
    huge.send(Buffer.concat([fromHex("55 02"), u32(hello.sessionId), fromHex("ffff")]));
    expect(await huge.closedWithin(3000)).toBe(true);

    const mismatch = await PhoneConnection.connect(port, "capf", ca);
    const first = (await mismatch.read())!;
    mismatch.send(capfMessage(2, first.sessionId + 1000, [element(13, nul(NAME))]));
    expect(await mismatch.closedWithin(3000)).toBe(true);

    const idle = await PhoneConnection.connect(port, "capf", ca);
    await idle.read();
    expect(await idle.closedWithin(4000)).toBe(true);

    const { phone } = await authenticate("SEP0000000000FF");
    expect((await phone.read())!.elements.get(1)).toEqual(byte(9));
  });

  async function deviceProject() {
    const projects = await t.inject({ method: "GET", url: "/api/v1/projects" });
    return { projectId: projects.json<{ items: { id: string }[] }>().items[0]!.id };
  }
});

function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

function u16(value: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(value);
  return out;
}
