/**
 * Password-based encryption of private keys and PKCS#12 contents: PBES2 (RFC 8018 §6.2) with
 * PBKDF2-HMAC-SHA256 and AES-256-CBC, as OpenSSL 3 writes by default; decryption also reads
 * other PBES2 choices and the legacy PKCS#12 3DES scheme (RFC 7292 Appendix C).
 */

import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from "node:crypto";

import { DER_NULL, integer, octetString, oid, sequence } from "./der-encode.js";
import {
  readOctetString,
  readOid,
  readSmallInteger,
  sequenceItems,
  type DerNode,
} from "./der-read.js";
import { PkiError } from "./errors.js";
import { OID } from "./oids.js";
import { pkcs12Kdf } from "./pkcs12-kdf.js";

/** OpenSSL 3's PKCS12_DEFAULT_ITER; callers may ask for more. */
export const DEFAULT_ITERATIONS = 2048;
/** Upper bound on iteration counts we read, so a hostile file cannot stall the server. */
export const MAX_ITERATIONS = 10_000_000;

export interface Encrypted {
  /** DER AlgorithmIdentifier (PBES2 with its parameters). */
  algorithm: Uint8Array;
  ciphertext: Uint8Array;
}

export type RandomSource = (size: number) => Uint8Array;

/**
 * PBES2 encryption. The password enters PBKDF2 as UTF-8 bytes, as OpenSSL passes it for
 * PBES2 inside PKCS#12 (only the legacy PKCS#12 PBE uses BMPString passwords).
 */
export function encryptPbes2(
  plaintext: Uint8Array,
  password: string,
  options: { iterations?: number; random?: RandomSource } = {},
): Encrypted {
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  const random = options.random ?? randomBytes;
  const salt = random(16);
  const iv = random(16);
  const key = pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, 32, "sha256");
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  const ciphertext = new Uint8Array(Buffer.concat([cipher.update(plaintext), cipher.final()]));
  const algorithm = sequence(
    oid(OID.pbes2),
    sequence(
      sequence(
        oid(OID.pbkdf2),
        sequence(
          octetString(salt),
          integer(iterations),
          sequence(oid(OID.hmacWithSha256), DER_NULL),
        ),
      ),
      sequence(oid(OID.aes256Cbc), octetString(iv)),
    ),
  );
  return { algorithm, ciphertext };
}

const PRF: Record<string, string> = {
  [OID.hmacWithSha1]: "sha1",
  [OID.hmacWithSha256]: "sha256",
  [OID.hmacWithSha384]: "sha384",
  [OID.hmacWithSha512]: "sha512",
};

const AES: Record<string, { cipher: string; keyLength: number }> = {
  [OID.aes128Cbc]: { cipher: "aes-128-cbc", keyLength: 16 },
  [OID.aes192Cbc]: { cipher: "aes-192-cbc", keyLength: 24 },
  [OID.aes256Cbc]: { cipher: "aes-256-cbc", keyLength: 32 },
};

function unsupported(what: string): never {
  throw new PkiError("bad_keystore", `${what} is not supported`, {
    details: [{ algorithm: what }],
  });
}

function checkIterations(iterations: number): number {
  if (iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new PkiError("bad_keystore", `an iteration count of ${iterations} is out of range`);
  }
  return iterations;
}

function decipher(
  cipherName: string,
  key: Uint8Array,
  iv: Uint8Array,
  ciphertext: Uint8Array,
): Uint8Array {
  try {
    const d = createDecipheriv(cipherName, key, iv);
    return new Uint8Array(Buffer.concat([d.update(ciphertext), d.final()]));
  } catch (cause) {
    // Bad padding after decryption is what a wrong password looks like.
    throw new PkiError("wrong_password", "the password is wrong or the data is damaged", { cause });
  }
}

function decryptPbes2Params(
  params: DerNode | undefined,
  password: string,
  ciphertext: Uint8Array,
): Uint8Array {
  const [kdf, scheme] = sequenceItems(params, "the PBES2 parameters", 2, 2);
  const [kdfOid, kdfParams] = sequenceItems(kdf, "the key derivation function", 2, 2);
  if (readOid(kdfOid, "the key derivation function") !== OID.pbkdf2)
    unsupported("a key derivation other than PBKDF2");
  const fields = sequenceItems(kdfParams, "the PBKDF2 parameters", 2, 4);
  const salt = readOctetString(fields[0], "the PBKDF2 salt");
  const iterations = checkIterations(readSmallInteger(fields[1], "the PBKDF2 iteration count"));
  let prf = "sha1"; // RFC 8018 §A.2 default
  for (const field of fields.slice(2)) {
    if (field.tag === 0x30) {
      const [prfOid] = sequenceItems(field, "the PBKDF2 PRF", 1, 2);
      const id = readOid(prfOid, "the PBKDF2 PRF");
      prf = PRF[id] ?? unsupported(`the PBKDF2 PRF ${id}`);
    }
  }
  const [schemeOid, ivNode] = sequenceItems(scheme, "the encryption scheme", 2, 2);
  const schemeId = readOid(schemeOid, "the encryption scheme");
  const aes = AES[schemeId] ?? unsupported(`the cipher ${schemeId}`);
  const iv = readOctetString(ivNode, "the IV");
  if (iv.length !== 16) throw new PkiError("bad_keystore", "the AES IV is not 16 bytes");
  const key = pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, aes.keyLength, prf);
  return decipher(aes.cipher, key, iv, ciphertext);
}

/** Decrypts data encrypted under `algorithm` (an AlgorithmIdentifier node) with `password`. */
export function decryptWithPassword(
  algorithm: DerNode,
  password: string,
  ciphertext: Uint8Array,
): Uint8Array {
  const [algorithmOid, params] = sequenceItems(algorithm, "the encryption algorithm", 1, 2);
  const id = readOid(algorithmOid, "the encryption algorithm");
  if (id === OID.pbes2) return decryptPbes2Params(params, password, ciphertext);
  if (id === OID.pbeWithSha1And3KeyTripleDesCbc) {
    const [saltNode, iterationsNode] = sequenceItems(params, "the PBE parameters", 2, 2);
    const salt = readOctetString(saltNode, "the PBE salt");
    const iterations = checkIterations(readSmallInteger(iterationsNode, "the PBE iteration count"));
    const key = pkcs12Kdf("sha1", password, salt, 1, iterations, 24);
    const iv = pkcs12Kdf("sha1", password, salt, 2, iterations, 8);
    return decipher("des-ede3-cbc", key, iv, ciphertext);
  }
  if (id === OID.pbeWithSha1And40BitRc2Cbc) {
    return unsupported(
      "RC2-40 encryption (OpenSSL 1.x legacy PKCS#12); re-export the file with AES",
    );
  }
  return unsupported(`the encryption algorithm ${id}`);
}
