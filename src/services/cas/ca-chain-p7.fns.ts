import {
  concatBytes,
  explicit,
  implicitConstructed,
  integer,
  oid,
  sequence,
  setOf,
} from "../../pki/der-encode.js";

const SIGNED_DATA = "1.2.840.113549.1.7.2";
const DATA = "1.2.840.113549.1.7.1";

/**
 * Certificates as one DER file: a "certs-only" PKCS#7 SignedData with no content and no
 * signers (RFC 5652 §5, the `.p7b` that `openssl crl2pkcs7 -nocrl` writes and Windows imports).
 * A chain has no other standard single-DER form.
 */
export function certsOnlyPkcs7(certificates: readonly Uint8Array[]): Uint8Array {
  const signedData = sequence(
    integer(1), // CMSVersion 1: no attribute certificates, plain id-data content (§5.1)
    setOf(), // digestAlgorithms: nothing was signed
    sequence(oid(DATA)), // encapContentInfo without eContent
    implicitConstructed(0, concatBytes([...certificates].sort(compareDer))),
    setOf(), // signerInfos
  );
  return sequence(oid(SIGNED_DATA), explicit(0, signedData));
}

/** `certificates` is a SET OF (DER orders it); readers rebuild the chain by name. */
function compareDer(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}
