import { describe, expect, it } from "vitest";

import { certIdMatchesIssuer, computeIssuerHashes, encodeCertId, type CertId } from "./cert-id.js";
import { keyIdentifierOf, readCertificateFacts, subjectPublicKeyOf } from "./certificate-facts.js";
import { RevocationError } from "./revocation-error.js";

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));
const hex = (value: Uint8Array): string => Buffer.from(value).toString("hex");

/** A P-256 CA made by `openssl req -x509` (CN=Test CA, O=Certsmith), with SKI and AKI. */
const OPENSSL_CA =
  "308201a130820147a0030201020214089a46eed23d258f30438b8d5b6bda209552e4b0300a06082a8648ce3d04030230263110300e06035504030c075465737420434131123010060355040a0c0943657274736d697468301e170d3236313132333039313132375a170d3236313232333039313132375a30263110300e06035504030c075465737420434131123010060355040a0c0943657274736d6974683059301306072a8648ce3d020106082a8648ce3d03010703420004fe722bf1c5069f0e1e3354d48691752c2fa7ae3c8d95c7750b54a6e684f4e14059df1f55b05e1e6fe2f6cea5fe4e76a431982c2cd6e810ae560a5812d50dbc03a3533051301d0603551d0e04160414d32b427107eb5f7b88db6183fa9d38f7bccd496b301f0603551d23041830168014d32b427107eb5f7b88db6183fa9d38f7bccd496b300f0603551d130101ff040530030101ff300a06082a8648ce3d0403020348003045022100afe0df91faca23690a6899bfcf9e972432fb40133e33a2627a9c24e8b341a38d02207b437b952cbc5d583ac33290e3cde4b4b83fa365ee28dcb267c55a6a91b59d0a";

function certId(hashAlgorithm: CertId["hashAlgorithm"], name: string, key: string): CertId {
  return {
    hashAlgorithm,
    issuerNameHash: bytes(name),
    issuerKeyHash: bytes(key),
    serialNumber: "01",
    der: new Uint8Array(0),
  };
}

describe("issuer hashes for CertID matching (RFC 6960 §4.1.1)", () => {
  // The expected values are the CertID hashes `openssl ocsp -reqout` wrote for this CA.
  const hashes = computeIssuerHashes(bytes(OPENSSL_CA));

  it("computes the SHA-1 and SHA-256 name and key hashes OpenSSL computes", () => {
    expect(hex(hashes["SHA-1"].nameHash)).toBe("e939b112711ee4823f6525be477ecb814abc768e");
    expect(hex(hashes["SHA-1"].keyHash)).toBe("d32b427107eb5f7b88db6183fa9d38f7bccd496b");
    expect(hex(hashes["SHA-256"].nameHash)).toBe(
      "76f0ceff880212e6c2b56502fa47aa39a4c60ec4ad389825478dec9498c174f1",
    );
    expect(hex(hashes["SHA-256"].keyHash)).toBe(
      "b695fda3947e2646423fce00f85f12e8d45b68bf5924737340803eeb941cb476",
    );
  });

  it("matches a CertID only when both hashes are the CA's", () => {
    const sha1 = hashes["SHA-1"];
    expect(
      certIdMatchesIssuer(certId("SHA-1", hex(sha1.nameHash), hex(sha1.keyHash)), hashes),
    ).toBe(true);
    expect(certIdMatchesIssuer(certId("SHA-1", hex(sha1.nameHash), "00".repeat(20)), hashes)).toBe(
      false,
    );
    expect(certIdMatchesIssuer(certId("SHA-1", "00".repeat(20), hex(sha1.keyHash)), hashes)).toBe(
      false,
    );
    // The right bytes under the wrong algorithm label do not match either.
    expect(
      certIdMatchesIssuer(certId("SHA-256", hex(sha1.nameHash), hex(sha1.keyHash)), hashes),
    ).toBe(false);
  });
});

describe("encodeCertId", () => {
  const hashes = computeIssuerHashes(bytes(OPENSSL_CA));

  it("writes the same CertID bytes as openssl ocsp -reqout, for SHA-1 and SHA-256", () => {
    // From `openssl ocsp -issuer ca.pem [-sha256] -cert leaf.pem -reqout` for serial 0x8f0001.
    expect(hex(encodeCertId("SHA-1", hashes, "8F0001").der)).toBe(
      "303d300906052b0e03021a05000414e939b112711ee4823f6525be477ecb814abc768e0414d32b427107eb5f7b88db6183fa9d38f7bccd496b0204008f0001",
    );
    expect(hex(encodeCertId("SHA-256", hashes, "008f0001").der)).toBe(
      "3059300d06096086480165030402010500042076f0ceff880212e6c2b56502fa47aa39a4c60ec4ad389825478dec9498c174f10420b695fda3947e2646423fce00f85f12e8d45b68bf5924737340803eeb941cb4760204008f0001",
    );
  });

  it("carries the normalised serial and matches its CA", () => {
    const certId = encodeCertId("SHA-256", hashes, "00AB");
    expect(certId.serialNumber).toBe("ab");
    expect(certIdMatchesIssuer(certId, hashes)).toBe(true);
    expect(() => encodeCertId("SHA-1", hashes, "xyz")).toThrow(
      expect.objectContaining({ code: "invalid_input" }) as RevocationError,
    );
  });
});

describe("reading a CA certificate", () => {
  it("keeps the subject and key bytes and finds the key identifier", () => {
    const facts = readCertificateFacts(bytes(OPENSSL_CA));
    expect(hex(facts.subject)).toBe(
      "30263110300e06035504030c075465737420434131123010060355040a0c0943657274736d697468",
    );
    expect(subjectPublicKeyOf(facts.spki)).toEqual(facts.subjectPublicKey);
    expect(facts.subjectPublicKey[0]).toBe(0x04);
    expect(hex(keyIdentifierOf(facts))).toBe("d32b427107eb5f7b88db6183fa9d38f7bccd496b");
    expect(facts.extensions).toHaveLength(3);
  });

  it.each([
    ["garbage", bytes("0102030405")],
    ["a truncated certificate", bytes(OPENSSL_CA.slice(0, 300))],
    ["trailing bytes", bytes(OPENSSL_CA + "00")],
    ["an empty buffer", new Uint8Array(0)],
  ])("rejects %s as a bad certificate", (_name, input) => {
    expect(() => readCertificateFacts(input)).toThrow(
      expect.objectContaining({ code: "bad_certificate" }) as RevocationError,
    );
    expect(() => computeIssuerHashes(input)).toThrow(RevocationError);
  });
});
