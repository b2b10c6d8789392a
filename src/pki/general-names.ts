/**
 * GeneralName values (RFC 5280 §4.2.1.6) for subjectAltName and name constraints: telling
 * plain strings apart, validating them, encoding and reading them.
 */

import { domainToASCII } from "node:url";

import { implicitPrimitive, isIa5String, sequence } from "./der-encode.js";
import { children, readOid, sequenceItems, type DerNode } from "./der-read.js";
import { PkiError } from "./errors.js";
import { formatIpAddress, parseIpAddress } from "./ip-address.js";
import { parseNameNode } from "./names.js";

export type GeneralNameType = "dns" | "ip" | "email" | "uri";

/** A name we can put into a certificate. */
export interface GeneralName {
  type: GeneralNameType;
  value: string;
}

/** A name read from a certificate; kinds we never issue are shown but not interpreted. */
export interface ParsedGeneralName {
  type: GeneralNameType | "directory" | "other" | "registered_id" | "x400" | "edi";
  value: string;
}

/** Context-specific tags of GeneralName (RFC 5280 §4.2.1.6). */
const TAG_NUMBER: Record<GeneralNameType, number> = { email: 1, dns: 2, uri: 6, ip: 7 };

function invalid(value: string, rule: string): never {
  throw new PkiError("invalid_input", `"${value}" ${rule}`, {
    details: [{ field: "subject_alt_names", value, rule }],
  });
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A DNS name in its A-label form (RFC 5280 §7.2: IDNs are converted to ASCII), lower case.
 * A wildcard is allowed only as the whole leftmost label when `allowWildcard` is set; a leading
 * "." only for name-constraint subtrees.
 */
export function normalizeDnsName(
  input: string,
  options: { allowWildcard?: boolean; allowLeadingDot?: boolean } = {},
): string {
  let rest = input.trim();
  let prefix = "";
  if (options.allowLeadingDot && rest.startsWith(".")) {
    prefix = ".";
    rest = rest.slice(1);
  }
  if (options.allowWildcard && rest.startsWith("*.")) {
    prefix = "*.";
    rest = rest.slice(2);
  }
  const ascii = isIa5String(rest) ? rest.toLowerCase() : domainToASCII(rest);
  if (!ascii) invalid(input, "is not a valid domain name");
  const labels = ascii.split(".");
  for (const label of labels) {
    if (!LABEL.test(label)) invalid(input, "is not a valid DNS name (letters, digits, hyphens)");
  }
  // RFC 3696 §2: a top-level label is never all-numeric, so "1.2.3.04" is a mistyped address.
  if (labels.length > 1 && /^[0-9]+$/.test(labels[labels.length - 1]!)) {
    invalid(input, "looks like an IP address but is not a valid one");
  }
  const name = prefix + ascii;
  if (name.length > 253) invalid(input, "is longer than 253 characters");
  return name;
}

function normalizeEmail(input: string): string {
  const value = input.trim();
  const at = value.lastIndexOf("@");
  if (at <= 0 || at === value.length - 1) invalid(input, "is not an e-mail address");
  const local = value.slice(0, at);
  // RFC 5280 §4.2.1.6: rfc822Name is an IA5String Mailbox (RFC 5321 §4.1.2).
  if (local.length > 64 || !/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/.test(local)) {
    invalid(input, "has an e-mail local part that cannot be encoded");
  }
  if (local.startsWith(".") || local.endsWith(".") || local.includes("..")) {
    invalid(input, "has an e-mail local part with misplaced dots");
  }
  return `${local}@${normalizeDnsName(value.slice(at + 1))}`;
}

function normalizeUri(input: string): string {
  const value = input.trim();
  // RFC 5280 §4.2.1.6: an absolute URI with a scheme and a scheme-specific part, IA5 only.
  if (!isIa5String(value) || /\s/.test(value)) invalid(input, "is not an ASCII URI");
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:.+/.test(value)) invalid(input, "is not an absolute URI");
  if (!URL.canParse(value)) invalid(input, "is not a valid URI");
  const url = new URL(value);
  // With an authority ("scheme://"), the host part is required (RFC 5280 §4.2.1.6).
  if (value.includes("://") && url.hostname === "" && url.protocol !== "file:") {
    invalid(input, "has no host");
  }
  return value;
}

function normalizeIp(input: string): string {
  const text = input.trim().replace(/^\[(.*)\]$/, "$1");
  const bytes = parseIpAddress(text);
  if (!bytes) invalid(input, "is not an IPv4 or IPv6 address");
  return formatIpAddress(bytes);
}

/** Validates a typed name and returns it in canonical form. */
export function normalizeGeneralName(
  name: GeneralName,
  options: { allowWildcard?: boolean } = {},
): GeneralName {
  if (!name || typeof name.value !== "string") invalid(String(name?.value), "is not a name");
  switch (name.type) {
    case "dns":
      return {
        type: "dns",
        value: normalizeDnsName(name.value, { allowWildcard: options.allowWildcard ?? true }),
      };
    case "ip":
      return { type: "ip", value: normalizeIp(name.value) };
    case "email":
      return { type: "email", value: normalizeEmail(name.value.replace(/^mailto:/i, "")) };
    case "uri":
      return { type: "uri", value: normalizeUri(name.value) };
    default:
      return invalid(
        String((name as { type: unknown }).type),
        "is not a name type (dns, ip, email, uri)",
      );
  }
}

const PREFIXES: Record<string, GeneralNameType> = {
  "dns:": "dns",
  "ip:": "ip",
  "email:": "email",
  "mailto:": "email",
  "uri:": "uri",
};

/**
 * Tells a plain SAN string apart: "DNS:/IP:/email:/URI:" prefixes (as OpenSSL writes them)
 * and "mailto:" are explicit; then IP addresses, absolute URIs ("scheme:..."), e-mail
 * addresses ("@"), and DNS names for everything else.
 */
export function classifySan(input: string): GeneralName {
  if (typeof input !== "string" || input.trim() === "") invalid(String(input), "is empty");
  const value = input.trim();
  const lower = value.toLowerCase();
  for (const [prefix, type] of Object.entries(PREFIXES)) {
    if (lower.startsWith(prefix)) {
      return normalizeGeneralName({ type, value: value.slice(prefix.length) });
    }
  }
  if (parseIpAddress(value.replace(/^\[(.*)\]$/, "$1")))
    return normalizeGeneralName({ type: "ip", value });
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) && !value.includes("@")) {
    return normalizeGeneralName({ type: "uri", value });
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value))
    return normalizeGeneralName({ type: "uri", value });
  if (value.includes("@")) return normalizeGeneralName({ type: "email", value });
  return normalizeGeneralName({ type: "dns", value });
}

/**
 * The host of a URI SAN, without an IPv6 literal's brackets; null when the URI has none
 * (`urn:…`) or is not a URL. RFC 5280 §4.2.1.10 constrains URIs by this host.
 */
export function uriHostOf(uri: string): string | null {
  try {
    return new URL(uri).hostname.replace(/^\[(.*)\]$/, "$1") || null;
  } catch {
    return null;
  }
}

/** A typed name or a plain string, as the API accepts SANs. */
export type SanInput = string | GeneralName;

export function toGeneralName(input: SanInput): GeneralName {
  return typeof input === "string" ? classifySan(input) : normalizeGeneralName(input);
}

/** One GeneralName, DER. The value must already be normalized. */
export function encodeGeneralName(name: GeneralName): Uint8Array {
  const tag = TAG_NUMBER[name.type];
  if (name.type === "ip") {
    const bytes = parseIpAddress(name.value);
    if (!bytes) invalid(name.value, "is not an IP address");
    return implicitPrimitive(tag, bytes);
  }
  // IA5String content (normalized values are ASCII) under an implicit tag.
  return implicitPrimitive(tag, ascii.encode(name.value));
}

const ascii = new TextEncoder();

/** GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName. */
export function encodeGeneralNames(names: readonly GeneralName[]): Uint8Array {
  return sequence(...names.map(encodeGeneralName));
}

const latin1 = new TextDecoder("latin1");

/** Reads one GeneralName node. */
export function parseGeneralName(node: DerNode): ParsedGeneralName {
  switch (node.tag) {
    case 0x81:
      return { type: "email", value: latin1.decode(node.content) };
    case 0x82:
      return { type: "dns", value: latin1.decode(node.content) };
    case 0x86:
      return { type: "uri", value: latin1.decode(node.content) };
    case 0x87:
      if (node.content.length !== 4 && node.content.length !== 16) {
        throw new PkiError("bad_der", "an iPAddress name is neither 4 nor 16 bytes");
      }
      return { type: "ip", value: formatIpAddress(node.content) };
    case 0xa4: {
      const [name] = children(node);
      if (!name) throw new PkiError("bad_der", "a directoryName is empty");
      return { type: "directory", value: parseNameNode(name).text };
    }
    case 0xa0: {
      const [typeId] = children(node);
      return { type: "other", value: readOid(typeId, "an otherName type") };
    }
    case 0x88:
      return { type: "registered_id", value: readOid({ ...node, tag: 0x06 }, "a registeredID") };
    case 0xa3:
      return { type: "x400", value: "" };
    case 0xa5:
      return { type: "edi", value: "" };
    default:
      throw new PkiError("bad_der", `unknown GeneralName tag 0x${node.tag.toString(16)}`);
  }
}

/** Reads GeneralNames (a SEQUENCE of GeneralName). */
export function parseGeneralNames(node: DerNode): ParsedGeneralName[] {
  return sequenceItems(node, "a list of names").map(parseGeneralName);
}
