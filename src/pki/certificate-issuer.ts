/**
 * Turns a CA certificate and the Signer of its key into a `CertificateIssuer` for the builder,
 * refusing a key that does not belong to the certificate or a certificate that is not a CA.
 */

import type { CertificateIssuer } from "./certificate-builder.js";
import { parseCertificate, type CertificateInfo } from "./certificate-info.js";
import { PkiError } from "./errors.js";
import { keyIdentifier } from "./extensions.js";
import { parsePublicKeyInfo } from "./key-info.js";
import type { Signer } from "./signer.js";

/** Whether the signer holds the private half of the certificate's public key. */
export function signerMatchesCertificate(signer: Signer, certificate: CertificateInfo): boolean {
  const signerKey = parsePublicKeyInfo(signer.publicKeySpki);
  return (
    signerKey.algorithm === certificate.publicKey.algorithm &&
    Buffer.compare(signerKey.subjectPublicKey, certificate.publicKey.subjectPublicKey) === 0
  );
}

/**
 * The issuer for certificates signed by `caCertificateDer`'s key. The authority key identifier
 * of children is the CA's subjectKeyIdentifier, or — when the CA certificate has none — the
 * RFC 5280 §4.2.1.2 SHA-1 key id, as OpenSSL computes it.
 */
export function issuerFromCertificate(
  caCertificateDer: Uint8Array,
  signer: Signer,
): CertificateIssuer {
  const ca = parseCertificate(caCertificateDer);
  if (!signerMatchesCertificate(signer, ca)) {
    throw new PkiError("invalid_input", "the CA key does not belong to the CA certificate", {
      details: [{ field: "ca_key" }],
    });
  }
  if (!ca.isCa || (ca.keyUsage.length > 0 && !ca.keyUsage.includes("keyCertSign"))) {
    throw new PkiError(
      "invalid_input",
      `"${ca.subject.text}" is not a CA certificate that may sign certificates`,
      {
        details: [{ field: "ca_certificate" }],
      },
    );
  }
  const keyId = ca.subjectKeyIdentifier
    ? new Uint8Array(Buffer.from(ca.subjectKeyIdentifier, "hex"))
    : keyIdentifier(ca.publicKey.subjectPublicKey, "rfc5280-sha1");
  return {
    signer,
    nameDer: ca.subject.der,
    keyIdentifier: keyId,
    pathLength: ca.pathLength,
    notAfter: ca.notAfter,
  };
}
