/**
 * CRLReason (RFC 5280 §5.3.1), named in RFC 5280's camelCase spelling as the API takes them.
 * Value 7 is unused. `removeFromCRL` only appears in delta CRLs (RFC 5280 §5.2.4) and in OCSP
 * for a lifted hold is answered as good instead (RFC 6960 §2.2), so the revoke API never offers it.
 */
export const REVOCATION_REASON_CODES = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;

export type RevocationReason = keyof typeof REVOCATION_REASON_CODES;

/** The reasons a certificate can be revoked with (every reason but removeFromCRL). */
export const REVOKE_REASONS = (Object.keys(REVOCATION_REASON_CODES) as RevocationReason[]).filter(
  (reason) => reason !== "removeFromCRL",
);

export function isRevocationReason(value: string): value is RevocationReason {
  return Object.hasOwn(REVOCATION_REASON_CODES, value);
}

const REASON_BY_CODE = new Map<number, RevocationReason>(
  (Object.entries(REVOCATION_REASON_CODES) as [RevocationReason, number][]).map(
    ([reason, code]) => [code, reason],
  ),
);

/** The reason name of a CRLReason value, or undefined for 7 and values past 10. */
export function revocationReasonOf(code: number): RevocationReason | undefined {
  return REASON_BY_CODE.get(code);
}
