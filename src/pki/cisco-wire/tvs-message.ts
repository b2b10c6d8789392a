/**
 * TVS messages (spec §6): a 10-byte header (0x57, version 1, command, 00, session id, elements
 * length), then elements. One request and one response per TLS connection; the phone chooses the
 * session id and the response echoes it.
 */

import { ITL_ROLE_CODES, ITL_ROLES, roleOfCode, type ItlRole } from "../itl/roles.js";

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
} from "./wire-elements.js";
import { CiscoWireError } from "./wire-errors.js";

export const TVS_PROTOCOL_ID = 0x57;
export const TVS_VERSION = 1;
export const TVS_HEADER_BYTES = 10;

export const TvsCommand = {
  NONE: 0,
  VERIFY_REQUEST: 1,
  VERIFY_RESPONSE: 2,
  QUERY_REQUEST: 3,
  QUERY_RESPONSE: 4,
} as const;
export type TvsCommand = (typeof TvsCommand)[keyof typeof TvsCommand];

export const TvsTag = { DEVICE_NAME: 1, CERTIFICATE: 2, STATUS: 7, ROLES: 8, TTL: 9 } as const;

/** The leading byte of DEVICE_NAME: meaning unknown; sent as 01, ignored on input (spec §9). */
export const TVS_DEVICE_NAME_PREFIX = 0x01;
/** U2's default and allowed TTL range in seconds (spec §6). */
export const TVS_DEFAULT_TTL_SECONDS = 86_400;
export const TVS_MAX_TTL_SECONDS = 2_592_000;
export const DEFAULT_MAX_TVS_MESSAGE_BYTES = 16 * 1024;

/** `CP-` + 4-digit model + `-SEP` + 12 hex digits, as U2 checks (spec §6). */
const DEVICE_NAME = /^CP-[0-9]{4}-SEP[0-9A-Fa-f]{12}$/;

export interface TvsVerifyRequest {
  sessionId: number;
  /** `CP-<model>-SEP<MAC>`, e.g. `CP-8845-SEP001122334455`. */
  deviceName: string;
  /** DER of the certificate the phone asks about. */
  certificate: Uint8Array;
}

export type TvsVerifyResponse =
  | { sessionId: number; status: "valid"; roles: ItlRole[]; ttlSeconds: number }
  | { sessionId: number; status: "invalid" };

function checkSessionId(sessionId: number): void {
  if (!Number.isInteger(sessionId) || sessionId < 0 || sessionId > 0xffffffff) {
    throw new CiscoWireError("bad_element", "The session id must be a 32-bit unsigned integer.");
  }
}

function encodeTvs(command: TvsCommand, sessionId: number, body: Uint8Array): Uint8Array {
  checkSessionId(sessionId);
  if (body.length > 0xffff) throw new CiscoWireError("too_large", "The TVS message is too large.");
  const out = new Uint8Array(TVS_HEADER_BYTES + body.length);
  out.set([TVS_PROTOCOL_ID, TVS_VERSION, command, 0]);
  out.set(uint32Value(sessionId), 4);
  out.set(uint16Value(body.length), 8);
  out.set(body, TVS_HEADER_BYTES);
  return out;
}

/** Header fields, checked against `maxBytes` before the body arrives. */
export function readTvsHeader(
  bytes: Uint8Array,
  maxBytes = DEFAULT_MAX_TVS_MESSAGE_BYTES,
): { command: number; sessionId: number; totalBytes: number } {
  if (bytes.length < TVS_HEADER_BYTES)
    throw new CiscoWireError("truncated", "A TVS header is 10 bytes.");
  if (bytes[0] !== TVS_PROTOCOL_ID || bytes[1] !== TVS_VERSION) {
    throw new CiscoWireError("bad_protocol", "This is not a version 1 TVS message.");
  }
  const totalBytes = TVS_HEADER_BYTES + readUint16(bytes, 8);
  if (totalBytes > maxBytes) {
    throw new CiscoWireError("too_large", `A ${totalBytes}-byte TVS message exceeds ${maxBytes}.`);
  }
  return { command: bytes[2] ?? 0, sessionId: readUint32(bytes, 4), totalBytes };
}

function decodeTvs(bytes: Uint8Array, expected: TvsCommand, maxBytes: number) {
  const { command, sessionId, totalBytes } = readTvsHeader(bytes, maxBytes);
  if (command !== expected) {
    throw new CiscoWireError(
      "unknown_command",
      `Expected TVS command ${expected}, got ${command}.`,
    );
  }
  if (bytes.length !== totalBytes) {
    throw new CiscoWireError(
      "bad_length",
      `The header announces ${totalBytes} bytes, got ${bytes.length}.`,
    );
  }
  return { sessionId, elements: decodeElements(bytes.subarray(TVS_HEADER_BYTES)) };
}

/**
 * Framing for a byte stream: the length of the first whole TVS message in `buffer`, or undefined
 * while more bytes are needed. Fails at once on a bad or oversized header.
 */
export function tvsFrameLength(
  buffer: Uint8Array,
  maxBytes = DEFAULT_MAX_TVS_MESSAGE_BYTES,
): number | undefined {
  if (buffer.length < TVS_HEADER_BYTES) {
    if (buffer.length > 0 && buffer[0] !== TVS_PROTOCOL_ID) {
      throw new CiscoWireError("bad_protocol", "This is not a TVS message.");
    }
    return undefined;
  }
  const { totalBytes } = readTvsHeader(buffer, maxBytes);
  return buffer.length >= totalBytes ? totalBytes : undefined;
}

export function isTvsDeviceName(name: string): boolean {
  return DEVICE_NAME.test(name);
}

export function encodeTvsVerifyRequest(request: TvsVerifyRequest): Uint8Array {
  if (!isTvsDeviceName(request.deviceName)) {
    throw new CiscoWireError("bad_element", `"${request.deviceName}" is not CP-<model>-SEP<MAC>.`);
  }
  const name = new TextEncoder().encode(request.deviceName);
  return encodeTvs(
    TvsCommand.VERIFY_REQUEST,
    request.sessionId,
    encodeElements([
      { tag: TvsTag.DEVICE_NAME, value: Uint8Array.from([TVS_DEVICE_NAME_PREFIX, ...name]) },
      { tag: TvsTag.CERTIFICATE, value: request.certificate },
    ]),
  );
}

export function decodeTvsVerifyRequest(
  bytes: Uint8Array,
  maxBytes = DEFAULT_MAX_TVS_MESSAGE_BYTES,
): TvsVerifyRequest {
  const { sessionId, elements } = decodeTvs(bytes, TvsCommand.VERIFY_REQUEST, maxBytes);
  const seen = new Set<number>();
  let deviceName: string | undefined;
  let certificate: Uint8Array | undefined;
  for (const element of elements) {
    if (element.tag === TvsTag.DEVICE_NAME) {
      assertFirst(seen, element.tag);
      // Skip the leading byte whatever it holds (spec §9), then plain ASCII with no NUL.
      deviceName = String.fromCharCode(...element.value.subarray(1));
      if (element.value.length < 2 || !isTvsDeviceName(deviceName)) {
        throw new CiscoWireError("bad_element", "DEVICE_NAME is not CP-<model>-SEP<MAC>.");
      }
    } else if (element.tag === TvsTag.CERTIFICATE) {
      assertFirst(seen, element.tag);
      if (element.value.length === 0)
        throw new CiscoWireError("bad_element", "CERTIFICATE is empty.");
      certificate = element.value;
    }
    // Other tags are ignored, as a reader of an undocumented protocol should.
  }
  if (deviceName === undefined || !certificate) {
    throw new CiscoWireError("missing_element", "A TVS request needs DEVICE_NAME and CERTIFICATE.");
  }
  return { sessionId, deviceName, certificate };
}

/** Role codes, one byte each, in the order SAST, CCM, CCM+TFTP, TFTP, CAPF, APP-SERVER, TVS. */
function roleBytes(roles: readonly ItlRole[]): Uint8Array {
  const wanted = new Set(roles);
  return Uint8Array.from(
    ITL_ROLES.filter((role) => wanted.has(role)).map((role) => ITL_ROLE_CODES[role]),
  );
}

export function encodeTvsVerifyResponse(response: TvsVerifyResponse): Uint8Array {
  if (response.status === "invalid") {
    return encodeTvs(
      TvsCommand.VERIFY_RESPONSE,
      response.sessionId,
      encodeElements([{ tag: TvsTag.STATUS, value: uint8Value(1) }]),
    );
  }
  const { ttlSeconds, roles } = response;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > TVS_MAX_TTL_SECONDS) {
    throw new CiscoWireError("bad_element", `The TTL must be 1..${TVS_MAX_TTL_SECONDS} seconds.`);
  }
  if (roles.length === 0) throw new CiscoWireError("bad_element", "A valid answer needs a role.");
  return encodeTvs(
    TvsCommand.VERIFY_RESPONSE,
    response.sessionId,
    encodeElements([
      { tag: TvsTag.STATUS, value: uint8Value(0) },
      { tag: TvsTag.ROLES, value: roleBytes(roles) },
      { tag: TvsTag.TTL, value: uint32Value(ttlSeconds) },
    ]),
  );
}

export function decodeTvsVerifyResponse(
  bytes: Uint8Array,
  maxBytes = DEFAULT_MAX_TVS_MESSAGE_BYTES,
): TvsVerifyResponse {
  const { sessionId, elements } = decodeTvs(bytes, TvsCommand.VERIFY_RESPONSE, maxBytes);
  const seen = new Set<number>();
  let status: number | undefined;
  let roles: ItlRole[] | undefined;
  let ttlSeconds: number | undefined;
  for (const element of elements) {
    if (element.tag === TvsTag.STATUS) {
      assertFirst(seen, element.tag);
      status = fixedValue(element, 1, "STATUS");
      if (status > 1) throw new CiscoWireError("bad_element", `STATUS ${status} is not 0 or 1.`);
    } else if (element.tag === TvsTag.ROLES) {
      assertFirst(seen, element.tag);
      roles = Array.from(element.value, (code) => {
        const role = roleOfCode(code);
        if (!role) throw new CiscoWireError("bad_element", `Unknown role code ${code}.`);
        return role;
      });
    } else if (element.tag === TvsTag.TTL) {
      assertFirst(seen, element.tag);
      ttlSeconds = fixedValue(element, 4, "TTL");
    }
  }
  if (status === undefined)
    throw new CiscoWireError("missing_element", "The response has no STATUS.");
  if (status === 1) return { sessionId, status: "invalid" };
  if (!roles || roles.length === 0 || ttlSeconds === undefined) {
    throw new CiscoWireError("missing_element", "A valid answer needs ROLES and TTL.");
  }
  return { sessionId, status: "valid", roles, ttlSeconds };
}
