/**
 * Reading `/csc/v2` request bodies by hand, so each failure carries the exact
 * `error_description` of csc-api-v2.md §3 that clients compare (a schema validator's messages
 * would not), and so the v1 names (§8) are accepted beside the v2 ones.
 */
import { decodeBase64, requireBase64Hash } from "../../../services/csc/algorithms.fns.js";
import {
  invalidParameter,
  invalidRequest,
  missingString,
} from "../../../services/csc/csc-errors.js";

export type Body = Record<string, unknown>;

/** The JSON body as an object; an absent body is `{}` (seed 001 posts empty bodies). */
export function bodyOf(raw: unknown): Body {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw invalidRequest("The request body must be a JSON object");
  }
  return raw as Body;
}

export function optionalString(body: Body, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw missingString(name);
  return value;
}

export function requiredString(body: Body, name: string): string {
  const value = optionalString(body, name);
  if (value === undefined || value === "") throw missingString(name);
  return value;
}

export function optionalBoolean(body: Body, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalidParameter(name);
  return value;
}

export function requiredInteger(body: Body, name: string): number {
  const value = body[name];
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw invalidRequest(`Missing (or invalid type) integer parameter ${name}`);
  }
  return value;
}

/** `clientData` is opaque tracing data (§1): checked for type, logged by no one, never used. */
export function checkClientData(body: Body): void {
  const value = body.clientData;
  if (value !== undefined && value !== null && typeof value !== "string") {
    throw invalidParameter("clientData");
  }
}

/** v2 `hashes`, or v1 `hash` (§8); null when neither is present. */
export function optionalHashes(body: Body): Buffer[] | undefined {
  const value = body.hashes ?? body.hash;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    throw invalidRequest("Missing (or invalid type) array parameter hash");
  }
  if (value.length === 0) throw invalidRequest("Empty hash array");
  if (value.length > MAX_HASHES) throw invalidRequest("Invalid parameter hashes");
  return value.map(requireBase64Hash);
}

/** At most this many digests per call: bounds the work one request can ask for. */
export const MAX_HASHES = 1000;

export function requiredHashes(body: Body): Buffer[] {
  const hashes = optionalHashes(body);
  if (hashes === undefined) throw invalidRequest("Missing (or invalid type) array parameter hash");
  return hashes;
}

/** v2 `hashAlgorithmOID`, or v1 `hashAlgo`. */
export function hashAlgorithmOid(body: Body): string | undefined {
  if (body.hashAlgorithmOID !== undefined && body.hashAlgorithmOID !== null) {
    return optionalString(body, "hashAlgorithmOID");
  }
  const v1 = body.hashAlgo;
  if (v1 === undefined || v1 === null) return undefined;
  if (typeof v1 !== "string") throw missingString("hashAlgorithmOID");
  return v1;
}

export function signAlgoParams(body: Body): Uint8Array | undefined {
  const value = optionalString(body, "signAlgoParams");
  if (value === undefined) return undefined;
  const decoded = decodeBase64(value);
  if (!decoded) throw invalidParameter("signAlgoParams");
  return decoded;
}

export type CertificatesOption = "none" | "single" | "chain";

export function certificatesOption(body: Body): CertificatesOption {
  const value = body.certificates;
  if (value === undefined || value === null) return "single";
  if (value !== "none" && value !== "single" && value !== "chain") {
    throw invalidParameter("certificates");
  }
  return value;
}

/**
 * The PIN from v2 `authData: [{id: "PIN", value}]` or v1 `PIN` (§4.6). `fromAuthData` picks
 * the error code of a wrong PIN (v2 `invalid_authentication_data`, v1 `invalid_pin`).
 */
export function pinOf(body: Body): { pin: string | undefined; fromAuthData: boolean } {
  const authData = body.authData;
  if (authData !== undefined && authData !== null) {
    if (!Array.isArray(authData)) throw invalidParameter("authData");
    let pin: string | undefined;
    for (const item of authData as unknown[]) {
      if (typeof item !== "object" || item === null) throw invalidParameter("authData");
      const { id, value } = item as { id?: unknown; value?: unknown };
      if (typeof id !== "string") throw invalidParameter("authData");
      if (id !== "PIN") throw invalidParameter("authData");
      if (typeof value !== "string") throw invalidParameter("authData");
      pin = value;
    }
    return { pin, fromAuthData: true };
  }
  const v1 = body.PIN;
  if (v1 === undefined || v1 === null) return { pin: undefined, fromAuthData: false };
  if (typeof v1 !== "string") throw missingString("PIN");
  return { pin: v1, fromAuthData: false };
}

/** `operationMode`: only synchronous signing is offered (§7: `asynchronousOperationMode` false). */
export function checkOperationMode(body: Body): void {
  const value = body.operationMode;
  if (value !== undefined && value !== null && value !== "S") {
    throw invalidParameter("operationMode");
  }
}
