import { validationFailed } from "../../lib/errors.js";
import type { ParsedCsr } from "../../pki/csr.js";
import type { KeyUsage } from "../../pki/extensions.js";
import { classifySan, toGeneralName, type GeneralName } from "../../pki/general-names.js";
import { normalizeSubject, type Subject } from "../../pki/names.js";
import type { Profile } from "../profiles/profiles.types.js";

import type { IssueCertificateRequest } from "./issuance.types.js";

/** Most SANs one certificate may carry: far above real needs, far below what hurts clients. */
export const MAX_SANS = 100;
/** CA/B Baseline Requirements §6.3.2: the longest a publicly trusted TLS certificate may live. */
export const DEFAULT_VALIDITY_DAYS = 397;
/** What a certificate is for when neither request, profile nor CSR says: a TLS server or client. */
export const DEFAULT_EXTENDED_KEY_USAGE = ["serverAuth", "clientAuth"];

const NAME_TYPES = new Set(["dns", "ip", "email", "uri"]);

/**
 * The SANs to certify, normalized: the request's, else the CSR's supported ones, else the
 * common name when it is a DNS name or an IP address (clients match only SANs: RFC 6125 §6.4.4,
 * CA/B BR §7.1.4.2.1), so a certificate requested by CN alone still works.
 */
export function resolveSans(
  request: Pick<IssueCertificateRequest, "sans">,
  csr: ParsedCsr | null,
  commonName: string | null,
): GeneralName[] {
  const count = request.sans?.length ?? csr?.subjectAltNames.length ?? 0;
  if (count > MAX_SANS) {
    throw validationFailed(
      `A certificate may carry at most ${MAX_SANS} subject alternative names.`,
      [{ field: "sans", max: MAX_SANS, count }],
    );
  }
  let names: GeneralName[];
  if (request.sans !== undefined) names = request.sans.map((san) => toGeneralName(san));
  else if (csr) {
    names = csr.subjectAltNames
      .filter((name) => NAME_TYPES.has(name.type))
      .map((name) => toGeneralName(name as GeneralName));
  } else names = [];
  if (names.length === 0 && commonName) {
    try {
      const fromCn = classifySan(commonName);
      if (fromCn.type === "dns" || fromCn.type === "ip") names = [fromCn];
    } catch {
      // A CN such as "Jane Doe" is not a name clients match; leave the SANs empty.
    }
  }
  const unique = new Map(names.map((name) => [`${name.type}:${name.value}`, name]));
  return [...unique.values()];
}

/** The typed subject: profile defaults first, the request's fields over them. */
export function resolveSubject(profile: Profile | null, subject: Subject | undefined): Subject {
  return normalizeSubject({ ...(profile?.subjectDefaults ?? {}), ...(subject ?? {}) });
}

export function resolveValidityDays(
  request: Pick<IssueCertificateRequest, "validityDays">,
  profile: Profile | null,
): number {
  return request.validityDays ?? profile?.validityDays ?? DEFAULT_VALIDITY_DAYS;
}

export function resolveUsages(
  request: Pick<IssueCertificateRequest, "keyUsage" | "extendedKeyUsage">,
  profile: Profile | null,
  csr: ParsedCsr | null,
): { keyUsage: KeyUsage[] | undefined; extendedKeyUsage: string[] } {
  const profileKu = profile?.keyUsage.length ? profile.keyUsage : undefined;
  const profileEku = profile?.extendedKeyUsage.length ? profile.extendedKeyUsage : undefined;
  const csrEku = csr?.extendedKeyUsage.length ? csr.extendedKeyUsage : undefined;
  return {
    keyUsage: request.keyUsage ?? profileKu,
    extendedKeyUsage:
      request.extendedKeyUsage ?? profileEku ?? csrEku ?? DEFAULT_EXTENDED_KEY_USAGE,
  };
}
