import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildSelfSignedCertificate } from "../../../src/pki/certificate-builder.js";
import { parseCertificates } from "../../../src/pki/certificate-info.js";
import { encodePem } from "../../../src/pki/pem.js";
import { KEY_TYPES } from "../../../src/pki/signer.js";

import { issueChain, NOT_AFTER, NOT_BEFORE } from "./support/chain.js";
import { preloadTestKeys, testKey } from "./support/signers.js";
import { createWorkDir, mustRun, runTool } from "./support/tools.js";

const work = createWorkDir();
afterAll(() => work.remove());
beforeAll(
  () =>
    preloadTestKeys(
      KEY_TYPES.flatMap((t) =>
        ["root", "intermediate", "leaf"].map((n): [typeof t, string] => [t, n]),
      ),
    ),
  240_000,
);

function writeChain(
  name: string,
  chain: { root: Uint8Array; intermediate: Uint8Array; leaf: Uint8Array },
) {
  return {
    root: work.write(`${name}-root.pem`, encodePem("CERTIFICATE", chain.root)),
    intermediate: work.write(`${name}-int.pem`, encodePem("CERTIFICATE", chain.intermediate)),
    leaf: work.write(`${name}-leaf.pem`, encodePem("CERTIFICATE", chain.leaf)),
  };
}

describe("issued chains verified by OpenSSL", () => {
  it.each(KEY_TYPES)(
    "openssl verify -x509_strict accepts a %s root → intermediate → leaf chain",
    async (keyType) => {
      const files = writeChain(keyType, await issueChain(keyType));
      const output = await mustRun("openssl", [
        "verify",
        "-x509_strict",
        "-purpose",
        "sslserver",
        "-CAfile",
        files.root,
        "-untrusted",
        files.intermediate,
        files.leaf,
      ]);
      expect(output).toContain(`${files.leaf}: OK`);
      // The intermediate on its own verifies against the root too.
      expect(
        await mustRun("openssl", [
          "verify",
          "-x509_strict",
          "-CAfile",
          files.root,
          files.intermediate,
        ]),
      ).toContain(": OK");
    },
  );

  it("openssl x509 -text shows the requested SANs, usages, policies, CDP and AIA of a leaf", async () => {
    const files = writeChain("text", await issueChain("ECDSA-P256"));
    const text = await mustRun("openssl", ["x509", "-in", files.leaf, "-noout", "-text"]);
    expect(text).toContain("Signature Algorithm: ecdsa-with-SHA256");
    expect(text).toContain("Subject: O = Example, CN = www.example.com");
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
    expect(text).toMatch(
      /X509v3 Extended Key Usage:\s+TLS Web Server Authentication, TLS Web Client Authentication/,
    );
    expect(text).toContain(
      "DNS:www.example.com, DNS:api.example.com, IP Address:192.0.2.10, IP Address:2001:DB8:0:0:0:0:0:10, email:ops@example.com, URI:https://app.example.com/login",
    );
    expect(text).toMatch(
      /X509v3 CRL Distribution Points:\s+Full Name:\s+URI:http:\/\/127.0.0.1:8080\/pki\/ca_int\/crl/,
    );
    expect(text).toContain("OCSP - URI:http://127.0.0.1:8080/ocsp/ca_int");
    expect(text).toContain("CA Issuers - URI:http://127.0.0.1:8080/pki/ca_int/ca.crt");
    expect(text).toMatch(/Policy: 2.23.140.1.2.2\s+CPS: https:\/\/pki.example.com\/cps/);
    expect(text).toContain("X509v3 Subject Key Identifier");
    expect(text).toContain("X509v3 Authority Key Identifier");
  });

  it("openssl x509 -text shows path length and name constraints of an intermediate", async () => {
    const files = writeChain("nc", await issueChain("RSA-2048"));
    const text = await mustRun("openssl", ["x509", "-in", files.intermediate, "-noout", "-text"]);
    expect(text).toContain("Signature Algorithm: sha256WithRSAEncryption");
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(text).toMatch(
      /X509v3 Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/,
    );
    expect(text).toMatch(
      /X509v3 Name Constraints: critical\s+Permitted:\s+DNS:example.com\s+IP:192.0.2.0\/255.255.255.0\s+IP:2001:DB8:0:0:0:0:0:0\/FFFF:FFFF:0:0:0:0:0:0\s+email:example.com\s+URI:.example.com\s+Excluded:\s+DNS:forbidden.example.com/,
    );
    expect(text).toMatch(/X509v3 Certificate Policies:\s+Policy: X509v3 Any Policy/);
  });

  it("openssl refuses a leaf outside the intermediate's name constraints", async () => {
    const files = writeChain(
      "outside",
      await issueChain("ECDSA-P256", {
        subject: { commonName: "www.other.org" },
        subjectAltNames: ["www.other.org"],
      }),
    );
    const result = await runTool("openssl", [
      "verify",
      "-x509_strict",
      "-CAfile",
      files.root,
      "-untrusted",
      files.intermediate,
      files.leaf,
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain("permitted subtree violation");
  });

  it("openssl verify -x509_strict accepts a self-signed certificate as its own anchor", async () => {
    const key = testKey("ECDSA-P384", "self");
    const built = await buildSelfSignedCertificate(
      {
        subject: { commonName: "self.example" },
        subjectAltNames: ["self.example"],
        notBefore: NOT_BEFORE,
        notAfter: NOT_AFTER,
        extendedKeyUsage: ["serverAuth"],
      },
      key.signer,
    );
    const file = work.write("self.pem", encodePem("CERTIFICATE", built.der));
    expect(await mustRun("openssl", ["verify", "-x509_strict", "-CAfile", file, file])).toContain(
      ": OK",
    );
  });

  it("reads back what openssl reports: serial, fingerprints, validity", async () => {
    const files = writeChain("fields", await issueChain("Ed25519"));
    const [info] = parseCertificates(work.read("fields-leaf.pem").toString());
    if (!info) throw new Error("no certificate");
    const serial = (
      await mustRun("openssl", ["x509", "-in", files.leaf, "-noout", "-serial"])
    ).trim();
    expect(serial).toBe(
      `serial=${info.serialNumberHex.toUpperCase().padStart(serial.length - 7, "0")}`,
    );
    const sha256 = (
      await mustRun("openssl", ["x509", "-in", files.leaf, "-noout", "-fingerprint", "-sha256"])
    ).trim();
    expect(sha256.split("=")[1]!.replace(/:/g, "").toLowerCase()).toBe(info.fingerprintSha256);
    const sha1 = (
      await mustRun("openssl", ["x509", "-in", files.leaf, "-noout", "-fingerprint", "-sha1"])
    ).trim();
    expect(sha1.split("=")[1]!.replace(/:/g, "").toLowerCase()).toBe(info.fingerprintSha1);
    const end = (
      await mustRun("openssl", ["x509", "-in", files.leaf, "-noout", "-enddate"])
    ).trim();
    expect(new Date(end.split("=")[1]!).getTime()).toBe(
      Math.floor(NOT_AFTER.getTime() / 1000) * 1000,
    );
  });
});
