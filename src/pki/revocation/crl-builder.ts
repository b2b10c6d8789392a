import type { Signer } from "../signer.js";

import { keyIdentifierOf, readCertificateFacts } from "./certificate-facts.js";
import { CrlEntryWriter } from "./crl-entries.js";
import type { CrlEntry } from "./crl-entry.js";
import { x509Time } from "./der-time.js";
import { explicit, integer, sequence, TAG, tlv } from "./der-writer.js";
import { encodeExtension } from "./extensions.js";
import { OID, sameBytes } from "./oids.js";
import { RevocationError } from "./revocation-error.js";
import { signatureAlgorithmFor, signStructure } from "./signature-algorithm.js";

export interface CrlInput {
  /** DER of the CA certificate: its subject is the CRL issuer, its key identifier the AKI. */
  issuerCertificate: Uint8Array;
  /** The CA's key; its public key must be the CA certificate's. */
  signer: Signer;
  thisUpdate: Date;
  nextUpdate: Date;
  /** Monotonically increasing per CA (RFC 5280 §5.2.3). */
  crlNumber: bigint;
  /** Every revoked certificate; an async iterable lets a service stream them from its store. */
  entries: Iterable<CrlEntry> | AsyncIterable<CrlEntry>;
  /** Makes a delta CRL against the complete CRL with this number (RFC 5280 §5.2.4). */
  deltaBaseCrlNumber?: bigint;
}

/** RFC 5280 §5.2.3: a CRL number fits in 20 octets. */
const MAX_CRL_NUMBER = (1n << 159n) - 1n;

/** `Version ::= INTEGER { v1(0), v2(1) }`: v2 because the CRL carries extensions (§5.1.2.1). */
const VERSION_2 = integer(1n);

/**
 * Builds and signs a v2 CRL (RFC 5280 §5): issuer from the CA certificate, entries with reason
 * codes and invalidity dates, CRL number and AKI, optionally the delta CRL indicator. Entries are
 * encoded straight to DER, so 100k of them take milliseconds; signing is the only slow part.
 */
export async function buildCrl(input: CrlInput): Promise<Uint8Array> {
  const issuer = readCertificateFacts(input.issuerCertificate);
  if (!sameBytes(issuer.spki, input.signer.publicKeySpki)) {
    throw new RevocationError(
      "signer_mismatch",
      "the signer's key is not the CA certificate's key",
    );
  }
  checkCrlNumber(input.crlNumber, "the CRL number");
  const isDelta = input.deltaBaseCrlNumber !== undefined;
  if (input.deltaBaseCrlNumber !== undefined) {
    checkCrlNumber(input.deltaBaseCrlNumber, "the base CRL number");
    if (input.deltaBaseCrlNumber >= input.crlNumber) {
      throw new RevocationError("invalid_input", "a delta CRL's number must follow its base CRL's");
    }
  }
  const thisUpdate = x509Time(input.thisUpdate, "thisUpdate");
  const nextUpdate = x509Time(input.nextUpdate, "nextUpdate");
  if (input.nextUpdate.getTime() <= input.thisUpdate.getTime()) {
    throw new RevocationError("invalid_input", "nextUpdate must be after thisUpdate");
  }

  const algorithm = signatureAlgorithmFor(input.signer.keyType);
  const entries = await encodeEntries(input.entries, isDelta);
  const extensions = [
    // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT KeyIdentifier, ... }.
    encodeExtension(OID.authorityKeyIdentifier, sequence(tlv(0x80, keyIdentifierOf(issuer)))),
    encodeExtension(OID.cRLNumber, integer(input.crlNumber)),
  ];
  if (input.deltaBaseCrlNumber !== undefined) {
    // RFC 5280 §5.2.4: the delta CRL indicator is critical.
    extensions.push(
      encodeExtension(OID.deltaCRLIndicator, integer(input.deltaBaseCrlNumber), true),
    );
  }
  const tbsCertList = sequence(
    VERSION_2,
    algorithm.algorithmIdentifier,
    issuer.subject,
    thisUpdate,
    nextUpdate,
    // §5.1.2.6: with no revoked certificates the list is absent, not empty.
    ...(entries.length > 0 ? [tlv(TAG.sequence, entries)] : []),
    explicit(0, sequence(...extensions)),
  );
  return signStructure(input.signer, algorithm, tbsCertList);
}

async function encodeEntries(
  entries: Iterable<CrlEntry> | AsyncIterable<CrlEntry>,
  isDelta: boolean,
): Promise<Uint8Array> {
  const writer = new CrlEntryWriter(isDelta);
  if (Symbol.asyncIterator in entries) {
    for await (const entry of entries) writer.add(entry);
  } else {
    // A plain loop: for-await over an array would add a microtask per entry.
    for (const entry of entries) writer.add(entry);
  }
  return writer.encoded();
}

function checkCrlNumber(value: bigint, what: string): void {
  if (value < 0n || value > MAX_CRL_NUMBER) {
    throw new RevocationError("invalid_input", `${what} must be between 0 and 2^159 - 1`);
  }
}
