import { connect, type AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ocspErrorResponse } from "../../../src/pki/revocation/index.js";
import { DIALECTS } from "../../support/dialects.js";
import type { TestApp } from "../../support/test-app.js";
import { opensslOk, type WorkDir } from "../revocation/openssl-pki.js";

import {
  listeningOcspSetup,
  type FixtureCa,
  type ListeningOcspSetup,
} from "./revocation-fixture.js";

const MALFORMED = Buffer.from(ocspErrorResponse("malformedRequest"));

/**
 * A listening server answers OCSP requests on a fast path before Fastify
 * (src/http/routes/ocsp-fast-path.ts); `inject()` and the requests the fast path leaves alone
 * reach the Fastify routes. Both must give the same answers.
 */
describe.each(DIALECTS)("the OCSP fast path and the OCSP routes (%s)", (dialect) => {
  let setup: ListeningOcspSetup;
  let t: TestApp;
  let work: WorkDir;
  let base: string;
  let fixture: FixtureCa;
  let plain: Buffer;
  let withNonce: Buffer;

  beforeAll(async () => {
    setup = await listeningOcspSetup(dialect, {
      name: "Fast Path CA",
      id: "ca_fastpath1",
      leafSerial: "0f0f",
    });
    ({ t, work, base, fixture } = setup);
    plain = await setup.ocspRequest("plain.der", false);
    withNonce = await setup.ocspRequest("nonce.der", true);
  }, 60_000);

  afterAll(async () => setup?.close());

  const post = (path: string, body: Buffer, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: "POST",
      body,
      headers: { "content-type": "application/ocsp-request", ...headers },
    });

  const bytes = async (response: Response) => Buffer.from(await response.arrayBuffer());

  it("serves the same pre-signed bytes and headers as the routes, by POST and GET", async () => {
    const fast = await post(`/ocsp/${fixture.id}`, plain);
    const routed = await t.server.inject({
      method: "POST",
      url: `/ocsp/${fixture.id}`,
      headers: { "content-type": "application/ocsp-request" },
      payload: plain,
    });
    expect(fast.status).toBe(200);
    expect(routed.statusCode).toBe(200);
    const body = await bytes(fast);
    expect(body.equals(routed.rawPayload)).toBe(true);
    for (const name of ["content-type", "etag", "last-modified", "expires"]) {
      expect(fast.headers.get(name), name).toBe(routed.headers[name]);
    }
    expect(fast.headers.get("cache-control")).toMatch(
      /^max-age=\d+, public, no-transform, must-revalidate$/,
    );
    expect(fast.headers.get("content-length")).toBe(String(body.length));

    const encoded = encodeURIComponent(plain.toString("base64"));
    const get = await fetch(`${base}/ocsp/${fixture.id}/${encoded}`);
    expect((await bytes(get)).equals(body)).toBe(true);
    const routedGet = await t.server.inject({
      method: "GET",
      url: `/ocsp/${fixture.id}/${encoded}`,
    });
    expect(routedGet.rawPayload.equals(body)).toBe(true);
    const etag = fast.headers.get("etag")!;
    const notModified = await fetch(`${base}/ocsp/${fixture.id}/${encoded}`, {
      headers: { "if-none-match": `W/${etag}` },
    });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("etag")).toBe(etag);
  });

  it("leaves a query, a trailing slash and a percent-encoded CA id to the routes, same answer", async () => {
    const expected = await bytes(await post(`/ocsp/${fixture.id}`, plain));
    for (const path of [
      `/ocsp/${fixture.id}?source=test`,
      `/ocsp/${fixture.id}/`,
      `/ocsp/${fixture.id.replace("_", "%5F")}`,
    ]) {
      const response = await post(path, plain);
      expect(response.status, path).toBe(200);
      expect((await bytes(response)).equals(expected), path).toBe(true);
    }
  });

  it("signs nonce requests afresh and echoes the nonce", async () => {
    const [first, second] = [
      await post(`/ocsp/${fixture.id}`, withNonce),
      await post(`/ocsp/${fixture.id}`, withNonce),
    ];
    expect(first.headers.get("cache-control")).toBe("no-cache, no-store");
    expect(first.headers.get("etag")).toBeNull();
    work.write("nonce-response.der", await bytes(first));
    const out = await opensslOk(work.dir, [
      "ocsp",
      "-reqin",
      "nonce.der",
      "-respin",
      "nonce-response.der",
      "-CAfile",
      fixture.ca.pem,
      "-resp_text",
    ]);
    // With -reqin, OpenSSL compares the response's nonce with the request's (else it fails).
    expect(out).toContain("Response verify OK");
    expect(out).not.toMatch(/WARNING/);
    expect(out).toContain("OCSP Nonce");
    expect(out).toContain("Cert Status: good");
    expect(second.status).toBe(200);
  });

  it("puts X-Request-ID on fast answers and echoes the client's", async () => {
    const generated = await post(`/ocsp/${fixture.id}`, plain);
    expect(generated.headers.get("x-request-id")).toMatch(/^req_[0-9A-Z]{26}$/);
    const echoed = await post(`/ocsp/${fixture.id}`, plain, { "x-request-id": "rp-check-42" });
    expect(echoed.headers.get("x-request-id")).toBe("rp-check-42");
  });

  it("answers malformedRequest for garbage and oversized bodies, unauthorized for unknown CAs", async () => {
    for (const body of [Buffer.from("garbage"), Buffer.alloc(0), Buffer.alloc(70_000, 0x30)]) {
      const response = await post(`/ocsp/${fixture.id}`, body);
      expect(response.status, String(body.length)).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect((await bytes(response)).equals(MALFORMED)).toBe(true);
    }
    const unknown = await post("/ocsp/ca_nosuchca", plain);
    expect((await bytes(unknown)).equals(Buffer.from(ocspErrorResponse("unauthorized")))).toBe(
      true,
    );
  });

  it("answers nothing, and logs no fault, for a client that leaves in the middle of its body", async () => {
    const { port } = t.server.server.address() as AddressInfo;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(
          `POST /ocsp/${fixture.id} HTTP/1.1\r\nHost: x\r\nContent-Length: ${plain.length}\r\n\r\n`,
        );
        socket.write(plain.subarray(0, 10), () => socket.destroy());
      });
      socket.on("close", () => resolve());
      socket.on("error", reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(t.logs.filter((line) => /OCSP/.test(String(line.msg)))).toEqual([]);
    expect((await post(`/ocsp/${fixture.id}`, plain)).status).toBe(200);
  });

  it("counts OCSP answers by kind for /metrics", async () => {
    const etag = (await post(`/ocsp/${fixture.id}`, plain)).headers.get("etag")!;
    await post(`/ocsp/${fixture.id}`, withNonce);
    await post(`/ocsp/${fixture.id}`, Buffer.from("garbage"));
    const encoded = encodeURIComponent(plain.toString("base64"));
    await fetch(`${base}/ocsp/${fixture.id}/${encoded}`, { headers: { "if-none-match": etag } });
    const text = await t.app.registry.getSingleMetricAsString("certsmith_ocsp_responses_total");
    expect(text).toMatch(/certsmith_ocsp_responses_total\{answer="cacheable"\} [1-9]/);
    expect(text).toMatch(/certsmith_ocsp_responses_total\{answer="unique"\} [1-9]/);
    expect(text).toMatch(/certsmith_ocsp_responses_total\{answer="malformedRequest"\} [1-9]/);
    expect(text).toMatch(/certsmith_ocsp_responses_total\{answer="not_modified"\} [1-9]/);
  });
});
