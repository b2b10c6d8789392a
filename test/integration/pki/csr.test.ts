import { afterAll, describe, expect, it } from "vitest";

import {
  buildCertificate,
  buildSelfSignedCertificate,
} from "../../../src/pki/certificate-builder.js";
import { issuerFromCertificate } from "../../../src/pki/certificate-issuer.js";
import { buildCsr } from "../../../src/pki/csr-builder.js";
import { parseCsr } from "../../../src/pki/csr.js";
import { PkiError } from "../../../src/pki/errors.js";
import { decodeSinglePem, encodePem } from "../../../src/pki/pem.js";

import { NOT_AFTER, NOT_BEFORE } from "./support/chain.js";
import { testKey } from "./support/signers.js";
import { createWorkDir, mustRun, runTool } from "./support/tools.js";

const work = createWorkDir();
afterAll(() => work.remove());

const KEY_ARGS: Record<string, string[]> = {
  "RSA-2048": ["-newkey", "rsa:2048"],
  "ECDSA-P256": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
  "ECDSA-P384": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
  Ed25519: ["-newkey", "ed25519"],
};

async function opensslCsr(name: string, keyType: string): Promise<string> {
  const file = work.path(`${name}.csr`);
  await mustRun("openssl", [
    "req",
    "-new",
    ...KEY_ARGS[keyType]!,
    "-nodes",
    "-keyout",
    work.path(`${name}.key`),
    "-subj",
    "/C=DE/O=Example GmbH/CN=shop.example.com",
    "-addext",
    "subjectAltName=DNS:shop.example.com,DNS:*.shop.example.com,IP:192.0.2.44,email:web@example.com",
    "-addext",
    "keyUsage=critical,digitalSignature",
    "-addext",
    "extendedKeyUsage=serverAuth",
    "-out",
    file,
  ]);
  return work.read(`${name}.csr`).toString();
}

describe("CSRs and OpenSSL", () => {
  it.each(Object.keys(KEY_ARGS))(
    "accepts an `openssl req` %s CSR with its requested extensions",
    async (keyType) => {
      const csr = parseCsr(await opensslCsr(`req-${keyType}`, keyType));
      expect(csr).toMatchObject({
        keyType,
        commonName: "shop.example.com",
        keyUsage: ["digitalSignature"],
        extendedKeyUsage: ["serverAuth"],
        subjectAltNames: [
          { type: "dns", value: "shop.example.com" },
          { type: "dns", value: "*.shop.example.com" },
          { type: "ip", value: "192.0.2.44" },
          { type: "email", value: "web@example.com" },
        ],
      });
      expect(csr.subject.text).toBe("CN=shop.example.com,O=Example GmbH,C=DE");
    },
  );

  it("refuses an `openssl req` CSR whose subject was altered after signing", async () => {
    const pem = await opensslCsr("tampered", "ECDSA-P256");
    const der = new Uint8Array(decodeSinglePem(pem, ["CERTIFICATE REQUEST"]).der);
    const at = Buffer.from(der).indexOf("shop.example.com");
    der[at] = "x".charCodeAt(0);
    const error = (() => {
      try {
        parseCsr(encodePem("CERTIFICATE REQUEST", der));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PkiError);
    expect((error as PkiError).code).toBe("bad_csr");
    // OpenSSL agrees that the request is broken.
    const file = work.write("tampered-edited.csr", encodePem("CERTIFICATE REQUEST", der));
    // OpenSSL 3.0 exits 0 here, so read its verdict.
    const check = await runTool("openssl", ["req", "-in", file, "-verify", "-noout"]);
    expect(check.stdout + check.stderr).toMatch(/verify failure/);
    expect(check.stdout + check.stderr).not.toMatch(/verify OK/);
  });

  it("issues from an `openssl req` CSR a certificate that openssl verifies, keeping the CSR subject bytes", async () => {
    const csr = parseCsr(await opensslCsr("issue", "RSA-2048"));
    const caKey = testKey("ECDSA-P256", "csr-ca");
    const ca = await buildSelfSignedCertificate(
      { subject: { commonName: "CSR CA" }, notBefore: NOT_BEFORE, notAfter: NOT_AFTER, isCa: true },
      caKey.signer,
    );
    const leaf = await buildCertificate(
      {
        subject: { der: csr.subject.der },
        publicKeySpki: csr.publicKey.spki,
        subjectAltNames: csr.subjectAltNames.map((n) => ({
          type: n.type as "dns",
          value: n.value,
        })),
        extendedKeyUsage: csr.extendedKeyUsage,
        notBefore: NOT_BEFORE,
        notAfter: NOT_AFTER,
      },
      issuerFromCertificate(ca.der, caKey.signer),
    );
    const caFile = work.write("csr-ca.pem", encodePem("CERTIFICATE", ca.der));
    const leafFile = work.write("csr-leaf.pem", encodePem("CERTIFICATE", leaf.der));
    expect(
      await mustRun("openssl", [
        "verify",
        "-x509_strict",
        "-purpose",
        "sslserver",
        "-CAfile",
        caFile,
        leafFile,
      ]),
    ).toContain(": OK");
    // The certificate holds the key of the CSR: openssl's key and certificate moduli agree.
    const keyModulus = await mustRun("openssl", [
      "rsa",
      "-in",
      work.path("issue.key"),
      "-noout",
      "-modulus",
    ]);
    const certModulus = await mustRun("openssl", ["x509", "-in", leafFile, "-noout", "-modulus"]);
    expect(certModulus).toBe(keyModulus);
  });

  it("makes CSRs that `openssl req -verify` accepts and reads as requested", async () => {
    for (const keyType of ["RSA-2048", "ECDSA-P521", "Ed25519"] as const) {
      const der = await buildCsr(
        {
          subject: { commonName: "sub-ca.example", organization: "Certsmith" },
          isCa: true,
          pathLength: 0,
          keyUsage: ["keyCertSign", "cRLSign"],
        },
        testKey(keyType, "csr").signer,
      );
      const file = work.write(`ours-${keyType}.csr`, encodePem("CERTIFICATE REQUEST", der));
      const output = await mustRun("openssl", ["req", "-in", file, "-verify", "-noout", "-text"]);
      expect(output).toContain("verify OK");
      expect(output).toContain("Subject: O = Certsmith, CN = sub-ca.example");
      expect(output).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
      expect(output).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/);
    }
  });
});
