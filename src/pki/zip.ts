/**
 * The zip download: certificate.pem, chain.pem (issuers, nearest first), fullchain.pem
 * (certificate + chain, what nginx and HAProxy want) and, when the key is included,
 * private-key.pem as a password-encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY", PBES2 AES-256-CBC),
 * so the archive itself never holds a key in the clear.
 */

import { zipSync, type Zippable } from "fflate";

import { PkiError } from "./errors.js";
import { encodePem, encodePemChain } from "./pem.js";
import { privateKeyToPem } from "./private-key.js";

export interface ZipBundleInput {
  certificate: Uint8Array;
  chain: Uint8Array[];
  /** PKCS#8 DER; requires `password`. */
  privateKey?: Uint8Array;
  password?: string;
  /** Timestamp of the entries (pki/ reads no clock); zip cannot store dates before 1980. */
  modifiedAt: Date;
}

export const ZIP_FILE_NAMES = {
  certificate: "certificate.pem",
  chain: "chain.pem",
  fullChain: "fullchain.pem",
  privateKey: "private-key.pem",
} as const;

const text = new TextEncoder();

/** Builds the archive (deflate). */
export function buildZipBundle(input: ZipBundleInput): Uint8Array {
  const certificatePem = encodePem("CERTIFICATE", input.certificate);
  const chainPem = encodePemChain("CERTIFICATE", input.chain);
  const files: Zippable = {
    [ZIP_FILE_NAMES.certificate]: text.encode(certificatePem),
    [ZIP_FILE_NAMES.fullChain]: text.encode(certificatePem + chainPem),
  };
  if (input.chain.length > 0) files[ZIP_FILE_NAMES.chain] = text.encode(chainPem);
  if (input.privateKey) {
    if (!input.password) {
      throw new PkiError("invalid_input", "a password is required to include the private key", {
        details: [{ field: "password" }],
      });
    }
    files[ZIP_FILE_NAMES.privateKey] = text.encode(
      privateKeyToPem(input.privateKey, input.password),
    );
  }
  const mtime =
    input.modifiedAt.getTime() < Date.UTC(1980, 0, 2)
      ? new Date(Date.UTC(1980, 0, 2))
      : input.modifiedAt;
  return zipSync(files, { level: 6, mtime });
}
