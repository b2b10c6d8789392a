/**
 * Reads an X.509 certificate (RFC 5280 §4.1) into what the inventory shows and searches:
 * names, SANs, serial, validity, key, fingerprints, usages, CA flags, key identifiers, URLs.
 */

import { createHash } from "node:crypto";

import { TAG } from "./der-encode.js";
import {
  children,
  expectTag,
  readBitString,
  readDer,
  readSmallInteger,
  readTime,
  sequenceItems,
  type DerNode,
} from "./der-read.js";
import { PkiError, relabelDerErrors } from "./errors.js";
import {
  parseAuthorityInfoAccess,
  parseAuthorityKeyIdentifier,
  parseBasicConstraints,
  parseCertificatePolicies,
  parseCrlDistributionPoints,
  parseExtendedKeyUsage,
  parseExtensionList,
  parseKeyUsage,
  parseNameConstraints,
  parseSubjectAltNames,
  parseSubjectKeyIdentifier,
  type RawExtension,
} from "./extension-parsers.js";
import type { CertificatePolicy, KeyUsage, NameConstraints } from "./extensions.js";
import type { ParsedGeneralName } from "./general-names.js";
import { publicKeyInfoFromNode, type PublicKeyInfo } from "./key-info.js";
import { parseNameNode, type NameInfo } from "./names.js";
import { OID } from "./oids.js";
import { derFromPemOrDer } from "./pem.js";
import { publicKeyObject } from "./public-key-object.js";
import { parseSignatureAlgorithm, verifySignature } from "./signature-algorithms.js";
import type { SignatureScheme } from "./signer.js";

export interface CertificateInfo {
  der: Uint8Array;
  tbsDer: Uint8Array;
  version: number;
  /** Lower-case hex of the serial's content octets, leading zero octet removed. */
  serialNumberHex: string;
  /** `scheme` is null for algorithms we cannot verify (the certificate is still shown). */
  signatureAlgorithm: { name: string; scheme: SignatureScheme | null };
  signatureValue: Uint8Array;
  issuer: NameInfo;
  subject: NameInfo;
  commonName: string | null;
  notBefore: Date;
  notAfter: Date;
  publicKey: PublicKeyInfo;
  subjectAltNames: ParsedGeneralName[];
  keyUsage: KeyUsage[];
  extendedKeyUsage: string[];
  isCa: boolean;
  pathLength: number | null;
  /** Hex key identifiers, or null when the extension is absent. */
  subjectKeyIdentifier: string | null;
  authorityKeyIdentifier: string | null;
  crlUrls: string[];
  ocspUrls: string[];
  caIssuersUrls: string[];
  policies: CertificatePolicy[];
  nameConstraints: NameConstraints | null;
  /** Lower-case hex digests of the DER. */
  fingerprintSha1: string;
  fingerprintSha256: string;
  /** Subject and issuer names are byte-identical (a root, or a self-issued key rollover). */
  isSelfIssued: boolean;
  extensions: RawExtension[];
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

function serialHex(node: DerNode | undefined): string {
  // Legacy certificates carry negative or over-long serials; show their bytes as they are.
  const content = expectTag(node, TAG.integer, "the serial number").content;
  if (content.length === 0) throw new PkiError("bad_der", "the serial number is empty");
  const trimmed = content.length > 1 && content[0] === 0 ? content.subarray(1) : content;
  return hex(trimmed);
}

type TbsInfo = Omit<
  CertificateInfo,
  "der" | "signatureAlgorithm" | "signatureValue" | "fingerprintSha1" | "fingerprintSha256"
>;

function parseTbs(tbsNode: DerNode): { tbs: TbsInfo; innerAlgorithm: DerNode } {
  const fields = sequenceItems(tbsNode, "the TBSCertificate", 6, 10);
  let index = 0;
  let version = 1;
  if (fields[0]!.tag === 0xa0) {
    version = readSmallInteger(children(fields[0]!)[0], "the version") + 1;
    if (version > 3) throw new PkiError("bad_der", `certificate version ${version} is unknown`);
    index = 1;
  }
  const serialNumberHex = serialHex(fields[index]);
  const issuer = parseNameNode(fields[index + 2]!);
  const [notBeforeNode, notAfterNode] = sequenceItems(fields[index + 3], "the validity", 2, 2);
  const subject = parseNameNode(fields[index + 4]!);
  const publicKey = publicKeyInfoFromNode(
    expectTag(fields[index + 5], TAG.sequence, "the public key"),
  );
  const extensionsNode = fields.slice(index + 6).find((n) => n.tag === 0xa3);
  const extensions = extensionsNode
    ? parseExtensionList(children(extensionsNode)[0]?.bytes ?? new Uint8Array())
    : [];
  const find = (id: string): Uint8Array | undefined => extensions.find((e) => e.oid === id)?.value;

  const basic = find(OID.basicConstraints);
  const { isCa, pathLength } = basic
    ? parseBasicConstraints(basic)
    : { isCa: false, pathLength: null };
  const san = find(OID.subjectAltName);
  const ku = find(OID.keyUsage);
  const eku = find(OID.extKeyUsage);
  const ski = find(OID.subjectKeyIdentifier);
  const aki = find(OID.authorityKeyIdentifier);
  const cdp = find(OID.crlDistributionPoints);
  const aia = find(OID.authorityInfoAccess);
  const policies = find(OID.certificatePolicies);
  const nameConstraints = find(OID.nameConstraints);
  const access = aia ? parseAuthorityInfoAccess(aia) : { ocspUrls: [], caIssuersUrls: [] };
  const akiBytes = aki ? parseAuthorityKeyIdentifier(aki) : null;
  const tbs: TbsInfo = {
    tbsDer: tbsNode.bytes,
    version,
    serialNumberHex,
    issuer,
    subject,
    commonName: subject.subject.commonName ?? null,
    notBefore: readTime(notBeforeNode, "notBefore"),
    notAfter: readTime(notAfterNode, "notAfter"),
    publicKey,
    subjectAltNames: san ? parseSubjectAltNames(san) : [],
    keyUsage: ku ? parseKeyUsage(ku) : [],
    extendedKeyUsage: eku ? parseExtendedKeyUsage(eku) : [],
    isCa,
    pathLength,
    subjectKeyIdentifier: ski ? hex(parseSubjectKeyIdentifier(ski)) : null,
    authorityKeyIdentifier: akiBytes ? hex(akiBytes) : null,
    crlUrls: cdp ? parseCrlDistributionPoints(cdp) : [],
    ...access,
    policies: policies ? parseCertificatePolicies(policies) : [],
    nameConstraints: nameConstraints ? parseNameConstraints(nameConstraints) : null,
    isSelfIssued: Buffer.compare(issuer.der, subject.der) === 0,
    extensions,
  };
  return {
    tbs,
    innerAlgorithm: expectTag(fields[index + 1], TAG.sequence, "the signature algorithm"),
  };
}

/** Parses certificate DER; `bad_certificate` (with the precise reason) when malformed. */
export function parseCertificate(der: Uint8Array): CertificateInfo {
  return relabelDerErrors("bad_certificate", "the certificate", () => {
    const [tbsNode, algorithmNode, signatureNode] = sequenceItems(
      readDer(der),
      "the certificate",
      3,
      3,
    );
    const { tbs, innerAlgorithm } = parseTbs(tbsNode!);
    // RFC 5280 §4.1.1.2: the outer algorithm MUST equal the TBS signature field.
    if (Buffer.compare(innerAlgorithm.bytes, algorithmNode!.bytes) !== 0) {
      throw new PkiError("bad_der", "the two signature algorithm fields differ");
    }
    const signatureAlgorithm = relabelUnsupported(() => parseSignatureAlgorithm(algorithmNode!));
    const { bytes: signatureValue } = readBitString(signatureNode, "the signature");
    return {
      der,
      ...tbs,
      signatureAlgorithm,
      signatureValue,
      fingerprintSha1: createHash("sha1").update(der).digest("hex"),
      fingerprintSha256: createHash("sha256").update(der).digest("hex"),
    };
  });
}

/** An unknown signature algorithm still lets the inventory show the certificate. */
function relabelUnsupported(parse: () => { name: string; scheme: SignatureScheme }): {
  name: string;
  scheme: SignatureScheme | null;
} {
  try {
    return parse();
  } catch (error) {
    if (error instanceof PkiError && error.code === "unsupported_key")
      return { name: "unknown", scheme: null };
    throw error;
  }
}

/** Certificates from PEM text (one or more CERTIFICATE blocks) or a single DER value. */
export function parseCertificates(input: string | Uint8Array): CertificateInfo[] {
  return derFromPemOrDer(input, ["CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE"]).map(
    parseCertificate,
  );
}

/** Whether `certificate` carries a valid signature by the key of `issuer`. */
export function isSignedBy(certificate: CertificateInfo, issuer: CertificateInfo): boolean {
  const { scheme } = certificate.signatureAlgorithm;
  if (!scheme) return false;
  return verifySignature(
    publicKeyObject(issuer.publicKey),
    scheme,
    certificate.tbsDer,
    certificate.signatureValue,
  );
}
