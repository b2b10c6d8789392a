/**
 * Walks the header of a `.tlv`, `.sgn` or `.enc.sgn` file (spec §1, §2.5 steps 1–2). Every
 * malformed input ends in an `ItlFormatError`; nothing here reads past the input.
 */

import { ItlFormatError } from "./itl-errors.js";
import type { HeaderVersion } from "./signed-file-builder.js";
import {
  HEADER_CONTAINER_TAGS,
  HeaderTag,
  MODULUS_BYTES_BY_CODE,
  digestOfHashId,
  type ItlDigest,
} from "./tags.js";
import { concatBytes, readUint16, readUint32 } from "./tlv-encoding.js";

/** The `.enc.sgn` encryption block as found (spec §3.3); checked by the `.enc.sgn` parser. */
export interface RawEncryptionElements {
  unknown1?: Uint8Array;
  iv?: Uint8Array;
  paddingCount?: number;
  unknown2?: Uint8Array;
  keySizeBits?: number;
  keyAlgorithm?: Uint8Array;
  wrappedKey?: Uint8Array;
  hashId?: Uint8Array;
  hash?: Uint8Array;
}

export interface SignedHeader {
  version: HeaderVersion;
  /** HEADER_LENGTH: where the body starts. */
  headerLength: number;
  signerVersion?: HeaderVersion;
  signerName?: string;
  issuerName?: string;
  serialNumber: Uint8Array;
  digest: ItlDigest;
  /** SIGNATURE_MODULUS code, when present. */
  modulusCode?: number;
  signature: Uint8Array;
  /** Offset of the SIGNATURE element's tag byte. */
  signatureOffset: number;
  fileName?: string;
  /** Unix seconds. */
  timestamp?: number;
  encryption: RawEncryptionElements;
}

const FIXED_SIZES: Partial<Record<number, number>> = {
  [HeaderTag.SIGNER_VERSION]: 2,
  [HeaderTag.HASH_ALGORITHM]: 1,
  [HeaderTag.SIGNATURE_ALGORITHM]: 1,
  [HeaderTag.SIGNATURE_MODULUS]: 1,
  [HeaderTag.TIMESTAMP]: 4,
  [HeaderTag.ENCRYPTION_UNKNOWN_1]: 1,
  [HeaderTag.ENCRYPTION_PADDING]: 2,
  [HeaderTag.ENCRYPTION_UNKNOWN_2]: 1,
  [HeaderTag.ENCRYPTION_KEY_SIZE]: 2,
  [HeaderTag.ENCRYPTION_KEY_ALGORITHM]: 1,
  [HeaderTag.ENCRYPTION_HASH_ALGORITHM]: 1,
};

const MAX_KNOWN_HEADER_TAG = HeaderTag.SIGNER_VERSION;

/** A NUL-terminated UTF-8 string value (spec §1): the reader drops the last byte. */
export function decodeCiscoString(value: Uint8Array, what: string): string {
  if (value.length === 0 || value[value.length - 1] !== 0) {
    throw new ItlFormatError("bad_element", `The ${what} is not NUL-terminated.`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(value.subarray(0, -1));
  } catch (cause) {
    throw new ItlFormatError("bad_element", `The ${what} is not valid UTF-8.`, { cause });
  }
}

/** HEADER_VERSION and HEADER_LENGTH, the fixed first 10 bytes (spec §2.5 step 1). */
function readHeaderStart(bytes: Uint8Array): { version: HeaderVersion; headerLength: number } {
  if (bytes.length < 10) {
    throw new ItlFormatError("truncated", "The file is shorter than the 10-byte header start.");
  }
  if (bytes[0] !== HeaderTag.VERSION || readUint16(bytes, 1) !== 2) {
    throw new ItlFormatError("bad_version_tag", "The file does not start with HEADER_VERSION.");
  }
  if (bytes[5] !== HeaderTag.HEADER_LENGTH || readUint16(bytes, 6) !== 2) {
    throw new ItlFormatError("bad_length_tag", "HEADER_LENGTH is not at offset 5.");
  }
  const headerLength = readUint16(bytes, 8);
  if (headerLength < 10 || headerLength > bytes.length || headerLength % 4 !== 0) {
    throw new ItlFormatError(
      "bad_header_length",
      `HEADER_LENGTH ${headerLength} is not a multiple of 4 within the ${bytes.length}-byte file.`,
    );
  }
  return { version: { major: bytes[3] ?? 0, minor: bytes[4] ?? 0 }, headerLength };
}

/**
 * Walks the header from offset 10 to HEADER_LENGTH (spec §2.5 step 2): skips padding, enters
 * containers, and hands every other element to `visit`. Checks that nothing overruns its
 * container or the header, that no element repeats, and that fixed-size elements have their size.
 */
function walkHeader(
  bytes: Uint8Array,
  headerLength: number,
  visit: (tag: number, value: Uint8Array, offset: number) => void,
): void {
  const seen = new Set<number>();
  const containerEnds: number[] = [];
  let offset = 10;
  while (offset < headerLength) {
    while (containerEnds.length > 0 && containerEnds[containerEnds.length - 1] === offset) {
      containerEnds.pop();
    }
    const tag = bytes[offset] ?? 0;
    if (tag === HeaderTag.PADDING) {
      // Spec §1: a lone byte, used only to pad the header, never inside a container.
      if (containerEnds.length > 0) {
        throw new ItlFormatError("bad_element", `Padding inside a container at offset ${offset}.`);
      }
      offset += 1;
      continue;
    }
    const containerEnd = containerEnds[containerEnds.length - 1] ?? headerLength;
    const start = offset + 3;
    const end = start + readUint16(bytes, offset + 1);
    if (start > containerEnd || end > containerEnd) {
      throw new ItlFormatError(
        "header_overrun",
        `Element ${tag} at offset ${offset} runs past its container or the header.`,
      );
    }
    if (tag === 0 || tag > MAX_KNOWN_HEADER_TAG || tag <= HeaderTag.HEADER_LENGTH) {
      throw new ItlFormatError("bad_element", `Unexpected header element ${tag} at ${offset}.`);
    }
    if (seen.has(tag)) {
      throw new ItlFormatError("duplicate_element", `Header element ${tag} appears twice.`);
    }
    seen.add(tag);
    if (HEADER_CONTAINER_TAGS.has(tag)) {
      containerEnds.push(end);
      offset = start;
      continue;
    }
    const fixed = FIXED_SIZES[tag];
    if (fixed !== undefined && end - start !== fixed) {
      throw new ItlFormatError("bad_element", `Header element ${tag} must be ${fixed} bytes.`);
    }
    visit(tag, bytes.subarray(start, end), offset);
    offset = end;
  }
  if (containerEnds.some((containerEnd) => containerEnd !== headerLength)) {
    throw new ItlFormatError("header_overrun", "A header container is not closed.");
  }
}

type FoundElements = Partial<Omit<SignedHeader, "version" | "headerLength" | "encryption">> & {
  encryption: RawEncryptionElements;
};

/** Stores one header element's value where `SignedHeader` keeps it. */
function collect(found: FoundElements, tag: number, value: Uint8Array, offset: number): void {
  const { encryption } = found;
  switch (tag) {
    case HeaderTag.SIGNER_VERSION:
      found.signerVersion = { major: value[0] ?? 0, minor: value[1] ?? 0 };
      break;
    case HeaderTag.SIGNER_NAME:
      found.signerName = decodeCiscoString(value, "signer name");
      break;
    case HeaderTag.ISSUER_NAME:
      found.issuerName = decodeCiscoString(value, "issuer name");
      break;
    case HeaderTag.SERIAL_NUMBER:
      if (value.length === 0) throw new ItlFormatError("bad_element", "The serial is empty.");
      found.serialNumber = value.slice();
      break;
    case HeaderTag.HASH_ALGORITHM:
      found.digest = digestOfHashId(value[0] ?? 0);
      if (!found.digest) {
        throw new ItlFormatError("unsupported_hash", `Hash id ${value[0]} is not 1 or 3.`);
      }
      break;
    case HeaderTag.SIGNATURE_ALGORITHM:
      if (value[0] !== 0) {
        throw new ItlFormatError("bad_element", "The signature algorithm is not RSA (0).");
      }
      break;
    case HeaderTag.SIGNATURE_MODULUS:
      found.modulusCode = value[0];
      break;
    case HeaderTag.SIGNATURE:
      if (value.length === 0) throw new ItlFormatError("bad_element", "The signature is empty.");
      found.signature = value.slice();
      found.signatureOffset = offset;
      break;
    case HeaderTag.FILENAME:
      found.fileName = decodeCiscoString(value, "file name");
      break;
    case HeaderTag.TIMESTAMP:
      found.timestamp = readUint32(value, 0);
      break;
    case HeaderTag.ENCRYPTION_UNKNOWN_1:
      encryption.unknown1 = value.slice();
      break;
    case HeaderTag.ENCRYPTION_IV:
      encryption.iv = value.slice();
      break;
    case HeaderTag.ENCRYPTION_PADDING:
      encryption.paddingCount = readUint16(value, 0);
      break;
    case HeaderTag.ENCRYPTION_UNKNOWN_2:
      encryption.unknown2 = value.slice();
      break;
    case HeaderTag.ENCRYPTION_KEY_SIZE:
      encryption.keySizeBits = readUint16(value, 0);
      break;
    case HeaderTag.ENCRYPTION_KEY_ALGORITHM:
      encryption.keyAlgorithm = value.slice();
      break;
    case HeaderTag.ENCRYPTION_KEY:
      encryption.wrappedKey = value.slice();
      break;
    case HeaderTag.ENCRYPTION_HASH_ALGORITHM:
      encryption.hashId = value.slice();
      break;
    case HeaderTag.ENCRYPTION_HASH:
      encryption.hash = value.slice();
      break;
  }
}

/** Parses the header of any signed Cisco file. Does not check the signature. */
export function parseSignedHeader(bytes: Uint8Array): SignedHeader {
  const { version, headerLength } = readHeaderStart(bytes);
  const found: FoundElements = { encryption: {} };
  walkHeader(bytes, headerLength, (tag, value, offset) => collect(found, tag, value, offset));
  const { serialNumber, digest, signature, signatureOffset, modulusCode } = found;
  if (!serialNumber || !digest || !signature || signatureOffset === undefined) {
    const missing = !serialNumber ? "serial number" : !digest ? "hash algorithm" : "signature";
    throw new ItlFormatError("missing_element", `The header has no ${missing}.`);
  }
  if (modulusCode !== undefined && MODULUS_BYTES_BY_CODE[modulusCode] !== signature.length) {
    throw new ItlFormatError(
      "bad_signature_length",
      `The signature is ${signature.length} bytes but SIGNATURE_MODULUS says code ${modulusCode}.`,
    );
  }
  return { ...found, version, headerLength, serialNumber, digest, signature, signatureOffset };
}

/** The bytes the signature covers: the whole file without the SIGNATURE element (spec §1.2). */
export function signedPortion(bytes: Uint8Array, header: SignedHeader): Uint8Array {
  return concatBytes([
    bytes.subarray(0, header.signatureOffset),
    bytes.subarray(header.signatureOffset + 3 + header.signature.length),
  ]);
}
