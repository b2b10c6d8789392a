import type { RevocationReason } from "./revocation-reasons.js";

/** One revoked certificate as a CRL lists it (RFC 5280 §5.1.2.6). */
export interface CrlEntry {
  /** The certificate serial number in hex. */
  serialNumber: string;
  revokedAt: Date;
  /** Absent or "unspecified" writes no reasonCode (RFC 5280 §5.3.1 says SHOULD be absent). */
  reason?: RevocationReason;
  /** When the key is known or suspected to have been compromised (RFC 5280 §5.3.2). */
  invalidityDate?: Date;
}
