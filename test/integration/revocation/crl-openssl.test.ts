import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildCrl, RevocationError, type CrlEntry } from "../../../src/pki/revocation/index.js";
import type { KeyType } from "../../../src/pki/signer.js";

import {
  createCa,
  issueCertificate,
  makeWorkDir,
  openssl,
  opensslOk,
  pem,
  type TestCa,
  type WorkDir,
} from "./openssl-pki.js";

const HOUR_MS = 3_600_000;

function window(): { thisUpdate: Date; nextUpdate: Date } {
  const now = Date.now();
  return { thisUpdate: new Date(now - HOUR_MS), nextUpdate: new Date(now + 24 * HOUR_MS) };
}

describe("CRLs checked by OpenSSL", () => {
  let work: WorkDir;
  let ca: TestCa;

  beforeAll(async () => {
    work = makeWorkDir();
    ca = await createCa(work, "crl-ca", "ECDSA-P256");
  });
  afterAll(() => work.remove());

  async function writeCrl(
    name: string,
    entries: CrlEntry[],
    crlNumber = 7n,
    deltaBaseCrlNumber?: bigint,
  ) {
    const der = await buildCrl({
      issuerCertificate: ca.der,
      signer: ca.signer,
      ...window(),
      crlNumber,
      entries,
      ...(deltaBaseCrlNumber === undefined ? {} : { deltaBaseCrlNumber }),
    });
    work.write(`${name}.crl.der`, der);
    work.write(`${name}.crl.pem`, pem("X509 CRL", der));
    return der;
  }

  it("shows version 2, the CRL number, the AKI, reasons and invalidity dates", async () => {
    await writeCrl("listed", [
      {
        serialNumber: "8f0001",
        revokedAt: new Date("2026-01-02T03:04:05Z"),
        reason: "keyCompromise",
        invalidityDate: new Date("2025-12-24T10:00:00Z"),
      },
      {
        serialNumber: "0a",
        revokedAt: new Date("2026-01-03T00:00:00Z"),
        reason: "certificateHold",
      },
      { serialNumber: "0b", revokedAt: new Date("2026-01-04T00:00:00Z"), reason: "unspecified" },
    ]);
    const text = await opensslOk(work.dir, [
      "crl",
      "-inform",
      "DER",
      "-in",
      "listed.crl.der",
      "-text",
      "-noout",
    ]);
    expect(text).toMatch(/Version 2 \(0x1\)/);
    expect(text).toMatch(/Signature Algorithm: ecdsa-with-SHA256/);
    expect(text).toMatch(/Issuer: CN = crl-ca, O = Certsmith Test/);
    expect(text).toMatch(/X509v3 CRL Number: \n\s+7\n/);
    const ski = (
      await opensslOk(work.dir, ["x509", "-in", ca.pem, "-noout", "-ext", "subjectKeyIdentifier"])
    )
      .split("\n")[1]!
      .trim();
    expect(text).toMatch(new RegExp(`X509v3 Authority Key Identifier: \\n\\s+(keyid:)?${ski}`));
    expect(text).toMatch(
      /Serial Number: 8F0001\n\s+Revocation Date: Jan {2}2 03:04:05 2026 GMT\n\s+CRL entry extensions:\n\s+X509v3 CRL Reason Code: \n\s+Key Compromise\n\s+Invalidity Date: \n\s+Dec 24 10:00:00 2025 GMT/,
    );
    expect(text).toMatch(
      /Serial Number: 0A\n\s+Revocation Date: .*\n\s+CRL entry extensions:\n\s+X509v3 CRL Reason Code: \n\s+Certificate Hold/,
    );
    // An unspecified reason is left out (RFC 5280 §5.3.1): the next serial follows directly.
    expect(text).toMatch(
      /Serial Number: 0B\n\s+Revocation Date: Jan {2}4 00:00:00 2026 GMT\n\s+Signature Algorithm/,
    );
    const verify = await opensslOk(work.dir, [
      "crl",
      "-inform",
      "DER",
      "-in",
      "listed.crl.der",
      "-CAfile",
      ca.pem,
      "-noout",
    ]);
    expect(verify).toMatch(/verify OK/);
  });

  it("makes openssl verify -crl_check fail for a revoked leaf and pass for a good one", async () => {
    const revoked = await issueCertificate(ca, "revoked-leaf", "7e57a1");
    const good = await issueCertificate(ca, "good-leaf", "7e57a2");
    await writeCrl("check", [
      { serialNumber: "7E57A1", revokedAt: new Date(Date.now() - 60_000), reason: "superseded" },
    ]);
    const verify = (leaf: string) =>
      openssl(work.dir, [
        "verify",
        "-crl_check",
        "-CAfile",
        ca.pem,
        "-CRLfile",
        "check.crl.pem",
        leaf,
      ]);

    const revokedResult = await verify(revoked.pem);
    expect(revokedResult.code).not.toBe(0);
    expect(revokedResult.stdout + revokedResult.stderr).toMatch(/certificate revoked/);
    const goodResult = await verify(good.pem);
    expect(goodResult.stdout).toMatch(/good-leaf\.pem: OK/);
    expect(goodResult.code).toBe(0);
  });

  it("writes an empty CRL without a revokedCertificates list that still verifies", async () => {
    const der = await writeCrl("empty", [], 1n);
    const text = await opensslOk(work.dir, [
      "crl",
      "-inform",
      "DER",
      "-in",
      "empty.crl.der",
      "-text",
      "-noout",
      "-CAfile",
      ca.pem,
    ]);
    expect(text).toMatch(/No Revoked Certificates/);
    expect(text).toMatch(/verify OK/);
    const good = await issueCertificate(ca, "leaf-with-empty-crl", "0101");
    const result = await openssl(work.dir, [
      "verify",
      "-crl_check",
      "-CAfile",
      ca.pem,
      "-CRLfile",
      "empty.crl.pem",
      good.pem,
    ]);
    expect(result.code).toBe(0);
    expect(der.length).toBeLessThan(400);
  });

  it("marks a delta CRL with a critical delta CRL indicator naming its base", async () => {
    await writeCrl(
      "delta",
      [
        {
          serialNumber: "0c",
          revokedAt: new Date("2026-02-01T00:00:00Z"),
          reason: "removeFromCRL",
        },
      ],
      9n,
      8n,
    );
    const text = await opensslOk(work.dir, [
      "crl",
      "-inform",
      "DER",
      "-in",
      "delta.crl.der",
      "-text",
      "-noout",
      "-CAfile",
      ca.pem,
    ]);
    expect(text).toMatch(/X509v3 Delta CRL Indicator: critical\n\s+8\n/);
    expect(text).toMatch(/X509v3 CRL Number: \n\s+9\n/);
    expect(text).toMatch(/Remove From CRL/);
    expect(text).toMatch(/verify OK/);
  });

  it("lists 20,000 entries that OpenSSL reads back and verifies", async () => {
    const revokedAt = new Date("2026-05-01T00:00:00Z");
    const entries = Array.from({ length: 20_000 }, (_, i) => ({
      serialNumber: (0x10_0000_0000n + BigInt(i) * 7919n).toString(16),
      revokedAt,
      reason: i % 2 === 0 ? ("keyCompromise" as const) : ("cessationOfOperation" as const),
    }));
    await writeCrl("large", entries, 123456789012345678901234567890n);
    const text = await opensslOk(work.dir, [
      "crl",
      "-inform",
      "DER",
      "-in",
      "large.crl.der",
      "-text",
      "-noout",
      "-CAfile",
      ca.pem,
    ]);
    expect(text).toMatch(/verify OK/);
    expect(text.match(/Serial Number: /g)).toHaveLength(20_000);
    expect(text.match(/Cessation Of Operation/g)).toHaveLength(10_000);
    expect(text).toMatch(/X509v3 CRL Number: \n\s+123456789012345678901234567890\n/);
  });

  it("writes GeneralizedTime for dates from 2050, which OpenSSL reads", async () => {
    const der = await buildCrl({
      issuerCertificate: ca.der,
      signer: ca.signer,
      thisUpdate: new Date("2049-12-31T23:00:00Z"),
      nextUpdate: new Date("2050-01-02T00:00:00Z"),
      crlNumber: 2n,
      entries: [{ serialNumber: "0d", revokedAt: new Date("2050-01-01T12:00:00Z") }],
    });
    work.write("y2050.crl.der", der);
    const text = await opensslOk(work.dir, [
      "crl",
      "-inform",
      "DER",
      "-in",
      "y2050.crl.der",
      "-text",
      "-noout",
      "-CAfile",
      ca.pem,
    ]);
    expect(text).toMatch(/Last Update: Dec 31 23:00:00 2049 GMT/);
    expect(text).toMatch(/Next Update: Jan {2}2 00:00:00 2050 GMT/);
    expect(text).toMatch(/Revocation Date: Jan {2}1 12:00:00 2050 GMT/);
  });

  it.each<[string, Partial<Parameters<typeof buildCrl>[0]>]>([
    [
      "nextUpdate not after thisUpdate",
      { thisUpdate: new Date("2026-01-02Z"), nextUpdate: new Date("2026-01-02Z") },
    ],
    ["a negative CRL number", { crlNumber: -1n }],
    ["a CRL number over 20 octets", { crlNumber: 1n << 160n }],
    ["a delta base not before the CRL number", { crlNumber: 5n, deltaBaseCrlNumber: 5n }],
    ["an issuer certificate that is not DER", { issuerCertificate: new Uint8Array([1, 2, 3]) }],
  ])("rejects %s before signing", async (_name, override) => {
    await expect(
      buildCrl({
        issuerCertificate: ca.der,
        signer: ca.signer,
        ...window(),
        crlNumber: 3n,
        entries: [],
        ...override,
      }),
    ).rejects.toBeInstanceOf(RevocationError);
  });

  it("refuses a signer whose key is not the CA certificate's", async () => {
    const other = await createCa(work, "other-ca", "ECDSA-P256");
    await expect(
      buildCrl({
        issuerCertificate: ca.der,
        signer: other.signer,
        ...window(),
        crlNumber: 3n,
        entries: [],
      }),
    ).rejects.toMatchObject({ code: "signer_mismatch" });
  });
});

describe.each<KeyType>(["RSA-2048", "ECDSA-P384", "ECDSA-P521", "Ed25519"])(
  "a CRL signed by a %s CA",
  (keyType) => {
    it("carries the signature algorithm of the key and verifies under openssl", async () => {
      const work = makeWorkDir();
      try {
        const ca = await createCa(work, `ca-${keyType}`, keyType);
        const leaf = await issueCertificate(ca, "leaf", "1234");
        const der = await buildCrl({
          issuerCertificate: ca.der,
          signer: ca.signer,
          ...window(),
          crlNumber: 1n,
          entries: [
            {
              serialNumber: "1234",
              revokedAt: new Date(Date.now() - 1000),
              reason: "affiliationChanged",
            },
          ],
        });
        work.write("crl.der", der);
        work.write("crl.pem", pem("X509 CRL", der));
        const text = await opensslOk(work.dir, [
          "crl",
          "-inform",
          "DER",
          "-in",
          "crl.der",
          "-text",
          "-noout",
          "-CAfile",
          ca.pem,
        ]);
        const expected = {
          "RSA-2048": "sha256WithRSAEncryption",
          "ECDSA-P384": "ecdsa-with-SHA384",
          "ECDSA-P521": "ecdsa-with-SHA512",
          Ed25519: "ED25519",
        }[keyType as "RSA-2048"];
        expect(text).toContain(`Signature Algorithm: ${expected}`);
        expect(text).toMatch(/verify OK/);
        const result = await openssl(work.dir, [
          "verify",
          "-crl_check",
          "-CAfile",
          ca.pem,
          "-CRLfile",
          "crl.pem",
          leaf.pem,
        ]);
        expect(result.stdout + result.stderr).toMatch(/certificate revoked/);
      } finally {
        work.remove();
      }
    });
  },
);
