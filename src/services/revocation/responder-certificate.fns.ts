/**
 * The delegated OCSP responder certificate a CA issues to itself (RFC 6960 §4.2.2.2). The
 * general certificate builder has no id-pkix-ocsp-nocheck, so this profile is encoded here from
 * the same DER and extension primitives; it is pure (keys sign through `Signer`).
 */
import type { CertificateIssuer } from "../../pki/certificate-builder.js";
import {
  bitString,
  DER_NULL,
  explicit,
  integer,
  sequence,
  x509Time,
} from "../../pki/der-encode.js";
import {
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  extendedKeyUsageExtension,
  extension,
  keyIdentifier,
  keyUsageExtension,
  subjectKeyIdentifierExtension,
} from "../../pki/extensions.js";
import { parsePublicKeyInfo } from "../../pki/key-info.js";
import { encodeName } from "../../pki/names.js";
import { generateSerialNumber } from "../../pki/serial.js";
import { signatureAlgorithmFor } from "../../pki/signature-algorithms.js";

/** id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1). */
const OCSP_NOCHECK = "1.3.6.1.5.5.7.48.1.5";

export interface ResponderCertificateInput {
  issuer: CertificateIssuer;
  /** The issuing CA's subject common name, to name the responder after it. */
  caName: string;
  responderSpki: Uint8Array;
  notBefore: Date;
  notAfter: Date;
}

/** DER of a certificate for the responder key: OCSPSigning, nocheck, digitalSignature only. */
export async function buildResponderCertificate(
  input: ResponderCertificateInput,
): Promise<Uint8Array> {
  const { issuer } = input;
  const key = parsePublicKeyInfo(input.responderSpki);
  const serial = generateSerialNumber();
  const algorithm = signatureAlgorithmFor(issuer.signer.keyType);
  const subject = encodeName({ commonName: `OCSP responder of ${input.caName}`.slice(0, 64) });
  const tbs = sequence(
    explicit(0, integer(2)), // v3 (RFC 5280 §4.1.2.1)
    serial.der,
    algorithm.identifier,
    issuer.nameDer,
    sequence(x509Time(input.notBefore), x509Time(input.notAfter)),
    subject,
    key.spki,
    explicit(
      3,
      sequence(
        basicConstraintsExtension(false),
        keyUsageExtension(["digitalSignature"]),
        extendedKeyUsageExtension(["ocspSigning"]),
        subjectKeyIdentifierExtension(keyIdentifier(key.subjectPublicKey)),
        authorityKeyIdentifierExtension(issuer.keyIdentifier),
        // §4.2.2.2.1: nothing can check the responder's own status, so clients must not try.
        extension(OCSP_NOCHECK, false, DER_NULL),
      ),
    ),
  );
  const signature = await issuer.signer.sign(tbs, algorithm.scheme);
  return sequence(tbs, algorithm.identifier, bitString(signature));
}
