/** `.sgn` signed provisioning files (spec §3.1): a version 1.0 header, then the unchanged payload. */

import type { Signer } from "../signer.js";

import { readCertificateFields } from "./certificate-fields.js";
import { ItlBuildError, ItlFormatError } from "./itl-errors.js";
import { assertHeaderSignature } from "./signature-check.js";
import { buildSignedFile } from "./signed-file-builder.js";
import { parseSignedHeader, type SignedHeader } from "./signed-header-parser.js";
import { FILE_VERSION, type ItlDigest } from "./tags.js";
import { bytesEqual } from "./tlv-encoding.js";

export interface SgnBuildInput {
  /** Holds the key of `signerCertificate`: an RSA certificate with the TFTP role (spec §3.1). */
  signer: Signer;
  signerCertificate: Uint8Array;
  /** Any TFTP file: XML, ring tone, image, jar. */
  payload: Uint8Array;
  /**
   * FILENAME: the path the phone requests, relative to the TFTP root, ending in `.sgn`
   * (`SEP001122334455.cnf.xml.sgn`, `Desktops/320x196x4/List.xml.sgn`).
   */
  fileName: string;
  /** Unix time in seconds (TIMESTAMP). */
  timestamp: number;
  /** Default SHA-1. */
  digest?: ItlDigest;
}

export interface ParsedSgnFile {
  header: SignedHeader;
  /** Everything from HEADER_LENGTH on: the unsigned file (spec §3.1 "unsigning"). */
  payload: Uint8Array;
}

/** Builds and signs a `.sgn` file. */
export async function buildSgnFile(input: SgnBuildInput): Promise<Uint8Array> {
  if (!input.fileName.endsWith(".sgn")) {
    throw new ItlBuildError(
      "bad_file_name",
      `The signed file name "${input.fileName}" must end in .sgn.`,
    );
  }
  return buildSignedFile(
    {
      version: FILE_VERSION.sgn,
      signerCertificate: readCertificateFields(input.signerCertificate),
      digest: input.digest ?? "SHA-1",
      fileName: input.fileName,
      timestamp: input.timestamp,
      body: input.payload,
    },
    input.signer,
  );
}

/** Parses a `.sgn` header and splits off the payload; does not check the signature. */
export function parseSgnFile(bytes: Uint8Array): ParsedSgnFile {
  const header = parseSignedHeader(bytes);
  if (header.version.major !== FILE_VERSION.sgn.major) {
    throw new ItlFormatError(
      "unsupported_version",
      `Header version ${header.version.major}.${header.version.minor} is not a .sgn version (1.x).`,
    );
  }
  return { header, payload: bytes.slice(header.headerLength) };
}

/**
 * Checks that a signed file (`.sgn` or `.enc.sgn`) names `signerCertificate` (DER) as its signer
 * and that the signature verifies with its key.
 */
export function assertSignedBy(
  bytes: Uint8Array,
  header: SignedHeader,
  signerCertificate: Uint8Array,
): void {
  let fields;
  try {
    fields = readCertificateFields(signerCertificate);
  } catch (cause) {
    throw new ItlFormatError("bad_certificate", "The signer certificate cannot be read.", {
      cause,
    });
  }
  if (!bytesEqual(fields.serialNumber, header.serialNumber)) {
    throw new ItlFormatError(
      "signer_mismatch",
      `The file was signed by serial ${Buffer.from(header.serialNumber).toString("hex")}, not by the given certificate.`,
    );
  }
  assertHeaderSignature(bytes, header, fields.spki);
}

/** Parses a `.sgn` file and verifies it was signed by `signerCertificate` (DER). */
export function verifySgnFile(bytes: Uint8Array, signerCertificate: Uint8Array): ParsedSgnFile {
  const parsed = parseSgnFile(bytes);
  assertSignedBy(bytes, parsed.header, signerCertificate);
  return parsed;
}
