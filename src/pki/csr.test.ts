import { generateKeyPairSync, sign } from "node:crypto";

import { describe, expect, it } from "vitest";

import { testKey } from "../../test/integration/pki/support/signers.js";

import { buildCsr } from "./csr-builder.js";
import { parseCsr } from "./csr.js";
import { bitString, integer, oid, sequence, implicitConstructed, DER_NULL } from "./der-encode.js";
import { PkiError } from "./errors.js";
import { encodeName } from "./names.js";
import { encodePem } from "./pem.js";
import { KEY_TYPES } from "./signer.js";

function badCsr(run: () => unknown): PkiError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PkiError);
    expect((error as PkiError).code).toBe("bad_csr");
    return error as PkiError;
  }
  throw new Error("expected a bad_csr error");
}

describe("CSR", () => {
  it.each(KEY_TYPES.filter((t) => t !== "RSA-4096" && t !== "RSA-3072"))(
    "builds a %s CSR with requested extensions and parses it back",
    async (keyType) => {
      const key = testKey(keyType);
      const der = await buildCsr(
        {
          subject: { commonName: "app.example", organization: "Example" },
          subjectAltNames: ["app.example", "192.0.2.10", "ops@example.com", "https://app.example/"],
          keyUsage: ["digitalSignature", "keyEncipherment"],
          extendedKeyUsage: ["serverAuth", "clientAuth"],
        },
        key.signer,
      );
      const csr = parseCsr(encodePem("CERTIFICATE REQUEST", der));
      expect(csr).toMatchObject({
        keyType,
        commonName: "app.example",
        keyUsage: ["digitalSignature", "keyEncipherment"],
        extendedKeyUsage: ["serverAuth", "clientAuth"],
        requestsCa: false,
        subjectAltNames: [
          { type: "dns", value: "app.example" },
          { type: "ip", value: "192.0.2.10" },
          { type: "email", value: "ops@example.com" },
          { type: "uri", value: "https://app.example/" },
        ],
      });
      expect(csr.subject.text).toBe("CN=app.example,O=Example");
      expect(csr.publicKey.spki).toEqual(key.signer.publicKeySpki);
      expect(parseCsr(der).der).toEqual(der);
    },
  );

  it("reads a CA request without extensions beyond basicConstraints", async () => {
    const der = await buildCsr(
      { subject: { commonName: "Sub CA" }, isCa: true, pathLength: 0 },
      testKey("ECDSA-P384").signer,
    );
    expect(parseCsr(der)).toMatchObject({
      requestsCa: true,
      subjectAltNames: [],
      keyType: "ECDSA-P384",
    });
  });

  it("refuses a tampered CSR because its signature no longer verifies", async () => {
    const der = await buildCsr(
      { subject: { commonName: "good.example" } },
      testKey("ECDSA-P256").signer,
    );
    const tampered = new Uint8Array(der);
    const at = Buffer.from(tampered).indexOf("good.example");
    tampered[at] = "e".charCodeAt(0);
    expect(badCsr(() => parseCsr(tampered)).message).toMatch(/signature does not verify/);
  });

  it("refuses a CSR signed with a different key", () => {
    const key = testKey("ECDSA-P256");
    const other = testKey("ECDSA-P256", "other");
    const info = sequence(
      integer(0),
      encodeName({ commonName: "x" }),
      key.signer.publicKeySpki,
      implicitConstructed(0, new Uint8Array()),
    );
    const signature = sign("sha256", info, { key: other.privateKey, dsaEncoding: "der" });
    const der = sequence(info, sequence(oid("1.2.840.10045.4.3.2")), bitString(signature));
    badCsr(() => parseCsr(der));
  });

  it("refuses keys outside the supported types, naming the problem", () => {
    const weak = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const spki = new Uint8Array(weak.publicKey.export({ type: "spki", format: "der" }));
    const info = sequence(
      integer(0),
      encodeName({ commonName: "x" }),
      spki,
      implicitConstructed(0, new Uint8Array()),
    );
    const signature = sign("sha256", info, weak.privateKey);
    const der = sequence(
      info,
      sequence(oid("1.2.840.113549.1.1.11"), DER_NULL),
      bitString(signature),
    );
    const error = badCsr(() => parseCsr(der));
    expect(error.details[0]).toEqual({ problem: "unsupported_key" });
  });

  it.each([
    ["not PEM at all", "hello"],
    [
      "a certificate instead of a request",
      "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n",
    ],
    [
      "broken base64",
      "-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n",
    ],
    [
      "truncated DER",
      "-----BEGIN CERTIFICATE REQUEST-----\nMIIBADAB\n-----END CERTIFICATE REQUEST-----\n",
    ],
    [
      "an empty sequence",
      "-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n",
    ],
  ])("refuses %s with bad_csr", (_, input) => {
    badCsr(() => parseCsr(input));
  });

  it("refuses two requests in one PEM and oversized input", async () => {
    const der = await buildCsr({ subject: { commonName: "x" } }, testKey("Ed25519").signer);
    const pem = encodePem("CERTIFICATE REQUEST", der);
    badCsr(() => parseCsr(pem + pem));
    badCsr(() => parseCsr(new Uint8Array(70_000).fill(0x30)));
  });
});
