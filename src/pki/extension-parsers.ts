/**
 * Readers for the extensions the inventory shows (RFC 5280 §4.2), from extnValue bytes.
 * Each throws `bad_der` on malformed input.
 */

import {
  children,
  readBitString,
  readBoolean,
  readDer,
  readOctetString,
  readOid,
  readSmallInteger,
  readString,
  sequenceItems,
  type DerNode,
} from "./der-read.js";
import { PkiError } from "./errors.js";
import type {
  CertificatePolicy,
  KeyUsage,
  NameConstraints,
  NameConstraintSubtree,
} from "./extensions.js";
import { KEY_USAGES } from "./extensions.js";
import { parseGeneralName, parseGeneralNames, type ParsedGeneralName } from "./general-names.js";
import { formatCidr } from "./ip-address.js";
import { EXTENDED_KEY_USAGES, OID } from "./oids.js";

export interface RawExtension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

/** Extensions ::= SEQUENCE OF Extension; a repeated OID is refused (RFC 5280 §4.2). */
export function parseExtensionList(bytes: Uint8Array): RawExtension[] {
  const seen = new Set<string>();
  return sequenceItems(readDer(bytes), "the extensions").map((node) => {
    const items = sequenceItems(node, "an extension", 2, 3);
    const extnOid = readOid(items[0], "an extension id");
    const critical =
      items.length === 3 ? readBoolean(items[1], "an extension's critical flag") : false;
    const value = readOctetString(items[items.length - 1], "an extension value");
    if (seen.has(extnOid)) throw new PkiError("bad_der", `the extension ${extnOid} appears twice`);
    seen.add(extnOid);
    return { oid: extnOid, critical, value };
  });
}

export function parseSubjectAltNames(value: Uint8Array): ParsedGeneralName[] {
  return parseGeneralNames(readDer(value));
}

export function parseKeyUsage(value: Uint8Array): KeyUsage[] {
  const { bytes } = readBitString(readDer(value), "keyUsage");
  return KEY_USAGES.filter((_, bit) => ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0);
}

const EKU_NAMES: Record<string, string> = Object.fromEntries(
  Object.entries(EXTENDED_KEY_USAGES).map(([name, oid]) => [oid, name]),
);

/** EKU names (serverAuth...) where known, dotted OIDs otherwise. */
export function parseExtendedKeyUsage(value: Uint8Array): string[] {
  return sequenceItems(readDer(value), "extKeyUsage").map((node) => {
    const oid = readOid(node, "an extended key usage");
    return EKU_NAMES[oid] ?? oid;
  });
}

export function parseBasicConstraints(value: Uint8Array): {
  isCa: boolean;
  pathLength: number | null;
} {
  const items = sequenceItems(readDer(value), "basicConstraints", 0, 2);
  let isCa = false;
  let pathLength: number | null = null;
  for (const item of items) {
    if (item.tag === 0x01) isCa = readBoolean(item, "basicConstraints cA");
    else pathLength = readSmallInteger(item, "basicConstraints pathLenConstraint");
  }
  return { isCa, pathLength };
}

export function parseSubjectKeyIdentifier(value: Uint8Array): Uint8Array {
  return readOctetString(readDer(value), "subjectKeyIdentifier");
}

/** The keyIdentifier [0] of an AuthorityKeyIdentifier, if present. */
export function parseAuthorityKeyIdentifier(value: Uint8Array): Uint8Array | null {
  const field = sequenceItems(readDer(value), "authorityKeyIdentifier", 0, 3).find(
    (n) => n.tag === 0x80,
  );
  return field ? field.content : null;
}

/** URIs of the fullName of each distribution point (other forms are skipped). */
export function parseCrlDistributionPoints(value: Uint8Array): string[] {
  const urls: string[] = [];
  for (const point of sequenceItems(readDer(value), "cRLDistributionPoints")) {
    const name = sequenceItems(point, "a distribution point").find((n) => n.tag === 0xa0);
    const fullName = name ? children(name).find((n) => n.tag === 0xa0) : undefined;
    for (const general of fullName ? children(fullName) : []) {
      const parsed = parseGeneralName(general);
      if (parsed.type === "uri") urls.push(parsed.value);
    }
  }
  return urls;
}

export function parseAuthorityInfoAccess(value: Uint8Array): {
  ocspUrls: string[];
  caIssuersUrls: string[];
} {
  const ocspUrls: string[] = [];
  const caIssuersUrls: string[] = [];
  for (const description of sequenceItems(readDer(value), "authorityInfoAccess")) {
    const [method, location] = sequenceItems(description, "an access description", 2, 2);
    const parsed = parseGeneralName(location!);
    if (parsed.type !== "uri") continue;
    const methodOid = readOid(method, "an access method");
    if (methodOid === OID.accessOcsp) ocspUrls.push(parsed.value);
    if (methodOid === OID.accessCaIssuers) caIssuersUrls.push(parsed.value);
  }
  return { ocspUrls, caIssuersUrls };
}

export function parseCertificatePolicies(value: Uint8Array): CertificatePolicy[] {
  return sequenceItems(readDer(value), "certificatePolicies").map((info) => {
    const [policyId, qualifiers] = sequenceItems(info, "a policy", 1, 2);
    const policy: CertificatePolicy = { oid: readOid(policyId, "a policy id") };
    for (const qualifier of qualifiers ? sequenceItems(qualifiers, "policy qualifiers") : []) {
      const [qualifierId, qualifierValue] = sequenceItems(qualifier, "a policy qualifier", 2, 2);
      if (readOid(qualifierId, "a qualifier id") === OID.cpsQualifier) {
        policy.cpsUri = readString(qualifierValue, "a CPS URI");
      }
    }
    return policy;
  });
}

function parseSubtrees(node: DerNode): NameConstraintSubtree[] {
  const out: NameConstraintSubtree[] = [];
  for (const subtree of children(node)) {
    const [base] = sequenceItems(subtree, "a general subtree", 1, 3);
    if (base!.tag === 0x87) {
      if (base!.content.length !== 8 && base!.content.length !== 32) {
        throw new PkiError("bad_der", "an iPAddress constraint is neither 8 nor 32 bytes");
      }
      out.push({ type: "ip", value: formatCidr(base!.content) });
      continue;
    }
    const parsed = parseGeneralName(base!);
    if (parsed.type === "dns" || parsed.type === "email" || parsed.type === "uri") {
      out.push({ type: parsed.type, value: parsed.value });
    }
  }
  return out;
}

export function parseNameConstraints(value: Uint8Array): NameConstraints {
  const constraints: NameConstraints = {};
  for (const part of sequenceItems(readDer(value), "nameConstraints", 0, 2)) {
    if (part.tag === 0xa0) constraints.permitted = parseSubtrees(part);
    else if (part.tag === 0xa1) constraints.excluded = parseSubtrees(part);
    else throw new PkiError("bad_der", "nameConstraints has an unknown field");
  }
  return constraints;
}
