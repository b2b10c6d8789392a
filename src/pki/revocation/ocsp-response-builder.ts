import { createHash } from "node:crypto";

import type { Signer } from "../signer.js";

import type { CertId } from "./cert-id.js";
import { findExtension, readCertificateFacts, subjectPublicKeyOf } from "./certificate-facts.js";
import { DerReader } from "./der-reader.js";
import { generalizedTime } from "./der-time.js";
import {
  concatBytes,
  contextTag,
  enumerated,
  explicit,
  octetString,
  sequence,
  TAG,
  tlv,
} from "./der-writer.js";
import { encodeExtension } from "./extensions.js";
import { OID, sameBytes } from "./oids.js";
import { RevocationError } from "./revocation-error.js";
import {
  isRevocationReason,
  REVOCATION_REASON_CODES,
  type RevocationReason,
} from "./revocation-reasons.js";
import { signatureAlgorithmFor, signStructure } from "./signature-algorithm.js";

/** `CertStatus` of RFC 6960 §4.2.1. */
export type OcspCertStatus =
  | { status: "good" }
  /** `reason` absent or "unspecified" omits revocationReason, as in the CRL (RFC 5280 §5.3.1). */
  | { status: "revoked"; revokedAt: Date; reason?: RevocationReason }
  | { status: "unknown" };

/** One SingleResponse (RFC 6960 §4.2.1). */
export interface OcspSingleResponseInput {
  /** The CertID as the request carried it; its DER is echoed. */
  certId: Pick<CertId, "der">;
  certStatus: OcspCertStatus;
  thisUpdate: Date;
  /** Absent means newer information is always available (RFC 6960 §4.2.2.1); set it. */
  nextUpdate?: Date;
}

export interface OcspResponseInput {
  producedAt: Date;
  responses: readonly OcspSingleResponseInput[];
  /** The request's nonce extnValue, echoed byte for byte (RFC 6960 §4.4.1). */
  nonceExtnValue?: Uint8Array;
}

export interface OcspResponderOptions {
  /** The key that signs responses: the CA's own, or the delegated responder's. */
  signer: Signer;
  /**
   * DER of a delegated responder certificate issued by the CA (RFC 6960 §4.2.2.2): it must
   * carry id-kp-OCSPSigning and id-pkix-ocsp-nocheck and certify the signer's key; it goes in
   * `certs` so clients can verify it. Absent when the CA signs responses itself.
   */
  delegatedCertificate?: Uint8Array;
}

export interface OcspResponder {
  /** SHA-1 of the responder's public key bits, the ResponderID byKey (RFC 6960 §4.2.2.3). */
  readonly responderKeyHash: Uint8Array;
  /** Builds and signs a successful OCSPResponse carrying a BasicOCSPResponse. */
  respond(input: OcspResponseInput): Promise<Uint8Array>;
}

/** `OCSPResponseStatus ::= ENUMERATED { successful (0), ... }` (RFC 6960 §4.2.1). */
const SUCCESSFUL = enumerated(0);
/** `good [0] IMPLICIT NULL` and `unknown [2] IMPLICIT UnknownInfo (NULL)`. */
const GOOD = Uint8Array.of(contextTag(0, false), 0);
const UNKNOWN = Uint8Array.of(contextTag(2, false), 0);

/**
 * Prepares everything about a responder that does not change per request (ResponderID, the
 * signature algorithm, the `certs` field), so answering is a little DER and one signature.
 */
export function createOcspResponder(options: OcspResponderOptions): OcspResponder {
  const { signer, delegatedCertificate } = options;
  if (delegatedCertificate) checkDelegatedCertificate(delegatedCertificate, signer);
  const responderKeyHash = createHash("sha1")
    .update(subjectPublicKeyOf(signer.publicKeySpki))
    .digest();
  // ResponderID ::= CHOICE { byName [1] Name, byKey [2] KeyHash }; the module has EXPLICIT tags.
  const responderId = explicit(2, octetString(responderKeyHash));
  const algorithm = signatureAlgorithmFor(signer.keyType);
  const certs = delegatedCertificate ? [explicit(0, sequence(delegatedCertificate))] : [];

  return {
    responderKeyHash,
    async respond(input) {
      if (input.responses.length === 0) {
        throw new RevocationError("invalid_input", "an OCSP response answers at least one CertID");
      }
      const responses = input.responses.map(encodeSingleResponse);
      const extensions = input.nonceExtnValue
        ? [explicit(1, sequence(encodeExtension(OID.ocspNonce, input.nonceExtnValue)))]
        : [];
      // ResponseData: version is v1, the DEFAULT, so it is not written (X.690 §11.5).
      const tbsResponseData = sequence(
        responderId,
        generalizedTime(input.producedAt, "producedAt"),
        tlv(TAG.sequence, concatBytes(responses)),
        ...extensions,
      );
      const basic = await signStructure(signer, algorithm, tbsResponseData, ...certs);
      return sequence(SUCCESSFUL, explicit(0, sequence(OID.ocspBasic, octetString(basic))));
    },
  };
}

function encodeSingleResponse(response: OcspSingleResponseInput): Uint8Array {
  const { certStatus } = response;
  let status: Uint8Array;
  switch (certStatus.status) {
    case "good":
      status = GOOD;
      break;
    case "unknown":
      status = UNKNOWN;
      break;
    case "revoked": {
      const reason = certStatus.reason ?? "unspecified";
      // removeFromCRL undoes a hold in a delta CRL; in OCSP a lifted hold is simply good.
      if (!isRevocationReason(reason) || reason === "removeFromCRL") {
        throw new RevocationError(
          "invalid_input",
          `"${String(reason)}" is not a revocation reason`,
        );
      }
      // revoked [1] IMPLICIT RevokedInfo { revocationTime, revocationReason [0] EXPLICIT }.
      status = tlv(
        contextTag(1, true),
        generalizedTime(certStatus.revokedAt, "a revocation time"),
        ...(reason === "unspecified"
          ? []
          : [explicit(0, enumerated(REVOCATION_REASON_CODES[reason]))]),
      );
      break;
    }
    default:
      throw new RevocationError(
        "invalid_input",
        "a certificate status is good, revoked or unknown",
      );
  }
  const thisUpdate = generalizedTime(response.thisUpdate, "thisUpdate");
  if (
    response.nextUpdate !== undefined &&
    response.nextUpdate.getTime() <= response.thisUpdate.getTime()
  ) {
    throw new RevocationError("invalid_input", "nextUpdate must be after thisUpdate");
  }
  return sequence(
    response.certId.der,
    status,
    thisUpdate,
    ...(response.nextUpdate === undefined
      ? []
      : [explicit(0, generalizedTime(response.nextUpdate, "nextUpdate"))]),
  );
}

/** RFC 6960 §4.2.2.2: a delegated responder is marked by id-kp-OCSPSigning in its EKU. */
function checkDelegatedCertificate(der: Uint8Array, signer: Signer): void {
  const facts = readCertificateFacts(der);
  if (!sameBytes(facts.spki, signer.publicKeySpki)) {
    throw new RevocationError(
      "signer_mismatch",
      "the signer's key is not the responder certificate's key",
    );
  }
  const eku = findExtension(facts, OID.extKeyUsage);
  if (!eku || !extendedKeyUsages(eku.value).some((usage) => sameBytes(usage, OID.kpOcspSigning))) {
    throw new RevocationError(
      "bad_responder_certificate",
      "the responder certificate lacks the OCSP signing extended key usage",
    );
  }
  // §4.2.2.2.1: without id-pkix-ocsp-nocheck clients would need to check the responder itself.
  if (!findExtension(facts, OID.ocspNoCheck)) {
    throw new RevocationError(
      "bad_responder_certificate",
      "the responder certificate lacks the id-pkix-ocsp-nocheck extension",
    );
  }
}

/** `ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId` (RFC 5280 §4.2.1.12). */
function extendedKeyUsages(value: Uint8Array): Uint8Array[] {
  const outer = new DerReader(value, "bad_certificate");
  const list = outer.sequence("the extended key usage");
  outer.end("the extended key usage");
  const usages: Uint8Array[] = [];
  while (list.hasMore) usages.push(list.expect(TAG.oid, "a key purpose").der);
  return usages;
}
