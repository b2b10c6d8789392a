/** How the TVS finds a certificate in its trust list (spec §6). */

import { createHash } from "node:crypto";

/**
 * The lookup key of a certificate: lowercase hex SHA-256 of its DER, as U2's TVS database keys
 * its entries (and as `tvsctl` removes them by hash prefix).
 */
export function tvsCertificateFingerprint(certificateDer: Uint8Array): string {
  return createHash("sha256").update(certificateDer).digest("hex");
}
