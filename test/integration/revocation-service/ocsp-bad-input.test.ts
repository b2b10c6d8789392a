import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ocspErrorResponse } from "../../../src/pki/revocation/index.js";
import { DIALECTS } from "../../support/dialects.js";
import { createProject } from "../../support/identity.js";
import type { TestApp } from "../../support/test-app.js";
import { opensslOk, type WorkDir } from "../revocation/openssl-pki.js";

import {
  listeningOcspSetup,
  type FixtureCa,
  type ListeningOcspSetup,
} from "./revocation-fixture.js";

const MALFORMED = Buffer.from(ocspErrorResponse("malformedRequest"));
const UNAUTHORIZED = Buffer.from(ocspErrorResponse("unauthorized"));

describe.each(DIALECTS)("OCSP and publication with bad input (%s)", (dialect) => {
  let setup: ListeningOcspSetup;
  let t: TestApp;
  let work: WorkDir;
  let base: string;
  let fixture: FixtureCa;
  let requestDer: Buffer;

  beforeAll(async () => {
    setup = await listeningOcspSetup(dialect, {
      name: "Bad Input CA",
      id: "ca_badinput1",
      leafSerial: "77",
    });
    ({ t, work, base, fixture } = setup);
    requestDer = await setup.ocspRequest("request.der", false);
  }, 60_000);

  afterAll(async () => setup?.close());

  async function post(path: string, body: Buffer | string, contentType?: string) {
    return fetch(`${base}${path}`, {
      method: "POST",
      body,
      headers: contentType ? { "content-type": contentType } : {},
    });
  }

  async function bodyOf(response: Response): Promise<Buffer> {
    return Buffer.from(await response.arrayBuffer());
  }

  it("answers GET with the base64 request in the path, with RFC 5019 caching headers", async () => {
    const encoded = encodeURIComponent(requestDer.toString("base64"));
    const response = await fetch(`${base}/ocsp/${fixture.id}/${encoded}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/ocsp-response");
    expect(response.headers.get("cache-control")).toMatch(/max-age=\d+, public, no-transform/);
    const etag = response.headers.get("etag")!;
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    work.write("get-response.der", await bodyOf(response));
    const out = await opensslOk(work.dir, [
      "ocsp",
      "-respin",
      "get-response.der",
      "-issuer",
      fixture.ca.pem,
      "-CAfile",
      fixture.ca.pem,
      "-cert",
      fixture.leaves.get("leaf")!.pem,
    ]);
    expect(out).toContain("Response verify OK");
    expect(out).toMatch(/leaf\.pem: good/);
    // Unencoded base64 (with "/" and "+") works as well, and the same response is served.
    const plain = await fetch(`${base}/ocsp/${fixture.id}/${requestDer.toString("base64")}`);
    expect(plain.headers.get("etag")).toBe(etag);
    const revalidated = await fetch(`${base}/ocsp/${fixture.id}/${encoded}`, {
      headers: { "if-none-match": etag },
    });
    expect(revalidated.status).toBe(304);
  });

  it("answers garbage, truncated, empty and oversized bodies with malformedRequest", async () => {
    const bodies: [Buffer | string, string | undefined][] = [
      [Buffer.from("not an OCSP request at all"), "application/ocsp-request"],
      [requestDer.subarray(0, requestDer.length - 3), "application/ocsp-request"],
      [Buffer.alloc(0), "application/ocsp-request"],
      [Buffer.alloc(200_000, 0x30), "application/ocsp-request"],
      ['{"json": true}', "application/json"],
      ["<xml/>", "text/xml"],
      [Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), "application/ocsp-request"],
    ];
    for (const [body, type] of bodies) {
      const response = await post(`/ocsp/${fixture.id}`, body, type);
      expect(response.status, `${type} ${body.length}`).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/ocsp-response");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(await bodyOf(response)).toEqual(MALFORMED);
    }
    for (const path of ["not-base64!!", "AAAA", "MA%3D%3D"]) {
      const response = await fetch(`${base}/ocsp/${fixture.id}/${path}`);
      expect(response.status, path).toBe(200);
      expect(await bodyOf(response)).toEqual(MALFORMED);
    }
    // A path that is not even a URL is refused by the router itself, still as a client error.
    const broken = await fetch(`${base}/ocsp/${fixture.id}/%ZZ`);
    expect(broken.status).toBe(400);
    const bare = await fetch(`${base}/ocsp/${fixture.id}`);
    expect(await bodyOf(bare)).toEqual(MALFORMED);
  });

  it("answers a valid request sent with a wrong or missing content type", async () => {
    for (const type of ["application/octet-stream", "text/plain", undefined]) {
      const response = await post(`/ocsp/${fixture.id}`, requestDer, type);
      expect(response.status).toBe(200);
      const body = await bodyOf(response);
      expect(body.length).toBeGreaterThan(MALFORMED.length);
    }
  });

  it("answers unauthorized for a CA it does not serve", async () => {
    for (const caId of ["ca_doesnotexist", "x".repeat(90), "ca%00null"]) {
      const response = await post(`/ocsp/${caId}`, requestDer, "application/ocsp-request");
      expect(response.status, caId).toBe(200);
      expect(await bodyOf(response)).toEqual(UNAUTHORIZED);
    }
    // Past the router's 100-character parameter limit the answer is 414, never a 500.
    const long = await post(`/ocsp/${"x".repeat(150)}`, requestDer, "application/ocsp-request");
    expect(long.status).toBe(414);
  });

  it("never answers the publication routes or revoke with a 500", async () => {
    const paths = [
      "/pki/ca_unknown/crl",
      "/pki/ca_unknown/ca.crt",
      "/pki/ca_unknown/chain.pem",
      `/pki/${fixture.id}/crl?format=xml`,
      `/pki/${"y".repeat(300)}/crl`,
    ];
    for (const path of paths) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
    }
    const projectId = fixture.ca.name && (await createProject(t, "other"));
    const cases: [string, unknown][] = [
      ["cert_missing", { reason: "keyCompromise" }],
      [fixture.leaves.get("leaf")!.id, { reason: "removeFromCRL" }],
      [fixture.leaves.get("leaf")!.id, { reason: "keyCompromise", invalidity_date: "soon" }],
      [fixture.leaves.get("leaf")!.id, { reason: "keyCompromise", extra: 1 }],
      [fixture.leaves.get("leaf")!.id, "not json"],
    ];
    for (const [id, payload] of cases) {
      const response = await t.inject({
        method: "POST",
        url: `/api/v1/projects/${projectId}/certificates/${id}/revoke`,
        payload: payload as string,
      });
      expect(response.statusCode, JSON.stringify(payload)).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(response.json().error.request_id).toBeTruthy();
    }
  });

  it("refuses an invalidity date in the future", async () => {
    const owner = (
      await t.app.store.db
        .selectFrom("certificates")
        .select("project_id")
        .where("id", "=", fixture.leaves.get("leaf")!.id)
        .executeTakeFirstOrThrow()
    ).project_id;
    const response = await t.inject({
      method: "POST",
      url: `/api/v1/projects/${owner}/certificates/${fixture.leaves.get("leaf")!.id}/revoke`,
      payload: { reason: "keyCompromise", invalidity_date: "2999-01-01T00:00:00Z" },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("validation_failed");
  });
});
