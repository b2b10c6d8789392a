import type { NameConstraints, NameConstraintSubtree } from "../../pki/extensions.js";
import { uriHostOf, type GeneralName } from "../../pki/general-names.js";
import { parseCidr, parseIpAddress } from "../../pki/ip-address.js";
import type { PolicyViolation } from "../profiles/profiles.types.js";

/**
 * RFC 5280 §4.2.1.10 name constraints, checked before signing: a certificate whose SANs fall
 * outside its CA chain's constraints is rejected by every validator, so issuing it helps nobody.
 */

/** DNS (and URI host) matching: "example.com" covers it and names below; ".example.com" only below. */
function hostWithin(host: string, base: string): boolean {
  const name = host.toLowerCase().replace(/^\*\./, "");
  const b = base.toLowerCase();
  if (b.startsWith(".")) return name.endsWith(b);
  return name === b || name.endsWith(`.${b}`);
}

/** rfc822Name: a mailbox matches exactly, a host matches the domain, ".domain" matches below. */
function emailWithin(mailbox: string, base: string): boolean {
  const at = mailbox.lastIndexOf("@");
  if (base.includes("@")) return mailbox.toLowerCase() === base.toLowerCase();
  const domain = mailbox.slice(at + 1).toLowerCase();
  return base.startsWith(".") ? domain.endsWith(base.toLowerCase()) : domain === base.toLowerCase();
}

function ipWithin(address: string, cidr: string): boolean {
  const bytes = parseIpAddress(address);
  const subnet = parseCidr(cidr);
  if (!bytes || !subnet || subnet.length !== bytes.length * 2) return false;
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i]! & subnet[bytes.length + i]!) !== subnet[i]) return false;
  }
  return true;
}

function within(name: GeneralName, subtree: NameConstraintSubtree): boolean {
  switch (name.type) {
    case "dns":
      return hostWithin(name.value, subtree.value);
    case "email":
      return emailWithin(name.value, subtree.value);
    case "ip":
      return ipWithin(name.value, subtree.value);
    case "uri": {
      const host = uriHostOf(name.value);
      return host !== null && hostWithin(host, subtree.value);
    }
  }
}

/** Every SAN that a constraint of the chain (issuing CA first) forbids. */
export function nameConstraintViolations(
  sans: readonly GeneralName[],
  chain: readonly NameConstraints[],
): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  for (const constraints of chain) {
    for (const name of sans) {
      const permitted = (constraints.permitted ?? []).filter((s) => s.type === name.type);
      const excluded = (constraints.excluded ?? []).filter((s) => s.type === name.type);
      const isPermitted = permitted.length === 0 || permitted.some((s) => within(name, s));
      const isExcluded = excluded.some((s) => within(name, s));
      if (isPermitted && !isExcluded) continue;
      violations.push({
        rule: "ca.name_constraints",
        offending_value: name.value,
        allowed: {
          permitted: permitted.map((s) => s.value),
          excluded: excluded.map((s) => s.value),
        },
        message: `The issuing CA's name constraints do not allow ${name.value}.`,
      });
    }
  }
  return violations;
}
