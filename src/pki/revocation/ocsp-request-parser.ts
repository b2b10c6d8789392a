import type { CertId, CertIdHashAlgorithm } from "./cert-id.js";
import { DerReader, integerToHex, type DerElement } from "./der-reader.js";
import { contextTag, TAG } from "./der-writer.js";
import { readExtensions, type Extension } from "./extensions.js";
import type { OcspNonce, OcspRequest, OcspSingleRequest } from "./ocsp-request.js";
import { OID, sameBytes } from "./oids.js";
import { RevocationError } from "./revocation-error.js";

export interface OcspRequestLimits {
  /** Largest request accepted, in bytes. */
  maxBytes: number;
  /** Most Request entries (certificates asked about) in one request. */
  maxCertIds: number;
}

/** Generous for signed requests carrying certificates; small enough to refuse abuse cheaply. */
export const DEFAULT_OCSP_REQUEST_LIMITS: OcspRequestLimits = {
  maxBytes: 64 * 1024,
  maxCertIds: 100,
};

/** RFC 9654 §2.1: a nonce is 1 to 128 octets; longer ones are rejected as malformed. */
const MAX_NONCE_OCTETS = 128;

const HASH_ALGORITHMS: readonly [Uint8Array, CertIdHashAlgorithm, number][] = [
  [OID.sha1, "SHA-1", 20],
  [OID.sha256, "SHA-256", 32],
];

const CODE = "malformed_request";

/**
 * Parses a DER `OCSPRequest` (RFC 6960 §4.1.1): every Request's CertID (SHA-1 or SHA-256),
 * the nonce in either form clients send, and a signature that is tolerated but not checked.
 * Anything else is a RevocationError whose code the responder answers with malformedRequest.
 */
export function parseOcspRequest(
  der: Uint8Array,
  limits: OcspRequestLimits = DEFAULT_OCSP_REQUEST_LIMITS,
): OcspRequest {
  if (der.length > limits.maxBytes) {
    throw new RevocationError(
      "request_too_large",
      `the OCSP request is larger than ${limits.maxBytes} bytes`,
    );
  }
  const outer = new DerReader(der, CODE);
  const ocspRequest = outer.sequence("the OCSP request");
  outer.end("the OCSP request");

  const tbs = ocspRequest.sequence("the TBSRequest");
  const version = tbs.optional(contextTag(0, true), "the request version");
  if (version) readVersion(version);
  const requestorName = tbs.optional(contextTag(1, true), "the requestor name");
  const requestList = tbs.sequence("the request list");
  const extensionsWrapper = tbs.optional(contextTag(2, true), "the request extensions");
  tbs.end("the TBSRequest");

  const signature = ocspRequest.optional(contextTag(0, true), "the request signature");
  if (signature) readSignatureShape(signature);
  ocspRequest.end("the OCSP request");

  const requests: OcspSingleRequest[] = [];
  while (requestList.hasMore) {
    if (requests.length === limits.maxCertIds) {
      throw new RevocationError(
        "request_too_large",
        `the OCSP request asks about more than ${limits.maxCertIds} certificates`,
      );
    }
    requests.push(readSingleRequest(requestList));
  }
  if (requests.length === 0) requestList.fail("the OCSP request asks about no certificate");

  const extensions = extensionsWrapper ? readExplicitExtensions(extensionsWrapper) : [];
  const nonceExtension = extensions.find((extension) => sameBytes(extension.oid, OID.ocspNonce));
  return {
    requests,
    ...(nonceExtension ? { nonce: readNonce(nonceExtension) } : {}),
    extensions,
    isSigned: signature !== undefined,
    ...(requestorName ? { requestorName: requestorName.value } : {}),
    der,
  };
}

/** `version [0] EXPLICIT Version DEFAULT v1`: only v1 (0) exists. */
function readVersion(wrapper: DerElement): void {
  const reader = DerReader.of(wrapper, CODE);
  const version = reader.expect(TAG.integer, "the request version");
  reader.end("the request version");
  if (version.value.length !== 1 || version.value[0] !== 0) {
    throw new RevocationError("unsupported_version", "only version 1 OCSP requests are supported");
  }
}

/** `Signature ::= SEQUENCE { signatureAlgorithm, signature BIT STRING, certs [0] OPTIONAL }`. */
function readSignatureShape(wrapper: DerElement): void {
  const reader = DerReader.of(wrapper, CODE);
  const signature = reader.sequence("the request signature");
  reader.end("the request signature");
  signature.expect(TAG.sequence, "the request signature algorithm");
  signature.expect(TAG.bitString, "the request signature value");
  signature.optional(contextTag(0, true), "the request signer certificates");
  signature.end("the request signature");
}

function readSingleRequest(list: DerReader): OcspSingleRequest {
  const request = list.sequence("a Request");
  const certIdElement = request.expect(TAG.sequence, "a CertID");
  const extensionsWrapper = request.optional(contextTag(0, true), "a Request's extensions");
  request.end("a Request");
  return {
    certId: readCertId(certIdElement),
    extensions: extensionsWrapper ? readExplicitExtensions(extensionsWrapper) : [],
  };
}

function readCertId(element: DerElement): CertId {
  const certId = DerReader.of(element, CODE);
  const algorithm = certId.sequence("a CertID hash algorithm");
  const algorithmOid = algorithm.expect(TAG.oid, "a CertID hash algorithm").der;
  // Parameters are NULL or absent for SHA-1 and SHA-2 (RFC 5754 §2).
  const parameters = algorithm.optional(TAG.null, "hash algorithm parameters");
  if (parameters && parameters.value.length !== 0)
    algorithm.fail("the hash parameters are not NULL");
  algorithm.end("a CertID hash algorithm");
  const known = HASH_ALGORITHMS.find(([oid]) => sameBytes(oid, algorithmOid));
  if (!known) {
    throw new RevocationError("unsupported_hash_algorithm", "CertIDs must use SHA-1 or SHA-256");
  }
  const [, hashAlgorithm, digestLength] = known;
  const issuerNameHash = certId.expect(TAG.octetString, "a CertID issuerNameHash").value;
  const issuerKeyHash = certId.expect(TAG.octetString, "a CertID issuerKeyHash").value;
  const serial = certId.expect(TAG.integer, "a CertID serial number").value;
  certId.end("a CertID");
  if (issuerNameHash.length !== digestLength || issuerKeyHash.length !== digestLength) {
    certId.fail(`a ${hashAlgorithm} CertID hash is not ${digestLength} octets`);
  }
  if (serial.length === 0) certId.fail("a CertID serial number is empty");
  return {
    hashAlgorithm,
    issuerNameHash,
    issuerKeyHash,
    serialNumber: integerToHex(serial),
    der: element.der,
  };
}

function readExplicitExtensions(wrapper: DerElement): Extension[] {
  const reader = DerReader.of(wrapper, CODE);
  const extensions = readExtensions(reader.next("the extensions"), CODE);
  reader.end("the extensions");
  return extensions;
}

/**
 * RFC 9654 §2.1 wraps the nonce in an OCTET STRING inside extnValue; some clients put the raw
 * octets there instead (RFC 6960 left it unclear). A value that is exactly one OCTET STRING is
 * read as the wrapped form, anything else as raw.
 */
function readNonce(extension: Extension): OcspNonce {
  const extnValue = extension.value;
  let value = extnValue;
  const reader = new DerReader(extnValue, CODE);
  if (reader.peekTag() === TAG.octetString) {
    try {
      const inner = reader.next("the nonce");
      if (!reader.hasMore) value = inner.value;
    } catch {
      // Not a well-formed OCTET STRING: a raw nonce that happens to start with 0x04.
    }
  }
  if (value.length === 0 || value.length > MAX_NONCE_OCTETS) {
    throw new RevocationError(CODE, `the nonce must be 1 to ${MAX_NONCE_OCTETS} octets`);
  }
  return { value, extnValue };
}
