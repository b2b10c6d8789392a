/**
 * Pure revocation encoders (issue 5): CRLs (RFC 5280 §5) and OCSP (RFC 6960) requests and
 * responses. No I/O; signing goes through `Signer`, so CA keys may live in an HSM.
 */
export { buildCrl, type CrlInput } from "./crl-builder.js";
export type { CrlEntry } from "./crl-entry.js";
export {
  certIdMatchesIssuer,
  computeIssuerHashes,
  encodeCertId,
  type CertId,
  type CertIdHashAlgorithm,
  type IssuerHashes,
  type IssuerHashPair,
} from "./cert-id.js";
export { decodeOcspGetRequest } from "./ocsp-get-request.js";
export type { OcspNonce, OcspRequest, OcspSingleRequest } from "./ocsp-request.js";
export {
  DEFAULT_OCSP_REQUEST_LIMITS,
  parseOcspRequest,
  type OcspRequestLimits,
} from "./ocsp-request-parser.js";
export {
  createOcspResponder,
  type OcspCertStatus,
  type OcspResponder,
  type OcspResponderOptions,
  type OcspResponseInput,
  type OcspSingleResponseInput,
} from "./ocsp-response-builder.js";
export {
  ocspErrorResponse,
  OCSP_ERROR_STATUSES,
  type OcspErrorStatus,
} from "./ocsp-error-responses.js";
export {
  isRevocationError,
  RevocationError,
  type RevocationErrorCode,
} from "./revocation-error.js";
export {
  isRevocationReason,
  REVOCATION_REASON_CODES,
  REVOKE_REASONS,
  revocationReasonOf,
  type RevocationReason,
} from "./revocation-reasons.js";
