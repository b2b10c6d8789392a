import { describe, expect, it } from "vitest";

import { testKey } from "../../test/integration/pki/support/signers.js";

import { buildSelfSignedCertificate } from "./certificate-builder.js";
import { parseCertificate, parseCertificates } from "./certificate-info.js";
import { PkiError } from "./errors.js";
import { encodePem, encodePemChain } from "./pem.js";

const notBefore = new Date("2026-01-01T00:00:00Z");
const notAfter = new Date("2056-01-01T00:00:00Z");

async function selfSigned(): Promise<Uint8Array> {
  const built = await buildSelfSignedCertificate(
    {
      subject: { commonName: "Inventory Test" },
      subjectAltNames: ["inv.example"],
      notBefore,
      notAfter,
    },
    testKey("ECDSA-P256").signer,
  );
  return built.der;
}

function badCertificate(run: () => unknown): PkiError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PkiError);
    expect(["bad_certificate", "bad_pem"]).toContain((error as PkiError).code);
    return error as PkiError;
  }
  throw new Error("expected an error");
}

describe("certificate parsing", () => {
  it("reads a self-signed leaf with a GeneralizedTime expiry", async () => {
    const info = parseCertificate(await selfSigned());
    expect(info).toMatchObject({
      commonName: "Inventory Test",
      isCa: false,
      isSelfIssued: true,
      keyUsage: ["digitalSignature"],
      subjectAltNames: [{ type: "dns", value: "inv.example" }],
      publicKey: { algorithm: "EC", sizeBits: 256, curve: "P-256", keyType: "ECDSA-P256" },
    });
    expect(info.notAfter.toISOString()).toBe("2056-01-01T00:00:00.000Z");
    expect(info.authorityKeyIdentifier).toBe(info.subjectKeyIdentifier);
    expect(info.serialNumberHex).toMatch(/^[0-9a-f]{1,32}$/);
  });

  it("reads a PEM chain and raw DER alike", async () => {
    const der = await selfSigned();
    expect(parseCertificates(encodePemChain("CERTIFICATE", [der, der]))).toHaveLength(2);
    expect(parseCertificates(der)[0]!.der).toEqual(der);
  });

  it("refuses truncated, padded and re-tagged certificates with bad_certificate", async () => {
    const der = await selfSigned();
    badCertificate(() => parseCertificate(der.subarray(0, der.length - 1)));
    badCertificate(() => parseCertificate(Uint8Array.of(...der, 0)));
    const retagged = new Uint8Array(der);
    retagged[0] = 0x31;
    badCertificate(() => parseCertificate(retagged));
    badCertificate(() => parseCertificate(new Uint8Array([0x30, 0x00])));
    badCertificate(() => parseCertificates(encodePem("PRIVATE KEY", der)));
  });

  it("refuses a certificate whose inner and outer signature algorithms differ", async () => {
    const der = new Uint8Array(await selfSigned());
    // ecdsa-with-SHA256 (…04 03 02) appears twice; change the last arc of the outer one only.
    const needle = Buffer.from("06082a8648ce3d040302", "hex");
    const outer = Buffer.from(der).lastIndexOf(needle);
    der[outer + needle.length - 1] = 0x03;
    expect(badCertificate(() => parseCertificate(der)).message).toMatch(/differ/);
  });
});
