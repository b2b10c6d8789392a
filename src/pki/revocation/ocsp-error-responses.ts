/**
 * The unsuccessful OCSPResponseStatus values of RFC 6960 §4.2.1. Such a response carries no
 * responseBytes and no signature: `OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED }`.
 * (sigRequired (5) is left out: signed requests are never required here.)
 */
export const OCSP_ERROR_STATUSES = {
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  unauthorized: 6,
} as const;

export type OcspErrorStatus = keyof typeof OCSP_ERROR_STATUSES;

/** The DER of an unsigned error response, e.g. 30 03 0a 01 01 for malformedRequest. */
export function ocspErrorResponse(status: OcspErrorStatus): Uint8Array {
  return Uint8Array.of(0x30, 0x03, 0x0a, 0x01, OCSP_ERROR_STATUSES[status]);
}
