/** Turning a caller's PEM certificate + private key into a checked signer (seed 000 `signer`). */

import { createPrivateKey, type KeyObject } from "node:crypto";

import { createKeyObjectSigner, UnsupportedKeyError } from "../../keys/key-object-signer.js";
import { validationFailed } from "../../lib/errors.js";
import type { CertificateInfo } from "../../pki/certificate-info.js";
import { signerMatchesCertificate } from "../../pki/certificate-issuer.js";
import type { Signer } from "../../pki/signer.js";

import { singleCertificate } from "./cisco-input.fns.js";

export interface PemSignerInput {
  certificatePem: string;
  privateKeyPem: string;
}

export interface CheckedPemSigner {
  certificate: CertificateInfo;
  privateKey: KeyObject;
  signer: Signer;
}

/**
 * Parses both halves and checks that the key belongs to the certificate. Messages never quote the
 * key (DESIGN.md §2).
 */
export function checkPemSigner(input: PemSignerInput, field: string): CheckedPemSigner {
  const certificate = singleCertificate(input.certificatePem, `${field}.certificate_pem`);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: input.privateKeyPem, format: "pem" });
  } catch {
    throw validationFailed(
      `"${field}.private_key_pem" is not an unencrypted PEM private key (PKCS#8 or PKCS#1).`,
      [{ field: `${field}.private_key_pem` }],
    );
  }
  let signer: Signer;
  try {
    signer = createKeyObjectSigner(privateKey);
  } catch (error) {
    if (error instanceof UnsupportedKeyError) {
      throw validationFailed(`The ${field} key is not supported: ${error.message}.`, [
        { field: `${field}.private_key_pem` },
      ]);
    }
    throw error;
  }
  if (!signerMatchesCertificate(signer, certificate)) {
    throw validationFailed(`The ${field} private key does not belong to its certificate.`, [
      { field: `${field}.private_key_pem` },
    ]);
  }
  return { certificate, privateKey, signer };
}
