/** Certificate records of ITL/CTL files (spec §2.1): write and read. */

import { readCertificateFields, type CertificateFields } from "./certificate-fields.js";
import { ItlBuildError, ItlFormatError } from "./itl-errors.js";
import { ITL_ROLE_CODES, roleOfCode, type ItlRole } from "./roles.js";
import { decodeCiscoString } from "./signed-header-parser.js";
import { RecordTag } from "./tags.js";
import {
  bytesEqual,
  concatBytes,
  readUint16,
  tlv,
  tlvString,
  tlvUint16,
  uint16,
} from "./tlv-encoding.js";

export interface ItlRecord {
  /** Offset of the record in the file and its total size (RECORD_LENGTH). */
  offset: number;
  length: number;
  roleCode: number;
  /** Undefined for codes no tool emits (5 SRST and unknown codes are kept, not rejected). */
  role?: ItlRole;
  subjectName?: string;
  issuerName?: string;
  dnsName?: string;
  serialNumber: Uint8Array;
  publicKey?: Uint8Array;
  signature?: Uint8Array;
  certificate: CertificateFields;
  /** Tags 10–12, present in some Cisco files: kept raw, never required (spec §9). */
  ipAddress?: Uint8Array;
  certificateHash?: Uint8Array;
  hashAlgorithm?: Uint8Array;
}

/**
 * One record, in the order the reference tool writes (1, 3, 5, 6, 4, 7, 8, 9; spec §2.1), which
 * is what makes byte-identical golden files possible (spec §7.1).
 */
export function encodeItlRecord(certificate: CertificateFields, role: ItlRole): Uint8Array {
  const fields = concatBytes([
    tlvString(RecordTag.SUBJECT_NAME, certificate.subjectName),
    tlvString(RecordTag.ISSUER_NAME, certificate.issuerName),
    tlv(RecordTag.SERIAL_NUMBER, certificate.serialNumber),
    tlvUint16(RecordTag.ROLE, ITL_ROLE_CODES[role]),
    tlv(RecordTag.PUBLIC_KEY, certificate.publicKeyField),
    tlv(RecordTag.SIGNATURE, certificate.signatureValue),
    tlv(RecordTag.CERTIFICATE, certificate.der),
  ]);
  const length = 5 + fields.length;
  if (length > 0xffff) {
    throw new ItlBuildError("too_large", `A record would be ${length} bytes; at most 65535 fit.`);
  }
  return concatBytes([Uint8Array.of(RecordTag.RECORD_LENGTH), uint16(2), uint16(length), fields]);
}

function parseCertificate(der: Uint8Array, offset: number): CertificateFields {
  try {
    return readCertificateFields(der);
  } catch (cause) {
    throw new ItlFormatError(
      "bad_certificate",
      `The certificate in the record at offset ${offset} cannot be read.`,
      { cause },
    );
  }
}

function decodeRecord(bytes: Uint8Array, offset: number, end: number): ItlRecord {
  const values = new Map<number, Uint8Array>();
  let cursor = offset + 5;
  while (cursor < end) {
    if (cursor + 3 > end) {
      throw new ItlFormatError(
        "bad_record",
        `The record at offset ${offset} ends inside an element.`,
      );
    }
    const tag = bytes[cursor] ?? 0;
    const valueEnd = cursor + 3 + readUint16(bytes, cursor + 1);
    if (valueEnd > end) {
      throw new ItlFormatError(
        "bad_record",
        `Element ${tag} overruns the record at offset ${offset}.`,
      );
    }
    if (tag === RecordTag.RECORD_LENGTH || values.has(tag)) {
      throw new ItlFormatError(
        "bad_record",
        `Element ${tag} repeats in the record at offset ${offset}.`,
      );
    }
    values.set(tag, bytes.subarray(cursor + 3, valueEnd));
    cursor = valueEnd;
  }

  const roleValue = values.get(RecordTag.ROLE);
  const der = values.get(RecordTag.CERTIFICATE);
  if (!roleValue || roleValue.length !== 2 || !der) {
    throw new ItlFormatError(
      "bad_record",
      `The record at offset ${offset} needs a 2-byte ROLE and a CERTIFICATE.`,
    );
  }
  const certificate = parseCertificate(der, offset);
  const serialNumber = values.get(RecordTag.SERIAL_NUMBER)?.slice() ?? certificate.serialNumber;
  const publicKey = values.get(RecordTag.PUBLIC_KEY)?.slice();
  const signature = values.get(RecordTag.SIGNATURE)?.slice();
  // Spec §2.5 step 6: what the phone reads must be the certificate's own data.
  if (
    !bytesEqual(serialNumber, certificate.serialNumber) ||
    (publicKey && !bytesEqual(publicKey, certificate.publicKeyField)) ||
    (signature && !bytesEqual(signature, certificate.signatureValue))
  ) {
    throw new ItlFormatError(
      "record_mismatch",
      `The record at offset ${offset} does not match its certificate.`,
    );
  }
  const roleCode = readUint16(roleValue, 0);
  const role = roleOfCode(roleCode);
  const text = (tag: number, what: string) => {
    const value = values.get(tag);
    return value ? decodeCiscoString(value, what) : undefined;
  };
  const subjectName = text(RecordTag.SUBJECT_NAME, "record subject name");
  const issuerName = text(RecordTag.ISSUER_NAME, "record issuer name");
  const dnsName = text(RecordTag.DNS_NAME, "record DNS name");
  const ipAddress = values.get(RecordTag.IP_ADDRESS)?.slice();
  const certificateHash = values.get(RecordTag.CERTIFICATE_HASH)?.slice();
  const hashAlgorithm = values.get(RecordTag.HASH_ALGORITHM)?.slice();
  return {
    offset,
    length: end - offset,
    roleCode,
    ...(role !== undefined ? { role } : {}),
    ...(subjectName !== undefined ? { subjectName } : {}),
    ...(issuerName !== undefined ? { issuerName } : {}),
    ...(dnsName !== undefined ? { dnsName } : {}),
    serialNumber,
    ...(publicKey ? { publicKey } : {}),
    ...(signature ? { signature } : {}),
    certificate,
    ...(ipAddress ? { ipAddress } : {}),
    ...(certificateHash ? { certificateHash } : {}),
    ...(hashAlgorithm ? { hashAlgorithm } : {}),
  };
}

/** Reads the records from `start` to the end of the file (spec §2.5 step 3). */
export function decodeItlRecords(bytes: Uint8Array, start: number): ItlRecord[] {
  const records: ItlRecord[] = [];
  let offset = start;
  while (offset < bytes.length) {
    if (
      offset + 5 > bytes.length ||
      bytes[offset] !== RecordTag.RECORD_LENGTH ||
      readUint16(bytes, offset + 1) !== 2
    ) {
      throw new ItlFormatError("bad_record", `No RECORD_LENGTH at offset ${offset}.`);
    }
    const length = readUint16(bytes, offset + 3);
    if (length < 5 || offset + length > bytes.length) {
      throw new ItlFormatError(
        "bad_record",
        `The record at offset ${offset} claims ${length} bytes; ${bytes.length - offset} remain.`,
      );
    }
    records.push(decodeRecord(bytes, offset, offset + length));
    offset += length;
  }
  return records;
}
