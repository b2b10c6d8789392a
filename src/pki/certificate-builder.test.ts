import { X509Certificate } from "node:crypto";

import { describe, expect, it } from "vitest";

import { testKey } from "../../test/integration/pki/support/signers.js";

import {
  buildCertificate,
  buildSelfSignedCertificate,
  type CertificateTemplate,
} from "./certificate-builder.js";
import { isSignedBy, parseCertificate } from "./certificate-info.js";
import { issuerFromCertificate } from "./certificate-issuer.js";
import { PkiError } from "./errors.js";
import { serialFromBytes } from "./serial.js";
import { KEY_TYPES } from "./signer.js";

const notBefore = new Date("2026-01-01T00:00:00Z");
const notAfter = new Date("2027-01-01T00:00:00Z");

async function makeRoot(keyType: (typeof KEY_TYPES)[number] = "ECDSA-P256") {
  const key = testKey(keyType, "root");
  const root = await buildSelfSignedCertificate(
    {
      subject: { commonName: `Test Root ${keyType}`, organization: "Certsmith", country: "DE" },
      notBefore,
      notAfter,
      isCa: true,
      pathLength: 1,
    },
    key.signer,
  );
  return { key, root, issuer: issuerFromCertificate(root.der, key.signer) };
}

function pkiError(code: string, error: unknown): PkiError {
  expect(error).toBeInstanceOf(PkiError);
  expect((error as PkiError).code).toBe(code);
  return error as PkiError;
}

describe("certificate building", () => {
  it.each(KEY_TYPES)(
    "issues a %s root and leaf that OpenSSL (via node:crypto) accepts as a chain",
    async (keyType) => {
      const { root, issuer } = await makeRoot(keyType);
      const leafKey = testKey(keyType, "leaf");
      const leaf = await buildCertificate(
        {
          subject: { commonName: "leaf.example" },
          subjectAltNames: ["leaf.example"],
          publicKeySpki: leafKey.signer.publicKeySpki,
          notBefore,
          notAfter,
          extendedKeyUsage: ["serverAuth"],
        },
        issuer,
      );
      const rootX509 = new X509Certificate(root.der);
      const leafX509 = new X509Certificate(leaf.der);
      expect(rootX509.verify(rootX509.publicKey)).toBe(true);
      expect(leafX509.verify(rootX509.publicKey)).toBe(true);
      expect(leafX509.checkIssued(rootX509)).toBe(true);
      expect(rootX509.ca).toBe(true);
      expect(leafX509.ca).toBe(false);
      const info = parseCertificate(leaf.der);
      expect(info.publicKey.keyType).toBe(keyType);
      expect(info.signatureAlgorithm.name).toBe(
        {
          "RSA-2048": "sha256WithRSAEncryption",
          "RSA-3072": "sha256WithRSAEncryption",
          "RSA-4096": "sha256WithRSAEncryption",
          "ECDSA-P256": "ecdsa-with-SHA256",
          "ECDSA-P384": "ecdsa-with-SHA384",
          "ECDSA-P521": "ecdsa-with-SHA512",
          Ed25519: "ED25519",
        }[keyType],
      );
      expect(isSignedBy(info, parseCertificate(root.der))).toBe(true);
    },
  );

  it("writes every requested field and reads it back", async () => {
    const { root, issuer } = await makeRoot();
    const key = testKey("ECDSA-P256", "intermediate");
    const template: CertificateTemplate = {
      subject: {
        commonName: "Issuing CA",
        organization: "Certsmith",
        organizationalUnit: "PKI",
        country: "US",
        state: "CA",
        locality: "SF",
      },
      publicKeySpki: key.signer.publicKeySpki,
      notBefore,
      notAfter,
      serialNumber: serialFromBytes(Uint8Array.of(0x8f, 1, 2, 3)),
      isCa: true,
      pathLength: 0,
      extendedKeyUsage: ["serverAuth", "clientAuth", "1.2.3.4.5"],
      crlUrls: ["http://pki.example/crl/ca_1"],
      ocspUrls: ["http://pki.example/ocsp/ca_1"],
      caIssuersUrls: ["http://pki.example/ca_1.crt"],
      policies: [
        { oid: "2.23.140.1.2.1", cpsUri: "https://pki.example/cps" },
        { oid: "1.3.6.1.4.1.99999.1" },
      ],
      nameConstraints: {
        permitted: [
          { type: "dns", value: "example.com" },
          { type: "ip", value: "10.0.0.0/8" },
        ],
        excluded: [{ type: "dns", value: "bad.example.com" }],
      },
    };
    const built = await buildCertificate(template, issuer);
    const info = parseCertificate(built.der);
    const rootInfo = parseCertificate(root.der);
    expect(info).toMatchObject({
      version: 3,
      serialNumberHex: "8f010203",
      commonName: "Issuing CA",
      isCa: true,
      pathLength: 0,
      keyUsage: ["digitalSignature", "keyCertSign", "cRLSign"],
      extendedKeyUsage: ["serverAuth", "clientAuth", "1.2.3.4.5"],
      crlUrls: ["http://pki.example/crl/ca_1"],
      ocspUrls: ["http://pki.example/ocsp/ca_1"],
      caIssuersUrls: ["http://pki.example/ca_1.crt"],
      policies: [
        { oid: "2.23.140.1.2.1", cpsUri: "https://pki.example/cps" },
        { oid: "1.3.6.1.4.1.99999.1" },
      ],
      nameConstraints: {
        permitted: [
          { type: "dns", value: "example.com" },
          { type: "ip", value: "10.0.0.0/8" },
        ],
        excluded: [{ type: "dns", value: "bad.example.com" }],
      },
      authorityKeyIdentifier: rootInfo.subjectKeyIdentifier,
      isSelfIssued: false,
    });
    expect(info.notBefore).toEqual(notBefore);
    expect(info.notAfter).toEqual(notAfter);
    expect(info.issuer.text).toBe("CN=Test Root ECDSA-P256,O=Certsmith,C=DE");
    expect(info.subject.text).toBe("CN=Issuing CA,OU=PKI,O=Certsmith,L=SF,ST=CA,C=US");
    expect(info.subjectKeyIdentifier).toBe(Buffer.from(built.keyIdentifier).toString("hex"));
    expect(info.fingerprintSha256).toBe(
      new X509Certificate(built.der).fingerprint256.replace(/:/g, "").toLowerCase(),
    );
    expect(info.fingerprintSha1).toBe(
      new X509Certificate(built.der).fingerprint.replace(/:/g, "").toLowerCase(),
    );
    expect(info.extensions.find((e) => e.oid === "2.5.29.30")?.critical).toBe(true);
    expect(info.extensions.find((e) => e.oid === "2.5.29.19")?.critical).toBe(true);
  });

  it("marks subjectAltName critical when the subject is empty", async () => {
    const { issuer } = await makeRoot();
    const built = await buildCertificate(
      {
        subject: {},
        subjectAltNames: ["a.example", { type: "uri", value: "spiffe://x.example/y" }],
        publicKeySpki: testKey("Ed25519").signer.publicKeySpki,
        notBefore,
        notAfter,
      },
      issuer,
    );
    const info = parseCertificate(built.der);
    expect(info.subject.attributes).toEqual([]);
    expect(info.extensions.find((e) => e.oid === "2.5.29.17")?.critical).toBe(true);
    expect(new X509Certificate(built.der).subjectAltName).toBe(
      "DNS:a.example, URI:spiffe://x.example/y",
    );
  });

  it("chooses RFC 5280 SHA-1 key identifiers when asked", async () => {
    const key = testKey("ECDSA-P256", "root");
    const built = await buildSelfSignedCertificate(
      {
        subject: { commonName: "r" },
        notBefore,
        notAfter,
        isCa: true,
        keyIdentifierMethod: "rfc5280-sha1",
      },
      key.signer,
    );
    const info = parseCertificate(built.der);
    const { createHash } = await import("node:crypto");
    expect(info.subjectKeyIdentifier).toBe(
      createHash("sha1").update(info.publicKey.subjectPublicKey).digest("hex"),
    );
  });

  it.each<[string, Partial<CertificateTemplate>]>([
    ["inverted validity", { notAfter: notBefore, notBefore: notAfter }],
    ["path length on a leaf", { pathLength: 1 }],
    [
      "name constraints on a leaf",
      { nameConstraints: { permitted: [{ type: "dns", value: "x.example" }] } },
    ],
    ["a CA without keyCertSign", { isCa: true, keyUsage: ["digitalSignature"] }],
    ["an empty subject without SANs", { subject: {} }],
    ["a bad SAN", { subjectAltNames: ["not a name"] }],
    ["a bad URL", { crlUrls: ["not a url"] }],
    ["an unknown EKU", { extendedKeyUsage: ["superAuth"] }],
    ["an out-of-range path length", { isCa: true, pathLength: -1 }],
    [
      "a bad subnet",
      { isCa: true, nameConstraints: { permitted: [{ type: "ip", value: "10.1.0.0/8" }] } },
    ],
    ["empty name constraints", { isCa: true, nameConstraints: {} }],
  ])("refuses %s with invalid_input", async (_, change) => {
    const { issuer } = await makeRoot();
    const template: CertificateTemplate = {
      subject: { commonName: "x" },
      publicKeySpki: testKey("ECDSA-P256", "leaf").signer.publicKeySpki,
      notBefore,
      notAfter,
      ...change,
    };
    pkiError("invalid_input", await buildCertificate(template, issuer).catch((e: unknown) => e));
  });

  it("refuses a child CA that does not fit under the issuer's path length", async () => {
    const { issuer } = await makeRoot(); // pathLength 1
    const key = testKey("ECDSA-P256", "intermediate");
    const child = (pathLength: number | null) =>
      buildCertificate(
        {
          subject: { commonName: "sub" },
          publicKeySpki: key.signer.publicKeySpki,
          notBefore,
          notAfter,
          isCa: true,
          pathLength,
        },
        issuer,
      ).catch((e: unknown) => e);
    pkiError("invalid_input", await child(1));
    pkiError("invalid_input", await child(null));
    const ok = await child(0);
    const sub = issuerFromCertificate((ok as { der: Uint8Array }).der, key.signer);
    expect(sub.pathLength).toBe(0);
    const grandchild = await buildCertificate(
      {
        subject: { commonName: "subsub" },
        publicKeySpki: testKey("ECDSA-P256", "leaf").signer.publicKeySpki,
        notBefore,
        notAfter,
        isCa: true,
        pathLength: 0,
      },
      sub,
    ).catch((e: unknown) => e);
    pkiError("invalid_input", grandchild);
  });

  it("refuses a public key outside the supported key types", async () => {
    const { issuer } = await makeRoot();
    const { generateKeyPairSync } = await import("node:crypto");
    const weak = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({
      type: "spki",
      format: "der",
    });
    const error = pkiError(
      "unsupported_key",
      await buildCertificate(
        { subject: { commonName: "x" }, publicKeySpki: new Uint8Array(weak), notBefore, notAfter },
        issuer,
      ).catch((e: unknown) => e),
    );
    expect(error.message).toMatch(/RSA-1024/);
  });

  it("refuses a CA key that does not belong to the CA certificate, and a leaf as issuer", async () => {
    const { root, issuer } = await makeRoot();
    pkiError(
      "invalid_input",
      catchSync(() => issuerFromCertificate(root.der, testKey("ECDSA-P256", "other").signer)),
    );
    const leafKey = testKey("ECDSA-P256", "leaf");
    const leaf = await buildCertificate(
      {
        subject: { commonName: "leaf" },
        publicKeySpki: leafKey.signer.publicKeySpki,
        notBefore,
        notAfter,
      },
      issuer,
    );
    pkiError(
      "invalid_input",
      catchSync(() => issuerFromCertificate(leaf.der, leafKey.signer)),
    );
  });
});

function catchSync(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
