import type { RevocationSettings } from "./revocation.types.js";

/**
 * Defaults from docs/revocation.md: a CRL lives 7 days and is rebuilt at half-life; an OCSP
 * response lives 24 hours and is re-signed at half-life (RFC 5019 §2.2.4 expects nextUpdate).
 */
export const DEFAULT_REVOCATION_SETTINGS: RevocationSettings = {
  crlValidityHours: 168,
  ocspValidityHours: 24,
};

const MAX_HOURS = 24 * 366;

function hours(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 1 && value <= MAX_HOURS
    ? value
    : fallback;
}

/**
 * Reads `cas.settings` (`{"crl":{"validity_hours":…},"ocsp":{"validity_hours":…}}`). Anything
 * missing or out of range falls back to the default: a CA must always be able to publish.
 */
export function parseRevocationSettings(json: string): RevocationSettings {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return DEFAULT_REVOCATION_SETTINGS;
  }
  const settings = (parsed ?? {}) as {
    crl?: { validity_hours?: unknown };
    ocsp?: { validity_hours?: unknown };
  };
  return {
    crlValidityHours: hours(
      settings.crl?.validity_hours,
      DEFAULT_REVOCATION_SETTINGS.crlValidityHours,
    ),
    ocspValidityHours: hours(
      settings.ocsp?.validity_hours,
      DEFAULT_REVOCATION_SETTINGS.ocspValidityHours,
    ),
  };
}
