/** Pure codecs of the CAPF (spec §5) and TVS (spec §6) wire protocols; no networking here. */

export * from "./capf-constants.js";
export * from "./capf-device.js";
export * from "./capf-message.js";
export * from "./capf-messages.js";
export * from "./capf-proof.js";
export * from "./tvs-lookup.js";
export * from "./tvs-message.js";
export { CiscoWireError, isCiscoWireError, type CiscoWireErrorCode } from "./wire-errors.js";
