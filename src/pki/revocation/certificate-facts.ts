import { createHash } from "node:crypto";

import { DerReader } from "./der-reader.js";
import { contextTag, TAG } from "./der-writer.js";
import { readExtensions, type Extension } from "./extensions.js";
import { OID, sameBytes } from "./oids.js";

/**
 * What the revocation encoders need from a certificate (RFC 5280 §4.1), read straight from its
 * DER so names and keys are reused byte for byte: a CRL's issuer must equal the CA's subject
 * exactly (§5.1.2.3), and OCSP hashes are over the encoded name and key (RFC 6960 §4.1.1).
 */
export interface CertificateFacts {
  /** The whole certificate. */
  der: Uint8Array;
  /** The encoded subject Name (tag and length included). */
  subject: Uint8Array;
  /** The encoded SubjectPublicKeyInfo. */
  spki: Uint8Array;
  /** The subjectPublicKey BIT STRING's bits, without tag, length and unused-bits octet. */
  subjectPublicKey: Uint8Array;
  extensions: Extension[];
}

/** Reads a DER certificate; anything else is a RevocationError "bad_certificate". */
export function readCertificateFacts(der: Uint8Array): CertificateFacts {
  const outer = new DerReader(der, "bad_certificate");
  const certificate = outer.sequence("the certificate");
  outer.end("the certificate");
  const tbs = certificate.sequence("the certificate's TBSCertificate");
  tbs.optional(contextTag(0, true), "the certificate version");
  tbs.expect(TAG.integer, "the certificate serial number");
  tbs.expect(TAG.sequence, "the certificate signature algorithm");
  tbs.expect(TAG.sequence, "the certificate issuer");
  tbs.expect(TAG.sequence, "the certificate validity");
  const subject = tbs.expect(TAG.sequence, "the certificate subject").der;
  const spkiElement = tbs.expect(TAG.sequence, "the certificate public key");
  const spkiReader = DerReader.of(spkiElement, "bad_certificate");
  spkiReader.expect(TAG.sequence, "the public key algorithm");
  const keyBits = spkiReader.expect(TAG.bitString, "the public key");
  if (keyBits.value.length < 2 || keyBits.value[0] !== 0)
    tbs.fail("the public key is not whole octets");
  tbs.optional(contextTag(1, false), "the issuer unique id");
  tbs.optional(contextTag(2, false), "the subject unique id");
  const extensionsWrapper = tbs.optional(contextTag(3, true), "the certificate extensions");
  tbs.end("the certificate's TBSCertificate");
  let extensions: Extension[] = [];
  if (extensionsWrapper) {
    const wrapper = DerReader.of(extensionsWrapper, "bad_certificate");
    extensions = readExtensions(wrapper.next("the certificate extensions"), "bad_certificate");
    wrapper.end("the certificate extensions");
  }
  return {
    der,
    subject,
    spki: spkiElement.der,
    subjectPublicKey: keyBits.value.subarray(1),
    extensions,
  };
}

export function findExtension(facts: CertificateFacts, oid: Uint8Array): Extension | undefined {
  return facts.extensions.find((extension) => sameBytes(extension.oid, oid));
}

/** The bits of a SubjectPublicKeyInfo's subjectPublicKey (for key hashes of a bare signer key). */
export function subjectPublicKeyOf(spki: Uint8Array): Uint8Array {
  const outer = new DerReader(spki, "bad_certificate");
  const info = outer.sequence("the public key info");
  outer.end("the public key info");
  info.expect(TAG.sequence, "the public key algorithm");
  const bits = info.expect(TAG.bitString, "the public key");
  if (bits.value.length < 2 || bits.value[0] !== 0) info.fail("the public key is not whole octets");
  return bits.value.subarray(1);
}

/**
 * The key identifier an issuer's CRLs and certificates carry in their AKI (RFC 5280 §4.2.1.1):
 * the CA's own subjectKeyIdentifier when it has one, else the SHA-1 of its public key bits
 * (method 1 of §4.2.1.2), which is how the CA would have derived it.
 */
export function keyIdentifierOf(facts: CertificateFacts): Uint8Array {
  const ski = findExtension(facts, OID.subjectKeyIdentifier);
  if (ski) {
    const reader = new DerReader(ski.value, "bad_certificate");
    const id = reader.expect(TAG.octetString, "the subject key identifier");
    reader.end("the subject key identifier");
    if (id.value.length > 0) return id.value;
  }
  return createHash("sha1").update(facts.subjectPublicKey).digest();
}
