/**
 * The parts of an X.509 certificate that ITL records and signed-file headers carry (spec §1,
 * §2.1): names as strings, the serial as a magnitude, the public key in Cisco's encoding, the
 * certificate's own signature bytes.
 */

import { createPublicKey, type KeyObject } from "node:crypto";

import * as asn1js from "asn1js";
import { Certificate } from "pkijs";

import { renderDistinguishedName } from "./distinguished-name.js";
import { ItlBuildError } from "./itl-errors.js";

const OID_RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
const OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";

export type CertificateKey =
  { kind: "rsa"; modulusBits: number } | { kind: "ec"; curve: "P-256" | "P-384" | "P-521" };

export interface CertificateFields {
  der: Uint8Array;
  subjectName: string;
  issuerName: string;
  /** Unsigned big-endian magnitude of minimal length, no DER sign byte (spec §1). */
  serialNumber: Uint8Array;
  key: CertificateKey;
  /** DER SubjectPublicKeyInfo. */
  spki: Uint8Array;
  /** RSA: DER PKCS#1 RSAPublicKey; EC: X9.62 uncompressed point (spec §2.1 tag 7). */
  publicKeyField: Uint8Array;
  /** The certificate's signatureValue bytes (spec §2.1 tag 8). */
  signatureValue: Uint8Array;
}

const CURVE_OF_JWK: Record<string, "P-256" | "P-384" | "P-521"> = {
  "P-256": "P-256",
  "P-384": "P-384",
  "P-521": "P-521",
};

/** Minimal unsigned magnitude of a DER INTEGER's content bytes. */
export function serialMagnitude(integerContent: Uint8Array): Uint8Array {
  let start = 0;
  while (start < integerContent.length && integerContent[start] === 0) start++;
  return integerContent.slice(start);
}

function keyOf(publicKey: KeyObject, algorithmOid: string): CertificateKey {
  if (algorithmOid === OID_RSA_ENCRYPTION && publicKey.asymmetricKeyType === "rsa") {
    return { kind: "rsa", modulusBits: publicKey.asymmetricKeyDetails?.modulusLength ?? 0 };
  }
  if (algorithmOid === OID_EC_PUBLIC_KEY && publicKey.asymmetricKeyType === "ec") {
    const jwk = publicKey.export({ format: "jwk" });
    const curve = CURVE_OF_JWK[jwk.crv ?? ""];
    if (curve) return { kind: "ec", curve };
  }
  throw new ItlBuildError(
    "bad_certificate",
    "The certificate's key is neither RSA nor EC on P-256, P-384 or P-521.",
  );
}

/** X9.62 uncompressed point 04‖X‖Y, whatever form the certificate stored the point in. */
function uncompressedPoint(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: "jwk" });
  const x = Buffer.from(jwk.x ?? "", "base64url");
  const y = Buffer.from(jwk.y ?? "", "base64url");
  return new Uint8Array(Buffer.concat([Uint8Array.of(4), x, y]));
}

/**
 * Reads the ITL-relevant fields of a DER certificate. Throws `ItlBuildError("bad_certificate")`
 * for anything that is not one well-formed certificate with an RSA or NIST EC key.
 */
export function readCertificateFields(der: Uint8Array): CertificateFields {
  let certificate: Certificate;
  let publicKey: KeyObject;
  let spki: Uint8Array;
  try {
    const decoded = asn1js.fromBER(der);
    if (decoded.offset !== der.length) throw new Error("trailing or truncated DER");
    certificate = new Certificate({ schema: decoded.result });
    spki = new Uint8Array(certificate.subjectPublicKeyInfo.toSchema().toBER());
    publicKey = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  } catch (cause) {
    throw new ItlBuildError("bad_certificate", "The certificate is not valid DER X.509.", {
      cause,
    });
  }
  const key = keyOf(publicKey, certificate.subjectPublicKeyInfo.algorithm.algorithmId);
  const publicKeyField =
    key.kind === "rsa"
      ? new Uint8Array(certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView)
      : uncompressedPoint(publicKey);
  return {
    der: new Uint8Array(der),
    subjectName: renderDistinguishedName(certificate.subject.typesAndValues),
    issuerName: renderDistinguishedName(certificate.issuer.typesAndValues),
    serialNumber: serialMagnitude(certificate.serialNumber.valueBlock.valueHexView),
    key,
    spki,
    publicKeyField,
    signatureValue: new Uint8Array(certificate.signatureValue.valueBlock.valueHexView),
  };
}
