/**
 * The one error type of the revocation encoders. Services convert it by `code`: every code an
 * OCSP request parser raises becomes the `malformedRequest` response (RFC 6960 §2.3), the rest
 * are caller mistakes (400/422) or a CA whose certificate cannot be read.
 */
export type RevocationErrorCode =
  /** The OCSP request is not well-formed DER of the RFC 6960 §4.1.1 structure. */
  | "malformed_request"
  /** The OCSP request carries a version other than v1 (RFC 6960 §4.1.1). */
  | "unsupported_version"
  /** A CertID names a hash algorithm other than SHA-1 or SHA-256. */
  | "unsupported_hash_algorithm"
  /** The OCSP request is bigger than the configured limits (bytes or Request entries). */
  | "request_too_large"
  /** A certificate given to the encoders (CA, delegated responder) cannot be read. */
  | "bad_certificate"
  /** A delegated responder certificate lacks id-kp-OCSPSigning or id-pkix-ocsp-nocheck. */
  | "bad_responder_certificate"
  /** The signer's public key is not the key of the certificate it signs for. */
  | "signer_mismatch"
  /** A caller-given value is out of range: a date, a serial, a CRL number, a reason. */
  | "invalid_input";

export class RevocationError extends Error {
  readonly code: RevocationErrorCode;

  constructor(code: RevocationErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RevocationError";
    this.code = code;
  }
}

export function isRevocationError(value: unknown): value is RevocationError {
  return value instanceof RevocationError;
}
