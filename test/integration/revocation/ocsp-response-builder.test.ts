import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  computeIssuerHashes,
  createOcspResponder,
  encodeCertId,
  RevocationError,
  type OcspSingleResponseInput,
} from "../../../src/pki/revocation/index.js";
import type { KeyType } from "../../../src/pki/signer.js";

import {
  createCa,
  issueCertificate,
  makeWorkDir,
  opensslOk,
  type TestCa,
  type WorkDir,
} from "./openssl-pki.js";

const HOUR_MS = 3_600_000;

describe.each<KeyType>(["RSA-2048", "ECDSA-P384", "ECDSA-P521", "Ed25519"])(
  "OCSP responses signed by a %s CA",
  (keyType) => {
    it("verify under openssl ocsp with the algorithm of the key", async () => {
      const work = makeWorkDir();
      try {
        const ca = await createCa(work, "ca", keyType);
        const leaf = await issueCertificate(ca, "leaf", "51");
        const now = new Date();
        const certId = encodeCertId("SHA-1", computeIssuerHashes(ca.der), "51");
        const der = await createOcspResponder({ signer: ca.signer }).respond({
          producedAt: now,
          responses: [
            {
              certId,
              certStatus: { status: "revoked", revokedAt: now, reason: "superseded" },
              thisUpdate: now,
            },
          ],
        });
        work.write("resp.der", der);
        const text = await opensslOk(work.dir, [
          "ocsp",
          "-respin",
          "resp.der",
          "-resp_text",
          "-issuer",
          ca.pem,
          "-cert",
          leaf.pem,
          "-CAfile",
          ca.pem,
          "-no_nonce",
        ]);
        const algorithm = {
          "RSA-2048": "sha256WithRSAEncryption",
          "ECDSA-P384": "ecdsa-with-SHA384",
          "ECDSA-P521": "ecdsa-with-SHA512",
          Ed25519: "ED25519",
        }[keyType as "RSA-2048"];
        expect(text).toContain(`Signature Algorithm: ${algorithm}`);
        expect(text).toMatch(/Response verify OK/);
        expect(text).toMatch(/leaf\.pem: revoked[\s\S]*Reason: superseded/);
        // No nextUpdate given: OpenSSL shows none (RFC 6960 §4.2.2.1, newer information always).
        expect(text).not.toMatch(/Next Update/);
      } finally {
        work.remove();
      }
    });
  },
);

describe("pre-produced OCSP responses", () => {
  let work: WorkDir;
  let ca: TestCa;
  beforeAll(async () => {
    work = makeWorkDir();
    ca = await createCa(work, "ca", "ECDSA-P256");
  });
  afterAll(() => work.remove());

  it("answer a later OpenSSL request for the same certificate, SHA-1 or SHA-256", async () => {
    const leaf = await issueCertificate(ca, "leaf", "00c0ffee");
    const hashes = computeIssuerHashes(ca.der);
    const responder = createOcspResponder({ signer: ca.signer });
    const now = new Date();
    for (const hash of ["SHA-1", "SHA-256"] as const) {
      const der = await responder.respond({
        producedAt: now,
        responses: [
          {
            certId: encodeCertId(hash, hashes, "c0ffee"),
            certStatus: { status: "good" },
            thisUpdate: now,
            nextUpdate: new Date(now.getTime() + HOUR_MS),
          },
        ],
      });
      work.write(`${hash}.resp`, der);
      const digest = hash === "SHA-1" ? [] : ["-sha256"];
      const text = await opensslOk(work.dir, [
        "ocsp",
        "-respin",
        `${hash}.resp`,
        "-issuer",
        ca.pem,
        ...digest,
        "-cert",
        leaf.pem,
        "-CAfile",
        ca.pem,
        "-no_nonce",
      ]);
      expect(text).toMatch(/Response verify OK/);
      expect(text).toMatch(/leaf\.pem: good/);
    }
  });

  it("reject invalid input before signing", async () => {
    const responder = createOcspResponder({ signer: ca.signer });
    const certId = encodeCertId("SHA-1", computeIssuerHashes(ca.der), "01");
    const now = new Date();
    const single = (override: Partial<OcspSingleResponseInput>): OcspSingleResponseInput => ({
      certId,
      certStatus: { status: "good" },
      thisUpdate: now,
      ...override,
    });
    const cases: OcspSingleResponseInput[][] = [
      [],
      [single({ nextUpdate: now })],
      [single({ certStatus: { status: "revoked", revokedAt: now, reason: "removeFromCRL" } })],
      [single({ certStatus: { status: "revoked", revokedAt: now, reason: "stolen" as never } })],
      [single({ certStatus: { status: "revoked", revokedAt: new Date(Number.NaN) } })],
      [single({ certStatus: { status: "expired" } as never })],
    ];
    for (const responses of cases) {
      await expect(responder.respond({ producedAt: now, responses })).rejects.toMatchObject({
        name: "RevocationError",
        code: "invalid_input",
      });
    }
    await expect(
      responder.respond({ producedAt: new Date(Number.NaN), responses: [single({})] }),
    ).rejects.toBeInstanceOf(RevocationError);
  });
});
