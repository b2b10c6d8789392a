/**
 * Distinguished names (RFC 5280 §4.1.2.4): encoding a typed subject and reading any Name.
 */

import { oid, printableString, sequence, setOf, utf8String } from "./der-encode.js";
import {
  children,
  expectTag,
  readOid,
  readString,
  sequenceItems,
  type DerNode,
} from "./der-read.js";
import { PkiError } from "./errors.js";
import { OID } from "./oids.js";

/** The subject fields the API accepts (seed 004 spells them in snake_case; services map). */
export interface Subject {
  commonName?: string;
  organization?: string;
  organizationalUnit?: string;
  /** ISO 3166 two-letter code. */
  country?: string;
  state?: string;
  locality?: string;
}

type SubjectField = keyof Subject;

/**
 * Field order in the encoded Name (most significant first, as CAs conventionally write it),
 * attribute OID, short name, and the upper bound from RFC 5280 Appendix A (ub-*).
 */
const FIELDS: readonly { field: SubjectField; oid: string; short: string; max: number }[] = [
  { field: "country", oid: OID.country, short: "C", max: 2 },
  { field: "state", oid: OID.state, short: "ST", max: 128 },
  { field: "locality", oid: OID.locality, short: "L", max: 128 },
  { field: "organization", oid: OID.organization, short: "O", max: 64 },
  { field: "organizationalUnit", oid: OID.organizationalUnit, short: "OU", max: 64 },
  { field: "commonName", oid: OID.commonName, short: "CN", max: 64 },
];

const SHORT_NAMES: Record<string, string> = {
  ...Object.fromEntries(FIELDS.map((f) => [f.oid, f.short])),
  [OID.emailAddress]: "emailAddress",
  [OID.domainComponent]: "DC",
  [OID.serialNumber]: "serialNumber",
  [OID.street]: "street",
};

/** Checks a subject and returns it trimmed; `invalid_input` names the offending field. */
export function normalizeSubject(subject: Subject): Subject {
  const out: Subject = {};
  for (const { field, max } of FIELDS) {
    const raw = subject[field];
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== "string") invalid(field, "must be text");
    const value = raw.trim();
    if (value.length === 0) continue;
    if ([...value].length > max) invalid(field, `must be at most ${max} characters`);
    // Control characters in names confuse every tool that displays them.
    if (hasControlCharacter(value)) invalid(field, "must not contain control characters");
    if (field === "country" && !/^[A-Z]{2}$/.test(value)) {
      invalid(field, "must be a two-letter upper-case ISO 3166 code");
    }
    out[field] = value;
  }
  return out;
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function invalid(field: string, rule: string): never {
  throw new PkiError("invalid_input", `subject ${field} ${rule}`, { details: [{ field, rule }] });
}

/**
 * The DER Name for `subject`: one attribute per RDN; countryName as PrintableString (X.520),
 * everything else UTF8String (RFC 5280 §4.1.2.6 for new certificates). Empty subject → empty
 * SEQUENCE (the caller must then make subjectAltName critical, RFC 5280 §4.2.1.6).
 */
export function encodeName(subject: Subject): Uint8Array {
  const clean = normalizeSubject(subject);
  const rdns: Uint8Array[] = [];
  for (const { field, oid: attributeOid } of FIELDS) {
    const value = clean[field];
    if (value === undefined) continue;
    const encodedValue = field === "country" ? printableString(value) : utf8String(value);
    rdns.push(setOf(sequence(oid(attributeOid), encodedValue)));
  }
  return sequence(...rdns);
}

export interface NameAttribute {
  oid: string;
  /** Short name (CN, O, ...) or the OID when we have none. */
  type: string;
  value: string;
}

export interface NameInfo {
  /** The Name DER as it appeared (names are compared byte for byte when chaining). */
  der: Uint8Array;
  /** Attributes in encoded order (RDNs flattened). */
  attributes: NameAttribute[];
  /** The first value of each known field. */
  subject: Subject;
  /** RFC 4514 string (most specific first), e.g. "CN=www.example.com,O=Example,C=DE". */
  text: string;
}

/** RFC 4514 §2.4 escaping for a displayed attribute value. */
function escapeValue(value: string): string {
  let escaped = value.replace(/([\\",+;<>=])/g, "\\$1");
  if (escaped.startsWith(" ") || escaped.startsWith("#")) escaped = "\\" + escaped;
  if (escaped.endsWith(" ") && escaped.length > 1) escaped = escaped.slice(0, -1) + "\\ ";
  return escaped;
}

/** Reads a Name node (RDNSequence). */
export function parseNameNode(node: DerNode): NameInfo {
  const attributes: NameAttribute[] = [];
  const rdnTexts: string[] = [];
  for (const rdn of sequenceItems(node, "a name")) {
    const parts: string[] = [];
    const atvs = children(expectTag(rdn, 0x31, "a relative distinguished name"));
    if (atvs.length === 0) throw new PkiError("bad_der", "a name has an empty RDN");
    for (const atv of atvs) {
      const [typeNode, valueNode] = sequenceItems(atv, "a name attribute", 2, 2);
      const attributeOid = readOid(typeNode, "a name attribute type");
      const value = readString(valueNode, "a name attribute value");
      const type = SHORT_NAMES[attributeOid] ?? attributeOid;
      attributes.push({ oid: attributeOid, type, value });
      parts.push(`${type}=${escapeValue(value)}`);
    }
    rdnTexts.push(parts.join("+"));
  }
  const subject: Subject = {};
  for (const { field, oid: attributeOid } of FIELDS) {
    const found = attributes.find((a) => a.oid === attributeOid);
    if (found) subject[field] = found.value;
  }
  return { der: node.bytes, attributes, subject, text: rdnTexts.reverse().join(",") };
}
