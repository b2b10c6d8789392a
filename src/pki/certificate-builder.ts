/**
 * Builds and signs X.509 v3 certificates (RFC 5280 §4.1) through a Signer, so the issuing key
 * may live in software or in an HSM. The TBSCertificate is encoded directly as DER (a hot path).
 */

import { bitString, compareBytes, explicit, integer, sequence, x509Time } from "./der-encode.js";
import { readDer } from "./der-read.js";
import { PkiError } from "./errors.js";
import {
  authorityInfoAccessExtension,
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  certificatePoliciesExtension,
  crlDistributionPointsExtension,
  extendedKeyUsageExtension,
  keyIdentifier,
  keyUsageExtension,
  nameConstraintsExtension,
  subjectAltNameExtension,
  subjectKeyIdentifierExtension,
  type CertificatePolicy,
  type KeyIdentifierMethod,
  type KeyUsage,
  type NameConstraints,
} from "./extensions.js";
import { toGeneralName, type SanInput } from "./general-names.js";
import { parsePublicKeyInfo, requireKeyType } from "./key-info.js";
import { encodeName, type Subject } from "./names.js";
import { generateSerialNumber, type SerialNumber } from "./serial.js";
import { signatureAlgorithmFor } from "./signature-algorithms.js";
import type { KeyType, Signer } from "./signer.js";

/** What goes into a certificate; the issuer decides nothing here beyond its name and key id. */
export interface CertificateTemplate {
  /** A typed subject, or a Name DER taken as is (e.g. from a CSR, to keep its exact encoding). */
  subject: Subject | { der: Uint8Array };
  /** The certified key (SubjectPublicKeyInfo DER). */
  publicKeySpki: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** Defaults to 128 fresh random bits. */
  serialNumber?: SerialNumber;
  isCa?: boolean;
  /** CA only: how many intermediate CAs may follow (RFC 5280 §4.2.1.9). */
  pathLength?: number | null;
  /** Defaults: CAs digitalSignature+keyCertSign+cRLSign; others see defaultLeafKeyUsage. */
  keyUsage?: KeyUsage[];
  /** API names (serverAuth, clientAuth, ...) or OIDs; omitted → no EKU extension. */
  extendedKeyUsage?: string[];
  subjectAltNames?: SanInput[];
  crlUrls?: string[];
  ocspUrls?: string[];
  caIssuersUrls?: string[];
  policies?: CertificatePolicy[];
  /** CA only (RFC 5280 §4.2.1.10). */
  nameConstraints?: NameConstraints;
  keyIdentifierMethod?: KeyIdentifierMethod;
}

/** The issuing side: its signer, its Name DER (copied into `issuer`) and its key identifier. */
export interface CertificateIssuer {
  signer: Signer;
  nameDer: Uint8Array;
  keyIdentifier: Uint8Array;
  /** The issuer's pathLenConstraint, when known: a CA child must fit under it (RFC 5280 §4.2.1.9). */
  pathLength?: number | null;
  /** The issuer certificate's expiry, when known, for callers that cap child validity. */
  notAfter?: Date;
}

export interface BuiltCertificate {
  der: Uint8Array;
  serialNumber: SerialNumber;
  /** The subject key identifier written into the certificate (the issuer id for its children). */
  keyIdentifier: Uint8Array;
}

const CA_KEY_USAGE: KeyUsage[] = ["digitalSignature", "keyCertSign", "cRLSign"];

/**
 * TLS-style defaults for an end-entity key: RSA keys may also do key transport
 * (keyEncipherment); EC and Ed25519 keys only sign.
 */
export function defaultLeafKeyUsage(keyType: KeyType): KeyUsage[] {
  return keyType.startsWith("RSA-")
    ? ["digitalSignature", "keyEncipherment"]
    : ["digitalSignature"];
}

function invalid(message: string, field: string): never {
  throw new PkiError("invalid_input", message, { details: [{ field }] });
}

function checkTemplate(template: CertificateTemplate): void {
  const { notBefore, notAfter } = template;
  if (!(notBefore instanceof Date) || !(notAfter instanceof Date))
    invalid("validity dates are required", "validity");
  if (!(notAfter.getTime() > notBefore.getTime()))
    invalid("not_after must be later than not_before", "validity");
  if (!template.isCa) {
    if (template.pathLength !== undefined && template.pathLength !== null) {
      invalid("path_length applies to CA certificates only", "path_length");
    }
    if (template.nameConstraints)
      invalid("name_constraints apply to CA certificates only", "name_constraints");
  }
  if (template.isCa && template.keyUsage && !template.keyUsage.includes("keyCertSign")) {
    invalid("a CA certificate needs the keyCertSign key usage", "key_usage");
  }
}

/**
 * RFC 5280 §4.2.1.9: under a CA with pathLenConstraint n, at most n CA certificates may follow,
 * so a child CA needs n > 0 and its own constraint below n. Validators would reject the chain
 * anyway; refusing here turns a useless certificate into a clear error.
 */
function checkPathLength(template: CertificateTemplate, issuer: CertificateIssuer): void {
  const limit = issuer.pathLength;
  if (!template.isCa || limit === undefined || limit === null) return;
  if (limit === 0)
    invalid("the issuing CA may not issue CA certificates (its path length is 0)", "path_length");
  const own = template.pathLength;
  if (own === undefined || own === null || own >= limit) {
    invalid(`path_length must be below the issuing CA's path length (${limit})`, "path_length");
  }
}

/** Builds the extensions in a fixed order. */
function encodeExtensions(
  template: CertificateTemplate,
  keyType: KeyType,
  subjectKeyId: Uint8Array,
  issuerKeyId: Uint8Array,
  subjectIsEmpty: boolean,
): Uint8Array[] {
  const isCa = template.isCa ?? false;
  const extensions = [
    basicConstraintsExtension(isCa, isCa ? template.pathLength : undefined),
    keyUsageExtension(template.keyUsage ?? (isCa ? CA_KEY_USAGE : defaultLeafKeyUsage(keyType))),
  ];
  if (template.extendedKeyUsage?.length)
    extensions.push(extendedKeyUsageExtension(template.extendedKeyUsage));
  extensions.push(
    subjectKeyIdentifierExtension(subjectKeyId),
    authorityKeyIdentifierExtension(issuerKeyId),
  );
  const names = (template.subjectAltNames ?? []).map((name) => toGeneralName(name));
  if (names.length > 0) extensions.push(subjectAltNameExtension(names, subjectIsEmpty));
  else if (subjectIsEmpty)
    invalid("a certificate with an empty subject needs subject alternative names", "subject");
  if (template.crlUrls?.length) extensions.push(crlDistributionPointsExtension(template.crlUrls));
  if (template.ocspUrls?.length || template.caIssuersUrls?.length) {
    extensions.push(
      authorityInfoAccessExtension(template.ocspUrls ?? [], template.caIssuersUrls ?? []),
    );
  }
  if (template.policies?.length) extensions.push(certificatePoliciesExtension(template.policies));
  if (template.nameConstraints) extensions.push(nameConstraintsExtension(template.nameConstraints));
  return extensions;
}

/** Signs the TBS structure and wraps it as Certificate ::= SEQUENCE { tbs, algorithm, signature }. */
async function signTbs(
  tbsParts: (algorithmIdentifier: Uint8Array) => Uint8Array,
  signer: Signer,
): Promise<Uint8Array> {
  const algorithm = signatureAlgorithmFor(signer.keyType);
  const tbs = tbsParts(algorithm.identifier);
  const signature = await signer.sign(tbs, algorithm.scheme);
  return sequence(tbs, algorithm.identifier, bitString(signature));
}

/**
 * Issues a certificate for `template.publicKeySpki`, signed by `issuer`. Throws `invalid_input`
 * for inconsistent templates and `unsupported_key` for keys outside KEY_TYPES.
 */
export async function buildCertificate(
  template: CertificateTemplate,
  issuer: CertificateIssuer,
): Promise<BuiltCertificate> {
  checkTemplate(template);
  checkPathLength(template, issuer);
  const keyInfo = parsePublicKeyInfo(template.publicKeySpki);
  const keyType = requireKeyType(keyInfo);
  const subjectDer =
    "der" in template.subject ? template.subject.der : encodeName(template.subject);
  if ("der" in template.subject) readDer(subjectDer);
  const subjectIsEmpty = subjectDer.length === 2;
  const serialNumber = template.serialNumber ?? generateSerialNumber();
  const subjectKeyId = keyIdentifier(keyInfo.subjectPublicKey, template.keyIdentifierMethod);
  const extensions = encodeExtensions(
    template,
    keyType,
    subjectKeyId,
    issuer.keyIdentifier,
    subjectIsEmpty,
  );
  const der = await signTbs(
    (algorithmIdentifier) =>
      sequence(
        explicit(0, integer(2)), // v3 (RFC 5280 §4.1.2.1)
        serialNumber.der,
        algorithmIdentifier,
        issuer.nameDer,
        sequence(x509Time(template.notBefore), x509Time(template.notAfter)),
        subjectDer,
        keyInfo.spki,
        explicit(3, sequence(...extensions)),
      ),
    issuer.signer,
  );
  return { der, serialNumber, keyIdentifier: subjectKeyId };
}

/**
 * A self-signed certificate (a root CA, or a self-signed leaf): subject = issuer, and the
 * authority key identifier equals the subject key identifier.
 */
export async function buildSelfSignedCertificate(
  template: Omit<CertificateTemplate, "publicKeySpki">,
  signer: Signer,
): Promise<BuiltCertificate> {
  const keyInfo = parsePublicKeyInfo(signer.publicKeySpki);
  const subjectKeyId = keyIdentifier(keyInfo.subjectPublicKey, template.keyIdentifierMethod);
  const nameDer = "der" in template.subject ? template.subject.der : encodeName(template.subject);
  return buildCertificate(
    { ...template, publicKeySpki: signer.publicKeySpki },
    { signer, nameDer, keyIdentifier: subjectKeyId },
  );
}

/** Whether two SubjectPublicKeyInfo encodings are the same key. */
export function sameSpki(a: Uint8Array, b: Uint8Array): boolean {
  return compareBytes(a, b) === 0;
}
