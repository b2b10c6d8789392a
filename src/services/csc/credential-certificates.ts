/**
 * Reading what a caller uploads for a credential: its certificate and chain (PEM or base64 DER)
 * and, for a software key brought along, its PKCS#8 private key.
 */
import { validationFailed } from "../../lib/errors.js";
import { sameSpki } from "../../pki/certificate-builder.js";
import { parseCertificates, type CertificateInfo } from "../../pki/certificate-info.js";
import { isPkiError } from "../../pki/errors.js";
import { decodePemOf } from "../../pki/pem.js";

function certificatesFrom(text: string, field: string): CertificateInfo[] {
  const trimmed = text.trim();
  try {
    return trimmed.startsWith("-----BEGIN")
      ? parseCertificates(trimmed)
      : parseCertificates(Buffer.from(trimmed, "base64"));
  } catch (error) {
    if (isPkiError(error)) {
      throw validationFailed(`"${field}" is not a certificate: ${error.message}.`, [
        { field, rule: "certificate" },
      ]);
    }
    throw error;
  }
}

export function readCertificate(text: string): CertificateInfo {
  const [certificate, ...rest] = certificatesFrom(text, "certificate");
  if (!certificate || rest.length > 0) {
    throw validationFailed('"certificate" must hold exactly one certificate.', [
      { field: "certificate", rule: "single" },
    ]);
  }
  return certificate;
}

export function readChain(texts: readonly string[]): CertificateInfo[] {
  return texts.flatMap((text, index) => certificatesFrom(text, `chain[${index}]`));
}

/** The certificate must certify the credential's key, or signatures would not verify. */
export function assertCertifiesKey(certificate: CertificateInfo, spki: Uint8Array): void {
  if (!sameSpki(certificate.publicKey.spki, spki)) {
    throw validationFailed("The certificate is not for this credential's key.", [
      { field: "certificate", rule: "public_key_mismatch" },
    ]);
  }
}

/** PKCS#8 DER from a "PRIVATE KEY" PEM block. */
export function readPrivateKey(text: string): Uint8Array {
  try {
    const [block, ...rest] = decodePemOf(text, ["PRIVATE KEY"]);
    if (!block || rest.length > 0) throw new Error("one block expected");
    return block.der;
  } catch {
    // Never echo the input: it is a private key.
    throw validationFailed('"private_key" must be one PKCS#8 "PRIVATE KEY" PEM block.', [
      { field: "private_key", rule: "pkcs8_pem" },
    ]);
  }
}
