/**
 * The phone's rule for replacing an ITL (spec §2.3, U3): a new file is accepted only when its
 * signer is a SAST certificate the phone already knows from the old one. Cisco adds "or one TVS
 * vouches for", which a service can check separately. Changing the SAST signer without carrying
 * the old SAST over strands every phone that holds the old file.
 */

import type { ParsedItlFile } from "./itl-file.js";
import { ITL_ROLE_CODES } from "./roles.js";
import { bytesEqual } from "./tlv-encoding.js";

/** Whether a phone holding `current` would accept `next` on its own (without TVS). */
export function phoneAcceptsReplacement(current: ParsedItlFile, next: ParsedItlFile): boolean {
  const signer = next.signerRecord.certificate.der;
  return current.records.some(
    (record) =>
      record.roleCode === ITL_ROLE_CODES.SAST && bytesEqual(record.certificate.der, signer),
  );
}
