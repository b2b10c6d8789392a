/**
 * CAPF messages (spec §5.3): an 8-byte header (0x55, command, session id, elements length) and
 * elements. One codec for both directions; the server and the phone simulator decide which
 * commands they expect. Elements are written in ascending tag order, which is what the captured
 * vectors of spec §5.7 show.
 */

import {
  CAPF_HEADER_BYTES,
  CAPF_PROTOCOL_ID,
  CapfTag,
  isCapfCommand,
  type CapfCommand,
} from "./capf-constants.js";
import {
  decodeHashedProof,
  decodeSudi,
  encodeHashedProof,
  encodeSudi,
  nulString,
  readNulString,
  unwrapCertificate,
  wrapCertificate,
  type HashedProof,
  type SudiData,
} from "./capf-values.js";
import {
  assertFirst,
  decodeElements,
  encodeElements,
  fixedValue,
  readUint16,
  readUint32,
  uint16Value,
  uint32Value,
  uint8Value,
  type WireElement,
} from "./wire-elements.js";
import { CiscoWireError } from "./wire-errors.js";

export type { HashedProof, SudiData };

export interface CapfFields {
  reason?: number;
  reasonInfo?: string;
  certificateType?: number;
  /** Certificate DER, without the 5-byte wrapper (spec §5.3 CERTIFICATE). */
  certificate?: Uint8Array;
  signedData?: Uint8Array;
  version?: number;
  authType?: number;
  /** SubjectPublicKeyInfo DER of the phone's new key. */
  publicKey?: Uint8Array;
  keySize?: number;
  /** Authentication string; "" for the null string. */
  password?: string;
  deviceName?: string;
  sudiData?: SudiData;
  keyType?: number;
  curve?: number;
  sha2SignedData?: HashedProof;
}

export interface CapfMessage {
  command: CapfCommand;
  /** Chosen by the server, echoed by the phone (spec §5.3). */
  sessionId: number;
  fields: CapfFields;
  /** Elements with tags this codec does not know, kept and otherwise ignored (spec §5.3 [L]). */
  unknownElements?: WireElement[];
}

/** Default bound for one message: a certificate, a SUDI certificate and proofs fit easily. */
export const DEFAULT_MAX_CAPF_MESSAGE_BYTES = 16 * 1024;

function checkByte(value: number | undefined, what: string): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > 0xff)) {
    throw new CiscoWireError("bad_element", `${what} must fit in one byte.`);
  }
  return value;
}

/** The elements of `fields`, in ascending tag order. */
function fieldElements(fields: CapfFields): WireElement[] {
  const out: WireElement[] = [];
  const byte = (tag: number, value: number | undefined, what: string) => {
    if (checkByte(value, what) !== undefined) out.push({ tag, value: uint8Value(value ?? 0) });
  };
  byte(CapfTag.REASON, fields.reason, "REASON");
  if (fields.reasonInfo !== undefined) {
    out.push({ tag: CapfTag.REASON_INFO, value: nulString(fields.reasonInfo) });
  }
  byte(CapfTag.CERTIFICATE_TYPE, fields.certificateType, "CERTIFICATE_TYPE");
  if (fields.certificate) {
    out.push({
      tag: CapfTag.CERTIFICATE,
      value: wrapCertificate(fields.certificate, fields.certificateType ?? 1),
    });
  }
  if (fields.signedData) out.push({ tag: CapfTag.SIGNED_DATA, value: fields.signedData });
  byte(CapfTag.VERSION, fields.version, "VERSION");
  byte(CapfTag.AUTH_TYPE, fields.authType, "AUTH_TYPE");
  if (fields.publicKey) out.push({ tag: CapfTag.PUBLIC_KEY, value: fields.publicKey });
  if (fields.keySize !== undefined) {
    if (!Number.isInteger(fields.keySize) || fields.keySize < 1 || fields.keySize > 0xffff) {
      throw new CiscoWireError("bad_element", "KEY_SIZE must be 1..65535 bits.");
    }
    out.push({ tag: CapfTag.KEY_SIZE, value: uint16Value(fields.keySize) });
  }
  if (fields.password !== undefined) {
    out.push({ tag: CapfTag.PASSWORD, value: nulString(fields.password) });
  }
  if (fields.deviceName !== undefined) {
    out.push({ tag: CapfTag.DEVICE_NAME, value: nulString(fields.deviceName) });
  }
  if (fields.sudiData) out.push({ tag: CapfTag.SUDI_DATA, value: encodeSudi(fields.sudiData) });
  byte(CapfTag.KEY_TYPE, fields.keyType, "KEY_TYPE");
  byte(CapfTag.CURVE, fields.curve, "CURVE");
  if (fields.sha2SignedData) {
    out.push({ tag: CapfTag.SHA2_SIGNED_DATA, value: encodeHashedProof(fields.sha2SignedData) });
  }
  return out;
}

/** Encodes a message; send it in one write (spec §5.4 step 5). */
export function encodeCapfMessage(message: CapfMessage): Uint8Array {
  if (!isCapfCommand(message.command)) {
    throw new CiscoWireError(
      "unknown_command",
      `CAPF command ${String(message.command)} does not exist.`,
    );
  }
  if (
    !Number.isInteger(message.sessionId) ||
    message.sessionId < 0 ||
    message.sessionId > 0xffffffff
  ) {
    throw new CiscoWireError("bad_element", "The session id must be a 32-bit unsigned integer.");
  }
  const body = encodeElements([
    ...fieldElements(message.fields),
    ...(message.unknownElements ?? []),
  ]);
  if (body.length > 0xffff) throw new CiscoWireError("too_large", "The message is too large.");
  const out = new Uint8Array(CAPF_HEADER_BYTES + body.length);
  out[0] = CAPF_PROTOCOL_ID;
  out[1] = message.command;
  out.set(uint32Value(message.sessionId), 2);
  out.set(uint16Value(body.length), 6);
  out.set(body, CAPF_HEADER_BYTES);
  return out;
}

function decodeFields(elements: WireElement[]): { fields: CapfFields; unknown: WireElement[] } {
  const fields: CapfFields = {};
  const unknown: WireElement[] = [];
  const seen = new Set<number>();
  for (const element of elements) {
    const { tag, value } = element;
    switch (tag) {
      case CapfTag.REASON:
        assertFirst(seen, tag);
        fields.reason = fixedValue(element, 1, "REASON");
        break;
      case CapfTag.REASON_INFO:
        assertFirst(seen, tag);
        fields.reasonInfo = readNulString(value, "REASON_INFO", false);
        break;
      case CapfTag.CERTIFICATE_TYPE:
        assertFirst(seen, tag);
        fields.certificateType = fixedValue(element, 1, "CERTIFICATE_TYPE");
        break;
      case CapfTag.CERTIFICATE:
        assertFirst(seen, tag);
        fields.certificate = unwrapCertificate(value);
        break;
      case CapfTag.SIGNED_DATA:
        assertFirst(seen, tag);
        fields.signedData = value;
        break;
      case CapfTag.VERSION:
        assertFirst(seen, tag);
        fields.version = fixedValue(element, 1, "VERSION");
        break;
      case CapfTag.AUTH_TYPE:
        assertFirst(seen, tag);
        fields.authType = fixedValue(element, 1, "AUTH_TYPE");
        break;
      case CapfTag.PUBLIC_KEY:
        assertFirst(seen, tag);
        if (value.length === 0) throw new CiscoWireError("bad_element", "PUBLIC_KEY is empty.");
        fields.publicKey = value;
        break;
      case CapfTag.KEY_SIZE:
        assertFirst(seen, tag);
        fields.keySize = fixedValue(element, 2, "KEY_SIZE");
        break;
      case CapfTag.PASSWORD:
        assertFirst(seen, tag);
        fields.password = readNulString(value, "PASSWORD", true);
        break;
      case CapfTag.DEVICE_NAME:
        assertFirst(seen, tag);
        fields.deviceName = readNulString(value, "DEVICE_NAME", true);
        break;
      case CapfTag.SUDI_DATA:
        assertFirst(seen, tag);
        fields.sudiData = decodeSudi(value);
        break;
      case CapfTag.KEY_TYPE:
        assertFirst(seen, tag);
        fields.keyType = fixedValue(element, 1, "KEY_TYPE");
        break;
      case CapfTag.CURVE:
        assertFirst(seen, tag);
        fields.curve = fixedValue(element, 1, "CURVE");
        break;
      case CapfTag.SHA2_SIGNED_DATA:
        assertFirst(seen, tag);
        fields.sha2SignedData = decodeHashedProof(value);
        break;
      default:
        unknown.push(element);
    }
  }
  return { fields, unknown };
}

/** The command, session id and elements length of a header, checked against `maxBytes`. */
export function readCapfHeader(
  bytes: Uint8Array,
  maxBytes = DEFAULT_MAX_CAPF_MESSAGE_BYTES,
): { command: CapfCommand; sessionId: number; totalBytes: number } {
  if (bytes.length < CAPF_HEADER_BYTES) {
    throw new CiscoWireError("truncated", "A CAPF header is 8 bytes.");
  }
  if (bytes[0] !== CAPF_PROTOCOL_ID) {
    throw new CiscoWireError(
      "bad_protocol",
      "This is not a CAPF message (first byte is not 0x55).",
    );
  }
  const command = bytes[1] ?? 0;
  if (!isCapfCommand(command)) {
    throw new CiscoWireError("unknown_command", `CAPF command ${command} does not exist.`);
  }
  const totalBytes = CAPF_HEADER_BYTES + readUint16(bytes, 6);
  if (totalBytes > maxBytes) {
    throw new CiscoWireError("too_large", `A ${totalBytes}-byte CAPF message exceeds ${maxBytes}.`);
  }
  return { command, sessionId: readUint32(bytes, 2), totalBytes };
}

/** Decodes exactly one message; `bad_length` when `bytes` holds more or less than it announces. */
export function decodeCapfMessage(
  bytes: Uint8Array,
  maxBytes = DEFAULT_MAX_CAPF_MESSAGE_BYTES,
): CapfMessage {
  const { command, sessionId, totalBytes } = readCapfHeader(bytes, maxBytes);
  if (bytes.length !== totalBytes) {
    throw new CiscoWireError(
      "bad_length",
      `The header announces ${totalBytes} bytes but ${bytes.length} were given.`,
    );
  }
  const { fields, unknown } = decodeFields(decodeElements(bytes.subarray(CAPF_HEADER_BYTES)));
  return {
    command,
    sessionId,
    fields,
    ...(unknown.length > 0 ? { unknownElements: unknown } : {}),
  };
}

/**
 * Framing for a byte stream: the first whole message in `buffer` and how many bytes it used, or
 * undefined while more bytes are needed. A bad header fails at once, before its body arrives.
 */
export function readCapfFrame(
  buffer: Uint8Array,
  maxBytes = DEFAULT_MAX_CAPF_MESSAGE_BYTES,
): { message: CapfMessage; consumed: number } | undefined {
  if (buffer.length < CAPF_HEADER_BYTES) {
    if (buffer.length > 0 && buffer[0] !== CAPF_PROTOCOL_ID) {
      throw new CiscoWireError(
        "bad_protocol",
        "This is not a CAPF message (first byte is not 0x55).",
      );
    }
    return undefined;
  }
  const { totalBytes } = readCapfHeader(buffer, maxBytes);
  if (buffer.length < totalBytes) return undefined;
  return {
    message: decodeCapfMessage(buffer.subarray(0, totalBytes), maxBytes),
    consumed: totalBytes,
  };
}
