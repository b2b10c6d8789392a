import { ItlBuildError } from "./itl-errors.js";

/** Role (function) codes of ITL/CTL records (spec §2.2). */
export const ITL_ROLE_CODES = {
  SAST: 0,
  CCM: 1,
  "CCM+TFTP": 2,
  TFTP: 3,
  CAPF: 4,
  "APP-SERVER": 7,
  TVS: 21,
} as const;

export type ItlRole = keyof typeof ITL_ROLE_CODES;

/** Roles in the order the TVS stores and returns them (spec §6). */
export const ITL_ROLES: readonly ItlRole[] = [
  "SAST",
  "CCM",
  "CCM+TFTP",
  "TFTP",
  "CAPF",
  "APP-SERVER",
  "TVS",
];

export function isItlRole(value: string): value is ItlRole {
  return Object.hasOwn(ITL_ROLE_CODES, value);
}

/** The role of a code read from a file, or undefined for codes no tool emits (5 SRST, …). */
export function roleOfCode(code: number): ItlRole | undefined {
  return ITL_ROLES.find((role) => ITL_ROLE_CODES[role] === code);
}

/**
 * The records one certificate becomes, from the role names an API caller gives for it (seed 000
 * `roles: [...]`). One record carries one role (spec §2.2); `CCM` together with `TFTP` is the
 * combined role CCM+TFTP in a single record, every other role gets its own record [L: our rule].
 */
export function recordRolesOf(roleNames: readonly string[]): ItlRole[] {
  if (roleNames.length === 0) {
    throw new ItlBuildError("missing_role", "A certificate needs at least one role.");
  }
  const roles = new Set<ItlRole>();
  for (const name of roleNames) {
    const role = name.trim().toUpperCase();
    if (!isItlRole(role)) {
      throw new ItlBuildError(
        "unknown_role",
        `Unknown role "${name}"; use one of ${ITL_ROLES.join(", ")}.`,
      );
    }
    roles.add(role);
  }
  if (roles.has("CCM") && roles.has("TFTP")) {
    roles.delete("CCM");
    roles.delete("TFTP");
    roles.add("CCM+TFTP");
  }
  return ITL_ROLES.filter((role) => roles.has(role));
}
