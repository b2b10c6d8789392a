/** Verifies the header signature of a signed Cisco file (spec §1.2, §2.5 step 5). */

import { constants, verify } from "node:crypto";

import { ItlFormatError } from "./itl-errors.js";
import { signedPortion, type SignedHeader } from "./signed-header-parser.js";

const NODE_DIGEST = { "SHA-1": "sha1", "SHA-512": "sha512" } as const;

/** Whether the file's RSASSA-PKCS1-v1_5 signature verifies with the key in `spki`. */
export function headerSignatureIsValid(
  bytes: Uint8Array,
  header: SignedHeader,
  spki: Uint8Array,
): boolean {
  try {
    return verify(
      NODE_DIGEST[header.digest],
      signedPortion(bytes, header),
      {
        key: Buffer.from(spki),
        format: "der",
        type: "spki",
        padding: constants.RSA_PKCS1_PADDING,
      },
      header.signature,
    );
  } catch {
    // An EC key, or a key Node cannot load: it cannot have made this RSA signature.
    return false;
  }
}

export function assertHeaderSignature(
  bytes: Uint8Array,
  header: SignedHeader,
  spki: Uint8Array,
): void {
  if (!headerSignatureIsValid(bytes, header, spki)) {
    throw new ItlFormatError("bad_signature", "The file's signature does not verify.");
  }
}
