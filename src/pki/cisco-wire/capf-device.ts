/** Device-side values of CAPF (spec §5.2): the device name and the curve names U2 stores. */

import type { CapfCurveName } from "./capf-constants.js";

/** `SEP` + the MAC as 12 uppercase hex digits, e.g. `SEP001122334455` (spec §5.2). */
const DEVICE_NAME = /^SEP[0-9A-F]{12}$/;

/**
 * Whether DEVICE_NAME from an AUTH_RESPONSE is a valid CAPF device name. The codec does not
 * reject other names: a server answers them with END_SESSION reason 9 (unknown device, §5.4).
 */
export function isCapfDeviceName(name: string): boolean {
  return DEVICE_NAME.test(name);
}

/** U2's `curve_name` values (spec §5.2) and the CURVE codes they travel as (§5.3). */
export const CAPF_CURVE_BY_NAME: Readonly<Record<string, CapfCurveName>> = {
  secp256r1: "P-256",
  secp384r1: "P-384",
  secp521r1: "P-521",
};
