/**
 * Encoders for the certificate extensions Certsmith issues (RFC 5280 §4.2). Each returns one
 * DER `Extension`; the criticality follows what RFC 5280 asks of a conforming CA.
 */

import { createHash } from "node:crypto";

import {
  bitString,
  boolean,
  explicit,
  ia5String,
  implicitConstructed,
  implicitPrimitive,
  integer,
  octetString,
  oid,
  sequence,
} from "./der-encode.js";
import { PkiError } from "./errors.js";
import {
  encodeGeneralName,
  encodeGeneralNames,
  normalizeDnsName,
  type GeneralName,
} from "./general-names.js";
import { parseCidr } from "./ip-address.js";
import { EXTENDED_KEY_USAGES, OID, type ExtendedKeyUsageName } from "./oids.js";

export function extension(extnId: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical
    ? sequence(oid(extnId), boolean(true), octetString(value))
    : sequence(oid(extnId), octetString(value));
}

/** RFC 5280 §4.2.1.9: critical; cA omitted when false (DER drops DEFAULT values). */
export function basicConstraintsExtension(isCa: boolean, pathLength?: number | null): Uint8Array {
  if (!isCa) return extension(OID.basicConstraints, true, sequence());
  const parts = [boolean(true)];
  if (pathLength !== undefined && pathLength !== null) {
    if (!Number.isInteger(pathLength) || pathLength < 0 || pathLength > 255) {
      throw new PkiError("invalid_input", "path_length must be an integer from 0 to 255", {
        details: [{ field: "path_length", value: pathLength }],
      });
    }
    parts.push(integer(pathLength));
  }
  return extension(OID.basicConstraints, true, sequence(...parts));
}

/** KeyUsage bit names in bit order (RFC 5280 §4.2.1.3). */
export const KEY_USAGES = [
  "digitalSignature",
  "contentCommitment",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
] as const;
export type KeyUsage = (typeof KEY_USAGES)[number];

/** The KeyUsage BIT STRING contents: named bits with trailing zero bits removed (X.690 §11.2.2). */
export function keyUsageBits(usages: readonly KeyUsage[]): {
  bytes: Uint8Array;
  unusedBits: number;
} {
  let highest = -1;
  const bits = new Uint8Array(2);
  for (const usage of usages) {
    const bit = KEY_USAGES.indexOf(usage);
    if (bit < 0) {
      throw new PkiError("invalid_input", `"${String(usage)}" is not a key usage`, {
        details: [{ field: "key_usage", value: usage, allowed: KEY_USAGES }],
      });
    }
    bits[bit >> 3] = bits[bit >> 3]! | (0x80 >> (bit & 7));
    highest = Math.max(highest, bit);
  }
  if (highest < 0) throw new PkiError("invalid_input", "key_usage must name at least one usage");
  const length = (highest >> 3) + 1;
  return { bytes: bits.subarray(0, length), unusedBits: 7 - (highest & 7) };
}

/** RFC 5280 §4.2.1.3: conforming CAs SHOULD mark keyUsage critical. */
export function keyUsageExtension(usages: readonly KeyUsage[]): Uint8Array {
  const { bytes, unusedBits } = keyUsageBits(usages);
  return extension(OID.keyUsage, true, bitString(bytes, unusedBits));
}

/** An EKU by API name (serverAuth, clientAuth, ...) or dotted OID. */
export function extendedKeyUsageOid(usage: string): string {
  const known = EXTENDED_KEY_USAGES[usage as ExtendedKeyUsageName];
  if (known) return known;
  if (/^[0-2](\.(0|[1-9][0-9]*))+$/.test(usage)) return usage;
  throw new PkiError("invalid_input", `"${usage}" is not an extended key usage`, {
    details: [
      { field: "extended_key_usage", value: usage, allowed: Object.keys(EXTENDED_KEY_USAGES) },
    ],
  });
}

/** RFC 5280 §4.2.1.12: non-critical, so relying parties that do not know an EKU still work. */
export function extendedKeyUsageExtension(usages: readonly string[]): Uint8Array {
  const oids = [...new Set(usages.map(extendedKeyUsageOid))];
  return extension(OID.extKeyUsage, false, sequence(...oids.map((o) => oid(o))));
}

/** RFC 5280 §4.2.1.6: critical exactly when the subject is empty. Names must be normalized. */
export function subjectAltNameExtension(
  names: readonly GeneralName[],
  subjectIsEmpty: boolean,
): Uint8Array {
  if (names.length === 0)
    throw new PkiError("invalid_input", "subjectAltName needs at least one name");
  return extension(OID.subjectAltName, subjectIsEmpty, encodeGeneralNames(names));
}

export type KeyIdentifierMethod = "rfc7093" | "rfc5280-sha1";

/**
 * A key identifier from the subjectPublicKey bits: RFC 7093 §2 method 1 (leftmost 160 bits of
 * SHA-256, the default) or RFC 5280 §4.2.1.2 method 1 (SHA-1).
 */
export function keyIdentifier(
  subjectPublicKey: Uint8Array,
  method: KeyIdentifierMethod = "rfc7093",
): Uint8Array {
  if (method === "rfc5280-sha1")
    return new Uint8Array(createHash("sha1").update(subjectPublicKey).digest());
  return new Uint8Array(createHash("sha256").update(subjectPublicKey).digest().subarray(0, 20));
}

export function subjectKeyIdentifierExtension(keyId: Uint8Array): Uint8Array {
  return extension(OID.subjectKeyIdentifier, false, octetString(keyId));
}

/** RFC 5280 §4.2.1.1: keyIdentifier [0] only (no issuer/serial, which would pin one issuer cert). */
export function authorityKeyIdentifierExtension(issuerKeyId: Uint8Array): Uint8Array {
  return extension(OID.authorityKeyIdentifier, false, sequence(implicitPrimitive(0, issuerKeyId)));
}

function uriName(url: string, field: string): Uint8Array {
  if (!URL.canParse(url) || !/^[\x21-\x7e]+$/.test(url)) {
    throw new PkiError("invalid_input", `"${url}" is not a valid URL`, {
      details: [{ field, value: url }],
    });
  }
  return encodeGeneralName({ type: "uri", value: url });
}

/** RFC 5280 §4.2.1.13: one DistributionPoint whose fullName lists the URLs. */
export function crlDistributionPointsExtension(urls: readonly string[]): Uint8Array {
  const fullName = implicitConstructed(0, Buffer.concat(urls.map((u) => uriName(u, "crl_urls"))));
  const distributionPoint = sequence(explicit(0, fullName));
  return extension(OID.crlDistributionPoints, false, sequence(distributionPoint));
}

/** RFC 5280 §4.2.2.1: OCSP responders and caIssuers certificate URLs. */
export function authorityInfoAccessExtension(
  ocspUrls: readonly string[],
  caIssuersUrls: readonly string[],
): Uint8Array {
  const descriptions = [
    ...ocspUrls.map((u) => sequence(oid(OID.accessOcsp), uriName(u, "ocsp_urls"))),
    ...caIssuersUrls.map((u) => sequence(oid(OID.accessCaIssuers), uriName(u, "ca_issuers_urls"))),
  ];
  return extension(OID.authorityInfoAccess, false, sequence(...descriptions));
}

export interface CertificatePolicy {
  /** Policy OID (e.g. 2.23.140.1.2.1 for CA/B domain-validated, or 2.5.29.32.0 anyPolicy). */
  oid: string;
  /** Optional CPS pointer qualifier (RFC 5280 §4.2.1.4). */
  cpsUri?: string;
}

/** RFC 5280 §4.2.1.4: non-critical here so relying parties need not process policies. */
export function certificatePoliciesExtension(policies: readonly CertificatePolicy[]): Uint8Array {
  const seen = new Set<string>();
  const infos = policies.map((policy) => {
    if (seen.has(policy.oid)) {
      throw new PkiError("invalid_input", `policy ${policy.oid} is listed twice`, {
        details: [{ field: "policies", value: policy.oid }],
      });
    }
    seen.add(policy.oid);
    if (!policy.cpsUri) return sequence(oid(policy.oid));
    uriName(policy.cpsUri, "policies");
    const qualifier = sequence(oid(OID.cpsQualifier), ia5String(policy.cpsUri));
    return sequence(oid(policy.oid), sequence(qualifier));
  });
  return extension(OID.certificatePolicies, false, sequence(...infos));
}

/** A name-constraint subtree: a DNS domain, an IP subnet "addr/prefix", an e-mail domain or mailbox, a URI host domain. */
export interface NameConstraintSubtree {
  type: "dns" | "ip" | "email" | "uri";
  value: string;
}

export interface NameConstraints {
  permitted?: NameConstraintSubtree[];
  excluded?: NameConstraintSubtree[];
}

function subtreeName(subtree: NameConstraintSubtree): Uint8Array {
  const invalid = (rule: string): never => {
    throw new PkiError("invalid_input", `name constraint "${subtree.value}" ${rule}`, {
      details: [{ field: "name_constraints", value: subtree.value, rule }],
    });
  };
  switch (subtree.type) {
    case "dns":
      // RFC 5280 §4.2.1.10: "example.com" matches it and every name below it.
      return encodeGeneralName({
        type: "dns",
        value: normalizeDnsName(subtree.value, { allowLeadingDot: true }),
      });
    case "ip": {
      const bytes = parseCidr(subtree.value.trim());
      if (!bytes) invalid("must be a subnet such as 10.0.0.0/8 or fd00::/8");
      return implicitPrimitive(7, bytes!);
    }
    case "email": {
      // A mailbox, a host ("example.com") or a domain (".example.com").
      const value = subtree.value.trim();
      const at = value.lastIndexOf("@");
      const host = normalizeDnsName(at >= 0 ? value.slice(at + 1) : value, {
        allowLeadingDot: at < 0,
      });
      const local = at >= 0 ? value.slice(0, at + 1) : "";
      if (local && !/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@$/.test(local))
        invalid("has an invalid mailbox");
      return implicitPrimitive(1, new TextEncoder().encode(local + host));
    }
    case "uri":
      // For URIs the constraint is a host or ".domain" (RFC 5280 §4.2.1.10).
      return implicitPrimitive(
        6,
        new TextEncoder().encode(normalizeDnsName(subtree.value, { allowLeadingDot: true })),
      );
    default:
      return invalid("has an unknown type (dns, ip, email, uri)");
  }
}

/** RFC 5280 §4.2.1.10: critical, only in CA certificates; GeneralSubtree min/max left at defaults. */
export function nameConstraintsExtension(constraints: NameConstraints): Uint8Array {
  const permitted = constraints.permitted ?? [];
  const excluded = constraints.excluded ?? [];
  if (permitted.length === 0 && excluded.length === 0) {
    throw new PkiError(
      "invalid_input",
      "name_constraints must permit or exclude at least one name",
    );
  }
  const subtrees = (list: NameConstraintSubtree[]): Uint8Array =>
    Buffer.concat(list.map((s) => sequence(subtreeName(s))));
  const parts: Uint8Array[] = [];
  if (permitted.length > 0) parts.push(implicitConstructed(0, subtrees(permitted)));
  if (excluded.length > 0) parts.push(implicitConstructed(1, subtrees(excluded)));
  return extension(OID.nameConstraints, true, sequence(...parts));
}
