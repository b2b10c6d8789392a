/**
 * Lays out and signs the header shared by `.tlv`, `.sgn` and `.enc.sgn` files (spec §1.2): the
 * signature covers the whole file with the SIGNATURE element cut out, and HEADER_LENGTH already
 * counts that element, so the file is laid out first, signed, and the signature spliced in.
 */

import type { Signer } from "../signer.js";

import type { CertificateFields } from "./certificate-fields.js";
import { ItlBuildError } from "./itl-errors.js";
import {
  HASH_ID,
  HeaderTag,
  SIGNATURE_ALGORITHM_RSA,
  modulusCodeOf,
  type ItlDigest,
} from "./tags.js";
import {
  bytesEqual,
  concatBytes,
  tlv,
  tlvContainer,
  tlvString,
  tlvUint32,
  tlvUint8,
  uint16,
} from "./tlv-encoding.js";

export interface HeaderVersion {
  major: number;
  minor: number;
}

export interface SignedFileLayout {
  version: HeaderVersion;
  /** Written only in `.tlv` files (spec §1.1 tag 28). */
  signerVersion?: HeaderVersion;
  signerCertificate: CertificateFields;
  digest: ItlDigest;
  fileName: string;
  /** Unix time in seconds. */
  timestamp: number;
  /** Header elements that follow TIMESTAMP (the `.enc.sgn` encryption block, spec §3.3). */
  headerTail?: readonly Uint8Array[];
  body: Uint8Array;
}

const MAX_FILE_NAME_BYTES = 255;
const MAX_HEADER_LENGTH = 0xffff;

export function checkFileName(fileName: string): void {
  const size = new TextEncoder().encode(fileName).length;
  if (size === 0 || size > MAX_FILE_NAME_BYTES || fileName.includes("\0")) {
    throw new ItlBuildError(
      "bad_file_name",
      `The file name must be 1 to ${MAX_FILE_NAME_BYTES} bytes of UTF-8 without NUL.`,
    );
  }
}

export function checkTimestamp(timestamp: number): void {
  if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp > 0xffffffff) {
    throw new ItlBuildError(
      "bad_timestamp",
      "The timestamp must be whole seconds since 1970 that fit in 32 bits.",
    );
  }
}

/**
 * The signature size (RSA modulus bytes) of a signing certificate, after checking that the
 * Signer holds its key: signed files carry only RSA PKCS#1 v1.5 signatures (spec §1.1 tag 10).
 */
export function signatureSizeFor(signer: Signer, certificate: CertificateFields): number {
  if (certificate.key.kind !== "rsa" || !signer.keyType.startsWith("RSA-")) {
    throw new ItlBuildError("signer_not_rsa", "Cisco signed files need an RSA signing key.");
  }
  if (!bytesEqual(signer.publicKeySpki, certificate.spki)) {
    throw new ItlBuildError(
      "signer_key_mismatch",
      "The signing key does not belong to the signing certificate.",
    );
  }
  const size = certificate.key.modulusBits / 8;
  if (modulusCodeOf(size) === undefined) {
    throw new ItlBuildError(
      "unsupported_key_size",
      `A ${certificate.key.modulusBits}-bit signing key has no SIGNATURE_MODULUS code; use 2048 bits.`,
    );
  }
  return size;
}

/** Builds and signs a complete file. */
export async function buildSignedFile(
  layout: SignedFileLayout,
  signer: Signer,
): Promise<Uint8Array> {
  checkFileName(layout.fileName);
  checkTimestamp(layout.timestamp);
  const certificate = layout.signerCertificate;
  if (certificate.serialNumber.length === 0) {
    throw new ItlBuildError("bad_serial", "The signing certificate's serial number is zero.");
  }
  const signatureSize = signatureSizeFor(signer, certificate);

  const front = concatBytes([
    tlv(HeaderTag.VERSION, Uint8Array.of(layout.version.major, layout.version.minor)),
    tlv(HeaderTag.HEADER_LENGTH, uint16(0)),
    ...(layout.signerVersion
      ? [
          tlv(
            HeaderTag.SIGNER_VERSION,
            Uint8Array.of(layout.signerVersion.major, layout.signerVersion.minor),
          ),
        ]
      : []),
    // Spec §1.2: signer name, issuer name, then serial (the current tools' order).
    tlvContainer(HeaderTag.SIGNER_INFO, [
      tlvString(HeaderTag.SIGNER_NAME, certificate.subjectName),
      tlvString(HeaderTag.ISSUER_NAME, certificate.issuerName),
      tlv(HeaderTag.SERIAL_NUMBER, certificate.serialNumber),
    ]),
    tlvContainer(HeaderTag.SIGNATURE_INFO, [
      tlvUint8(HeaderTag.HASH_ALGORITHM, HASH_ID[layout.digest]),
      tlvContainer(HeaderTag.SIGNATURE_ALGORITHM_INFO, [
        tlvUint8(HeaderTag.SIGNATURE_ALGORITHM, SIGNATURE_ALGORITHM_RSA),
        tlvUint8(HeaderTag.SIGNATURE_MODULUS, modulusCodeOf(signatureSize) ?? 0),
      ]),
    ]),
  ]);
  const back = concatBytes([
    tlvString(HeaderTag.FILENAME, layout.fileName),
    tlvUint32(HeaderTag.TIMESTAMP, layout.timestamp),
    ...(layout.headerTail ?? []),
  ]);

  const unpadded = front.length + 3 + signatureSize + back.length;
  const padding = new Uint8Array((4 - (unpadded % 4)) % 4).fill(HeaderTag.PADDING);
  const headerLength = unpadded + padding.length;
  if (headerLength > MAX_HEADER_LENGTH) {
    throw new ItlBuildError("too_large", `The header would be ${headerLength} bytes.`);
  }
  // HEADER_LENGTH's value sits at offset 8 (tag 1 at 0, tag 2 at 5).
  front.set(uint16(headerLength), 8);

  const signed = concatBytes([front, back, padding, layout.body]);
  const signature = await signer.sign(signed, { kind: "rsa-pkcs1", hash: layout.digest });
  if (signature.length !== signatureSize) {
    throw new ItlBuildError(
      "signer_key_mismatch",
      `The signer returned ${signature.length} signature bytes; the certificate needs ${signatureSize}.`,
    );
  }
  return concatBytes([front, tlv(HeaderTag.SIGNATURE, signature), back, padding, layout.body]);
}
