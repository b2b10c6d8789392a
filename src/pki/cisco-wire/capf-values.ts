/**
 * Codecs for the CAPF element values that have inner structure (spec §5.3, §5.5): strings, the
 * certificate wrapper, SHA2_SIGNED_DATA and SUDI_DATA.
 */

import { CAPF_SHA512_ID, SudiTag } from "./capf-constants.js";
import { assertFirst, decodeElements, encodeElements, readUint16 } from "./wire-elements.js";
import { CiscoWireError } from "./wire-errors.js";

/** A SHA-512 proof: `03`, BE16 length, signature (spec §5.3 SHA2_SIGNED_DATA). */
export interface HashedProof {
  hashId: number;
  signature: Uint8Array;
}

/** SUDI_DATA (spec §5.5): the SUDI certificate and its proofs over session id (LE) + DER. */
export interface SudiData {
  certificate: Uint8Array;
  sha1Proof?: Uint8Array;
  sha512Proof?: Uint8Array;
}

const textEncoder = new TextEncoder();

export function nulString(value: string): Uint8Array {
  const bytes = textEncoder.encode(value);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

export function readNulString(value: Uint8Array, what: string, requireNul: boolean): string {
  const hasNul = value.length > 0 && value[value.length - 1] === 0;
  if (requireNul && !hasNul) {
    throw new CiscoWireError("bad_element", `${what} is not NUL-terminated.`);
  }
  const text = hasNul ? value.subarray(0, -1) : value;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(text);
  } catch {
    throw new CiscoWireError("bad_element", `${what} is not UTF-8.`);
  }
}

/** `01`, BE16 (DER length + 2), `00`, certificate type, DER (spec §5.3; J agrees). */
export function wrapCertificate(der: Uint8Array, certificateType: number): Uint8Array {
  if (der.length + 2 > 0xffff)
    throw new CiscoWireError("too_large", "The certificate is too large.");
  const out = new Uint8Array(5 + der.length);
  out.set([1, (der.length + 2) >>> 8, (der.length + 2) & 0xff, 0, certificateType]);
  out.set(der, 5);
  return out;
}

export function unwrapCertificate(value: Uint8Array): Uint8Array {
  // Readers skip the 5-byte prefix (spec §5.3); the inner length must still agree with it.
  if (value.length < 6 || readUint16(value, 1) !== value.length - 3) {
    throw new CiscoWireError("bad_element", "The CERTIFICATE wrapper is malformed.");
  }
  return value.slice(5);
}

export function encodeHashedProof(proof: HashedProof): Uint8Array {
  return encodeElements([{ tag: proof.hashId, value: proof.signature }]);
}

export function decodeHashedProof(value: Uint8Array): HashedProof {
  const elements = decodeElements(value);
  const [first] = elements;
  if (elements.length !== 1 || !first || first.tag !== CAPF_SHA512_ID || first.value.length === 0) {
    throw new CiscoWireError("bad_element", "SHA2_SIGNED_DATA is not one SHA-512 proof.");
  }
  return { hashId: first.tag, signature: first.value };
}

export function encodeSudi(sudi: SudiData): Uint8Array {
  return encodeElements([
    { tag: SudiTag.CERTIFICATE, value: sudi.certificate },
    ...(sudi.sha1Proof ? [{ tag: SudiTag.SHA1_PROOF, value: sudi.sha1Proof }] : []),
    ...(sudi.sha512Proof ? [{ tag: SudiTag.SHA512_PROOF, value: sudi.sha512Proof }] : []),
  ]);
}

export function decodeSudi(value: Uint8Array): SudiData {
  const seen = new Set<number>();
  let certificate: Uint8Array | undefined;
  let sha1Proof: Uint8Array | undefined;
  let sha512Proof: Uint8Array | undefined;
  for (const element of decodeElements(value)) {
    assertFirst(seen, element.tag);
    if (element.tag === SudiTag.CERTIFICATE) certificate = element.value;
    else if (element.tag === SudiTag.SHA1_PROOF) sha1Proof = element.value;
    else if (element.tag === SudiTag.SHA512_PROOF) sha512Proof = element.value;
    else throw new CiscoWireError("bad_element", `SUDI_DATA holds unknown part ${element.tag}.`);
  }
  if (!certificate || certificate.length === 0) {
    throw new CiscoWireError("bad_element", "SUDI_DATA has no certificate.");
  }
  return {
    certificate,
    ...(sha1Proof ? { sha1Proof } : {}),
    ...(sha512Proof ? { sha512Proof } : {}),
  };
}
