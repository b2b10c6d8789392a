/** Validation of Cisco inputs (spec §5.2, §6): pure, so every surface refuses the same things. */

import { validationFailed } from "../../lib/errors.js";
import { parseCertificates, type CertificateInfo } from "../../pki/certificate-info.js";
import { isCapfDeviceName } from "../../pki/cisco-wire/index.js";
import { isPkiError, toAppError } from "../../pki/errors.js";
// The ITL modules that parse certificates (pkijs) load on first use (files.service.ts): only the
// light ones are imported here.
import { itlErrorToAppError } from "../../pki/itl/itl-app-error.js";
import { isItlError } from "../../pki/itl/itl-errors.js";
import { recordRolesOf, type ItlRole } from "../../pki/itl/roles.js";

import {
  DEVICE_CURVES,
  RSA_KEY_SIZES,
  type DeviceCurve,
  type DeviceKeyType,
} from "./cisco.types.js";

/** Cisco's authentication string is numeric; capfctl allows 4–15 characters (spec §5.1). */
const PASSWORD = /^[0-9]{4,15}$/;

const CURVE_ALIASES: Record<string, DeviceCurve> = {
  secp256r1: "secp256r1",
  prime256v1: "secp256r1",
  "p-256": "secp256r1",
  secp384r1: "secp384r1",
  "p-384": "secp384r1",
  secp521r1: "secp521r1",
  "p-521": "secp521r1",
};

/** `SEP` + 12 hex digits; lowercase hex is accepted and stored uppercase, as the phone sends it. */
export function normalizeDeviceName(name: string): string {
  const upper = name.trim().toUpperCase();
  if (!isCapfDeviceName(upper)) {
    throw validationFailed(
      `Device name "${name}" is not valid: use SEP followed by the 12 hex digits of the MAC (e.g. SEP001122334455).`,
      [{ field: "name" }],
    );
  }
  return upper;
}

export function checkPassword(password: string): string {
  if (!PASSWORD.test(password)) {
    throw validationFailed("The authentication string is 4 to 15 digits.", [{ field: "password" }]);
  }
  return password;
}

/** One of key size (RSA) or curve (EC), as U2 keeps it (spec §5.2). */
export function deviceKey(
  keyType: DeviceKeyType,
  keySize: number | undefined,
  curve: string | undefined,
): { keySize: number | null; curve: DeviceCurve | null } {
  if (keyType === "RSA") {
    if (curve !== undefined) {
      throw validationFailed("An RSA device key has a key_size, not a curve.", [
        { field: "curve" },
      ]);
    }
    const size = keySize ?? 2048;
    if (!(RSA_KEY_SIZES as readonly number[]).includes(size)) {
      throw validationFailed(`key_size must be one of ${RSA_KEY_SIZES.join(", ")}.`, [
        { field: "key_size" },
      ]);
    }
    return { keySize: size, curve: null };
  }
  if (keySize !== undefined) {
    throw validationFailed("An EC device key has a curve, not a key_size.", [
      { field: "key_size" },
    ]);
  }
  const named = CURVE_ALIASES[(curve ?? "secp256r1").trim().toLowerCase()];
  if (!named) {
    throw validationFailed(`curve must be one of ${DEVICE_CURVES.join(", ")}.`, [
      { field: "curve" },
    ]);
  }
  return { keySize: null, curve: named };
}

/** Exactly one certificate from PEM text, as a 400 naming `field` when it is not one. */
export function singleCertificate(pem: string, field: string): CertificateInfo {
  let certificates: CertificateInfo[];
  try {
    certificates = parseCertificates(pem);
  } catch (error) {
    if (isPkiError(error)) {
      throw validationFailed(`"${field}" is not a PEM certificate: ${error.message}.`, [{ field }]);
    }
    throw error;
  }
  if (certificates.length !== 1) {
    throw validationFailed(`"${field}" must hold exactly one certificate.`, [{ field }]);
  }
  return certificates[0]!;
}

/** The roles a trust entry answers with, in spec §6 order (CCM with TFTP becomes CCM+TFTP). */
export function trustRoles(roles: readonly string[]): ItlRole[] {
  try {
    return recordRolesOf(roles);
  } catch (error) {
    if (isItlError(error)) throw itlErrorToAppError(error);
    throw error;
  }
}

/** Maps errors of the pure layers to AppErrors; anything else passes through. */
export function asAppError(error: unknown): unknown {
  if (isItlError(error)) return itlErrorToAppError(error);
  if (isPkiError(error)) return toAppError(error);
  return error;
}
