/**
 * ITL and CTL files (`ITLFile.tlv`, `ITLSEP<MAC>.tlv`, `CTLFile.tlv`, `CTLSEP<MAC>.tlv`): one
 * byte format (spec §2.4), a signed header (spec §1) followed by certificate records (§2.1).
 */

import type { Signer } from "../signer.js";

import { readCertificateFields, type CertificateFields } from "./certificate-fields.js";
import { ItlBuildError, ItlFormatError } from "./itl-errors.js";
import { decodeItlRecords, encodeItlRecord, type ItlRecord } from "./itl-record.js";
import { ITL_ROLE_CODES, recordRolesOf, type ItlRole } from "./roles.js";
import { assertHeaderSignature } from "./signature-check.js";
import { buildSignedFile } from "./signed-file-builder.js";
import { parseSignedHeader, type SignedHeader } from "./signed-header-parser.js";
import { FILE_VERSION, type ItlDigest } from "./tags.js";
import { bytesEqual } from "./tlv-encoding.js";

/** One record: a DER certificate and the one role it carries (spec §2.2). */
export interface ItlEntry {
  certificate: Uint8Array;
  role: ItlRole;
}

export type SignerVersion = "1.0" | "1.1";

export interface ItlBuildInput {
  /** Signs with the SAST key; must hold the key of `signerCertificate`. */
  signer: Signer;
  /** DER of the RSA SAST certificate that signs the file (spec §2.3). */
  signerCertificate: Uint8Array;
  /** Records in file order. The signer's SAST record is put first when it is missing. */
  entries: readonly ItlEntry[];
  /** Unix time in seconds of the build (TIMESTAMP). */
  timestamp: number;
  /** Default SHA-1; SHA-512 for phones that support it. */
  digest?: ItlDigest;
  /** FILENAME; default `ITLFile.tlv` (spec §2.4: `ITLSEP<MAC>.tlv` carries `ITLFile.tlv`). */
  fileName?: string;
  /** Default 1.1 when a record holds an EC certificate, else 1.0 (spec §2.3). */
  signerVersion?: SignerVersion;
}

export interface ParsedItlFile {
  header: SignedHeader;
  records: ItlRecord[];
  /** The SAST record whose serial is the header's serial: the key that signed the file. */
  signerRecord: ItlRecord;
}

/** At most two SAST records per file (spec §2.3). */
export const MAX_SAST_RECORDS = 2;
/**
 * Phones fail to load ITL files over about 64 KB (spec §2.3 [M]); refusing files that do not
 * fit in 65535 bytes keeps every build loadable.
 */
export const MAX_ITL_FILE_BYTES = 0xffff;

/** Entries for certificates given with several role names (seed 000 `roles: [...]`). */
export function itlEntriesFor(
  certificates: readonly { certificate: Uint8Array; roles: readonly string[] }[],
): ItlEntry[] {
  return certificates.flatMap(({ certificate, roles }) =>
    recordRolesOf(roles).map((role) => ({ certificate, role })),
  );
}

function prepareEntries(input: ItlBuildInput, signerFields: CertificateFields) {
  const prepared = input.entries.map((entry) => {
    if (!Object.hasOwn(ITL_ROLE_CODES, entry.role)) {
      throw new ItlBuildError("unknown_role", `Unknown role "${String(entry.role)}".`);
    }
    return { fields: readCertificateFields(entry.certificate), role: entry.role };
  });
  const hasSignerRecord = prepared.some(
    ({ fields, role }) => role === "SAST" && bytesEqual(fields.der, signerFields.der),
  );
  // Spec §2.3: the signer must also be present as a SAST record (U1 adds it automatically).
  if (!hasSignerRecord) prepared.unshift({ fields: signerFields, role: "SAST" });

  const seen = new Set<string>();
  let sastCount = 0;
  for (const { fields, role } of prepared) {
    const key = `${role}:${Buffer.from(fields.der).toString("base64")}`;
    if (seen.has(key)) {
      throw new ItlBuildError(
        "duplicate_record",
        `The certificate "${fields.subjectName}" appears twice with role ${role}.`,
      );
    }
    seen.add(key);
    if (fields.serialNumber.length === 0) {
      throw new ItlBuildError(
        "bad_serial",
        `The certificate "${fields.subjectName}" has serial 0.`,
      );
    }
    if (role === "SAST") {
      sastCount++;
      if (fields.key.kind !== "rsa") {
        throw new ItlBuildError(
          "sast_not_rsa",
          `The SAST certificate "${fields.subjectName}" is not RSA; phones verify ITLs with RSA only.`,
        );
      }
    }
  }
  if (sastCount > MAX_SAST_RECORDS) {
    throw new ItlBuildError(
      "too_many_sast",
      `${sastCount} SAST records; a file may hold at most ${MAX_SAST_RECORDS}.`,
    );
  }
  return prepared;
}

function chooseSignerVersion(requested: SignerVersion | undefined, hasEc: boolean) {
  const version = requested ?? (hasEc ? "1.1" : "1.0");
  if (version === "1.0" && hasEc) {
    throw new ItlBuildError(
      "ec_requires_signer_version_1_1",
      "EC certificates need signer version 1.1; with 1.0 phones turn EC support off.",
    );
  }
  return version === "1.1" ? { major: 1, minor: 1 } : { major: 1, minor: 0 };
}

/** Builds and signs an ITL file. Throws `ItlBuildError` when a rule of spec §2.3 is broken. */
export async function buildItlFile(input: ItlBuildInput): Promise<Uint8Array> {
  const signerFields = readCertificateFields(input.signerCertificate);
  if (signerFields.key.kind !== "rsa") {
    throw new ItlBuildError("signer_not_rsa", "The SAST signer must be an RSA certificate.");
  }
  const entries = prepareEntries(input, signerFields);
  const signerVersion = chooseSignerVersion(
    input.signerVersion,
    entries.some(({ fields }) => fields.key.kind === "ec"),
  );
  const body = Buffer.concat(entries.map(({ fields, role }) => encodeItlRecord(fields, role)));
  const file = await buildSignedFile(
    {
      version: FILE_VERSION.tlv,
      signerVersion,
      signerCertificate: signerFields,
      digest: input.digest ?? "SHA-1",
      fileName: input.fileName ?? "ITLFile.tlv",
      timestamp: input.timestamp,
      body: new Uint8Array(body),
    },
    input.signer,
  );
  if (file.length > MAX_ITL_FILE_BYTES) {
    throw new ItlBuildError(
      "too_large",
      `The file would be ${file.length} bytes; phones load at most about 64 KB. Use fewer certificates.`,
    );
  }
  return file;
}

/** A CTL file: the same format as an ITL (spec §2.4), FILENAME `CTLFile.tlv` by default. */
export function buildCtlFile(input: ItlBuildInput): Promise<Uint8Array> {
  return buildItlFile({ ...input, fileName: input.fileName ?? "CTLFile.tlv" });
}

/**
 * Parses and verifies an ITL or CTL file as a phone does (spec §2.5), plus the extra checks of
 * step 6. Every problem is an `ItlFormatError`.
 */
export function parseItlFile(bytes: Uint8Array): ParsedItlFile {
  const header = parseSignedHeader(bytes);
  if (header.version.major !== FILE_VERSION.tlv.major) {
    throw new ItlFormatError(
      "unsupported_version",
      `Header version ${header.version.major}.${header.version.minor} is not a .tlv version (1.x).`,
    );
  }
  const records = decodeItlRecords(bytes, header.headerLength);
  const sastRecords = records.filter((record) => record.roleCode === ITL_ROLE_CODES.SAST);
  if (sastRecords.length > MAX_SAST_RECORDS) {
    throw new ItlFormatError("too_many_sast", `${sastRecords.length} SAST records; at most 2.`);
  }
  const signerRecord = sastRecords.find((record) =>
    bytesEqual(record.serialNumber, header.serialNumber),
  );
  if (!signerRecord) {
    throw new ItlFormatError(
      "missing_signer_record",
      "No SAST record has the serial number of the file's signer.",
    );
  }
  assertHeaderSignature(bytes, header, signerRecord.certificate.spki);
  return { header, records, signerRecord };
}
