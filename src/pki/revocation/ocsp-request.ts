import type { CertId } from "./cert-id.js";
import type { Extension } from "./extensions.js";

/** One `Request` of a TBSRequest (RFC 6960 §4.1.1). */
export interface OcspSingleRequest {
  certId: CertId;
  /** singleRequestExtensions, read but not acted on. */
  extensions: Extension[];
}

/** The nonce of a request (RFC 6960 §4.4.1, RFC 9654 §2.1). */
export interface OcspNonce {
  /** The nonce octets. */
  value: Uint8Array;
  /**
   * The extnValue exactly as the client sent it: the OCTET STRING-wrapped form RFC 9654 defines,
   * or the raw nonce older clients send. The response echoes these bytes, which is what
   * clients compare.
   */
  extnValue: Uint8Array;
}

/** A parsed `OCSPRequest` (RFC 6960 §4.1.1). */
export interface OcspRequest {
  requests: OcspSingleRequest[];
  nonce?: OcspNonce;
  /** requestExtensions, the nonce included. */
  extensions: Extension[];
  /** Whether the request carried optionalSignature; it is accepted but not verified. */
  isSigned: boolean;
  /** The encoded requestorName GeneralName, when present. */
  requestorName?: Uint8Array;
  /** The request as received. */
  der: Uint8Array;
}
