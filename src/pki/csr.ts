/**
 * PKCS#10 certification requests (RFC 2986): parsing with signature verification, and the
 * extensions a requester asked for through the extensionRequest attribute (RFC 2985 §5.4.2).
 */

import { TAG } from "./der-encode.js";
import {
  children,
  expectTag,
  readBitString,
  readDer,
  readOid,
  readSmallInteger,
  sequenceItems,
  type DerNode,
} from "./der-read.js";
import { isPkiError, PkiError } from "./errors.js";
import {
  parseBasicConstraints,
  parseExtendedKeyUsage,
  parseExtensionList,
  parseKeyUsage,
  parseSubjectAltNames,
  type RawExtension,
} from "./extension-parsers.js";
import type { KeyUsage } from "./extensions.js";
import type { ParsedGeneralName } from "./general-names.js";
import { publicKeyInfoFromNode, requireKeyType, type PublicKeyInfo } from "./key-info.js";
import { parseNameNode, type NameInfo } from "./names.js";
import { OID } from "./oids.js";
import { derFromPemOrDer } from "./pem.js";
import { publicKeyObject } from "./public-key-object.js";
import { parseSignatureAlgorithm, verifySignature } from "./signature-algorithms.js";
import type { KeyType } from "./signer.js";

export interface ParsedCsr {
  der: Uint8Array;
  subject: NameInfo;
  commonName: string | null;
  publicKey: PublicKeyInfo;
  keyType: KeyType;
  signatureAlgorithm: string;
  /** Everything requested through extensionRequest, raw. */
  requestedExtensions: RawExtension[];
  /** Interpreted requests (empty when not asked for). */
  subjectAltNames: ParsedGeneralName[];
  keyUsage: KeyUsage[];
  extendedKeyUsage: string[];
  /** The requester asked for a CA certificate (only honoured for CA creation flows). */
  requestsCa: boolean;
}

/** Largest CSR we read; real ones are a few kilobytes (RSA-4096 with many SANs stays far below). */
export const MAX_CSR_BYTES = 64 * 1024;

function badCsr(message: string, cause?: unknown): PkiError {
  const details = isPkiError(cause) ? [{ problem: cause.code }, ...cause.details] : [];
  return new PkiError("bad_csr", message, { cause, details });
}

function readAttributes(node: DerNode | undefined): RawExtension[] {
  if (!node) return [];
  let requested: RawExtension[] = [];
  for (const attribute of children(node)) {
    const [typeNode, values] = sequenceItems(attribute, "a CSR attribute", 2, 2);
    if (readOid(typeNode, "a CSR attribute type") !== OID.extensionRequest) continue;
    const [extensions, ...more] = children(
      expectTag(values, TAG.set, "the extensionRequest values"),
    );
    if (!extensions || more.length > 0)
      throw new PkiError("bad_der", "extensionRequest must hold one value");
    requested = parseExtensionList(extensions.bytes);
  }
  return requested;
}

function interpret(
  requested: RawExtension[],
): Pick<ParsedCsr, "subjectAltNames" | "keyUsage" | "extendedKeyUsage" | "requestsCa"> {
  const find = (id: string): Uint8Array | undefined => requested.find((e) => e.oid === id)?.value;
  const san = find(OID.subjectAltName);
  const ku = find(OID.keyUsage);
  const eku = find(OID.extKeyUsage);
  const bc = find(OID.basicConstraints);
  return {
    subjectAltNames: san ? parseSubjectAltNames(san) : [],
    keyUsage: ku ? parseKeyUsage(ku) : [],
    extendedKeyUsage: eku ? parseExtendedKeyUsage(eku) : [],
    requestsCa: bc ? parseBasicConstraints(bc).isCa : false,
  };
}

/**
 * Parses and verifies a CSR given as PEM ("CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST")
 * or DER. Every failure — malformed PEM or DER, a key outside KEY_TYPES, a signature that
 * does not verify (a tampered request) — is a `PkiError` with code `bad_csr`.
 */
export function parseCsr(input: string | Uint8Array): ParsedCsr {
  let der: Uint8Array;
  try {
    const values = derFromPemOrDer(input, ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"]);
    if (values.length !== 1)
      throw new PkiError("bad_pem", `expected one CSR, found ${values.length}`);
    der = values[0]!;
  } catch (error) {
    throw badCsr(`the CSR is not valid PEM or DER: ${(error as Error).message}`, error);
  }
  if (der.length > MAX_CSR_BYTES) throw badCsr(`the CSR is larger than ${MAX_CSR_BYTES} bytes`);
  try {
    const [info, algorithmNode, signatureNode] = sequenceItems(readDer(der), "the CSR", 3, 3);
    const [versionNode, subjectNode, keyNode, attributesNode] = sequenceItems(
      info,
      "the CSR info",
      3,
      4,
    );
    if (readSmallInteger(versionNode, "the CSR version") !== 0)
      throw new PkiError("bad_der", "the CSR version must be 1 (0)");
    if (attributesNode && attributesNode.tag !== 0xa0)
      throw new PkiError("bad_der", "the CSR attributes are malformed");
    const subject = parseNameNode(subjectNode!);
    const publicKey = publicKeyInfoFromNode(expectTag(keyNode, TAG.sequence, "the CSR public key"));
    const keyType = requireKeyType(publicKey);
    const algorithm = parseSignatureAlgorithm(algorithmNode!);
    const { bytes: signature } = readBitString(signatureNode, "the CSR signature");
    // RFC 2986 §3: the signature over CertificationRequestInfo proves possession of the key.
    if (!verifySignature(publicKeyObject(publicKey), algorithm.scheme, info!.bytes, signature)) {
      throw badCsr(
        "the CSR signature does not verify (the request was altered or signed with another key)",
      );
    }
    const requestedExtensions = readAttributes(attributesNode);
    return {
      der,
      subject,
      commonName: subject.subject.commonName ?? null,
      publicKey,
      keyType,
      signatureAlgorithm: algorithm.name,
      requestedExtensions,
      ...interpret(requestedExtensions),
    };
  } catch (error) {
    if (isPkiError(error) && error.code === "bad_csr") throw error;
    if (isPkiError(error)) throw badCsr(`the CSR is not valid: ${error.message}`, error);
    throw badCsr("the CSR is not valid", error);
  }
}
