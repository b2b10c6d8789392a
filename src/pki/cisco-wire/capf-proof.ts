/**
 * Certificate authentication proofs of CAPF modes 3/4 (spec §5.5). The RSA proof is the RSA
 * private-key operation on `00 01 FF…FF 00 ‖ H` with H the bare digest, no DigestInfo: the
 * block OpenSSL's PKCS#1 type-1 padding makes, so a phone (or simulator) produces it with
 * `privateEncrypt(key, H)` and it is checked here with a raw public-key operation.
 */

import {
  constants,
  createHash,
  createPublicKey,
  publicDecrypt,
  verify,
  type KeyObject,
} from "node:crypto";

import { CiscoWireError } from "./wire-errors.js";

export type CapfProofDigest = "SHA-1" | "SHA-512";

const NODE_DIGEST = { "SHA-1": "sha1", "SHA-512": "sha512" } as const;

/** `auth_data` = device name (UTF-8) + `00` + certificate DER (spec §5.5). */
export function capfAuthData(deviceName: string, certificateDer: Uint8Array): Uint8Array {
  const name = new TextEncoder().encode(deviceName);
  const out = new Uint8Array(name.length + 1 + certificateDer.length);
  out.set(name);
  out.set(certificateDer, name.length + 1);
  return out;
}

/**
 * SUDI `auth_data` = session id as a 4-byte **little-endian** integer + SUDI certificate DER
 * (spec §5.5: "Cisco's CAPF uses host byte order").
 */
export function capfSudiAuthData(sessionId: number, sudiCertificateDer: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + sudiCertificateDer.length);
  new DataView(out.buffer).setUint32(0, sessionId >>> 0, true);
  out.set(sudiCertificateDer, 4);
  return out;
}

function loadSpki(spki: Uint8Array): KeyObject {
  try {
    return createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  } catch {
    throw new CiscoWireError("bad_element", "The proof's certificate key cannot be read.");
  }
}

/** RSA: s^e mod n must be exactly `00 01 FF…FF 00 ‖ H(authData)`. */
function rsaProofIsValid(
  key: KeyObject,
  authData: Uint8Array,
  proof: Uint8Array,
  digest: CapfProofDigest,
): boolean {
  const modulusBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  if (proof.length !== modulusBytes) return false;
  let block: Buffer;
  try {
    block = publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, proof);
  } catch {
    return false;
  }
  const hash = createHash(NODE_DIGEST[digest]).update(authData).digest();
  const separator = block.length - hash.length - 1;
  if (block[0] !== 0 || block[1] !== 1 || separator < 10 || block[separator] !== 0) return false;
  for (let i = 2; i < separator; i++) if (block[i] !== 0xff) return false;
  return block.subarray(separator + 1).equals(hash);
}

/**
 * Whether `proof` proves possession of the key in `spki` over `authData`: the bare-digest RSA
 * construction for RSA keys, an ordinary DER ECDSA signature for EC keys (spec §5.5).
 */
export function capfProofIsValid(
  spki: Uint8Array,
  authData: Uint8Array,
  proof: Uint8Array,
  digest: CapfProofDigest,
): boolean {
  const key = loadSpki(spki);
  if (key.asymmetricKeyType === "rsa") return rsaProofIsValid(key, authData, proof, digest);
  if (key.asymmetricKeyType === "ec") {
    try {
      return verify(NODE_DIGEST[digest], authData, { key, dsaEncoding: "der" }, proof);
    } catch {
      return false;
    }
  }
  return false;
}
