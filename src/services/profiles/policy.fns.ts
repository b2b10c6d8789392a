import { isIP } from "node:net";

import { AppError } from "../../lib/errors.js";
import { uriHostOf } from "../../pki/general-names.js";
import { allowlistMatcher } from "../identity/ip-allowlist.js";

import type { PolicyViolation, Profile, ProjectPolicy } from "./profiles.types.js";

/** What a request would put into a certificate, as the rules see it. */
export interface IssuanceFacts {
  keyType: string;
  validityDays: number;
  /** Normalized SANs (DNS names lower-case A-labels). */
  sans: { type: string; value: string }[];
}

/**
 * Whether `name` (a DNS name, maybe a wildcard) matches a policy domain pattern:
 * "example.com" allows example.com and every name below it; "*.example.com" allows only names
 * below it (any depth), not example.com itself. Comparison is on lower-case A-labels.
 */
export function domainAllowed(name: string, pattern: string): boolean {
  const host = name.toLowerCase().replace(/^\*\./, "");
  const isWildcardName = name.startsWith("*.");
  const p = pattern.trim().toLowerCase();
  if (p.startsWith("*.")) {
    const base = p.slice(2);
    return host.endsWith(`.${base}`) || (isWildcardName && host === base);
  }
  return host === p || host.endsWith(`.${p}`);
}

/**
 * Whether a policy pattern names addresses rather than domains: an IPv4/IPv6 address or a CIDR
 * block ("10.0.0.0/8", "2001:db8::/32"). Such patterns are what allow IP SANs.
 */
export function isAddressPattern(pattern: string): boolean {
  const [address = "", prefix, extra] = pattern.trim().split("/");
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * What `allowed_domains` restricts, per SAN: DNS names; the domain of e-mail addresses; the host
 * of URIs (RFC 5280 §4.2.1.10 constrains URIs by their host too); IP addresses, which only
 * address patterns allow. A URI without a host names nothing the policy could allow.
 */
type PolicyName =
  | { kind: "domain"; value: string }
  | { kind: "address"; value: string }
  | { kind: "hostless"; value: string };

function policyNames(facts: IssuanceFacts): PolicyName[] {
  const names: PolicyName[] = [];
  for (const san of facts.sans) {
    if (san.type === "dns") names.push({ kind: "domain", value: san.value });
    else if (san.type === "email") {
      names.push({ kind: "domain", value: san.value.slice(san.value.lastIndexOf("@") + 1) });
    } else if (san.type === "ip") names.push({ kind: "address", value: san.value });
    else if (san.type === "uri") names.push(uriName(san.value));
  }
  return names;
}

function uriName(uri: string): PolicyName {
  const host = uriHostOf(uri);
  if (host === null) return { kind: "hostless", value: uri };
  return isIP(host) ? { kind: "address", value: host } : { kind: "domain", value: host };
}

function nameAllowed(name: PolicyName, patterns: readonly string[]): boolean {
  if (name.kind === "hostless") return false;
  if (name.kind === "address") {
    const addressPatterns = patterns.filter(isAddressPattern);
    return addressPatterns.length > 0 && allowlistMatcher(addressPatterns)(name.value);
  }
  return patterns.some((p) => !isAddressPattern(p) && domainAllowed(name.value, p));
}

/** Every rule of the project policy the request breaks, in a fixed order. */
export function evaluatePolicy(policy: ProjectPolicy, facts: IssuanceFacts): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  if (policy.allowedKeyTypes && !policy.allowedKeyTypes.includes(facts.keyType as never)) {
    violations.push({
      rule: "allowed_key_types",
      offending_value: facts.keyType,
      allowed: policy.allowedKeyTypes,
      message: `Key type ${facts.keyType} is not allowed by this project's policy.`,
    });
  }
  if (policy.maxValidityDays !== null && facts.validityDays > policy.maxValidityDays) {
    violations.push({
      rule: "max_validity_days",
      offending_value: facts.validityDays,
      allowed: policy.maxValidityDays,
      message: `A validity of ${facts.validityDays} days is longer than this project's policy allows (${policy.maxValidityDays}).`,
    });
  }
  if (policy.requireSan && facts.sans.length === 0) {
    violations.push({
      rule: "require_san",
      offending_value: [],
      allowed: "at least one subject alternative name",
      message: "This project's policy requires at least one subject alternative name.",
    });
  }
  for (const name of policyNames(facts)) {
    if (!policy.allowWildcards && name.kind === "domain" && name.value.startsWith("*.")) {
      violations.push({
        rule: "allow_wildcards",
        offending_value: name.value,
        allowed: false,
        message: `Wildcard name ${name.value} is not allowed by this project's policy.`,
      });
    }
    const patterns = policy.allowedDomains;
    if (patterns && !nameAllowed(name, patterns)) {
      violations.push({
        rule: "allowed_domains",
        offending_value: name.value,
        allowed: patterns,
        message:
          name.kind === "hostless"
            ? `URI ${name.value} has no host to check against this project's allowed domains.`
            : `Name ${name.value} is outside the domains this project's policy allows.`,
      });
    }
  }
  return violations;
}

/** Every limit of `profile` the request breaks; rules are prefixed `profile.`. */
export function evaluateProfile(profile: Profile, facts: IssuanceFacts): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  const named = `profile "${profile.name}"`;
  if (profile.allowedKeyTypes && !profile.allowedKeyTypes.includes(facts.keyType as never)) {
    violations.push({
      rule: "profile.allowed_key_types",
      offending_value: facts.keyType,
      allowed: profile.allowedKeyTypes,
      message: `Key type ${facts.keyType} is not allowed by ${named}.`,
    });
  }
  const maxDays = profile.maxValidityDays ?? profile.validityDays;
  if (facts.validityDays > maxDays) {
    violations.push({
      rule: "profile.max_validity_days",
      offending_value: facts.validityDays,
      allowed: maxDays,
      message: `A validity of ${facts.validityDays} days is longer than ${named} allows (${maxDays}).`,
    });
  }
  const rules = profile.sanRules;
  if (rules.isRequired && facts.sans.length === 0) {
    violations.push({
      rule: "profile.require_san",
      offending_value: [],
      allowed: "at least one subject alternative name",
      message: `${named} requires at least one subject alternative name.`,
    });
  }
  if (rules.maxCount !== undefined && facts.sans.length > rules.maxCount) {
    violations.push({
      rule: "profile.max_sans",
      offending_value: facts.sans.length,
      allowed: rules.maxCount,
      message: `${facts.sans.length} subject alternative names are more than ${named} allows (${rules.maxCount}).`,
    });
  }
  const types = rules.allowedTypes;
  if (types) {
    for (const san of facts.sans) {
      if (!types.includes(san.type as never)) {
        violations.push({
          rule: "profile.san_types",
          offending_value: `${san.type}:${san.value}`,
          allowed: types,
          message: `A ${san.type} name is not allowed by ${named}.`,
        });
      }
    }
  }
  return violations;
}

/** The 422 for broken rules (seed 004 §07): the first rule's sentence, every rule in details. */
export function policyViolationError(violations: PolicyViolation[]): AppError {
  return new AppError("policy_violation", {
    message: violations[0]!.message,
    details: violations.map(({ rule, offending_value, allowed }) => ({
      rule,
      offending_value,
      allowed,
    })),
  });
}
