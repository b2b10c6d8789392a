/**
 * Writes PKCS#12 files (RFC 7292) as OpenSSL 3 does by default, so `openssl pkcs12`, Java and
 * Windows read them: certificates in a PBES2 / AES-256-CBC encrypted safe, the key in a
 * pkcs8ShroudedKeyBag under the same scheme, PBKDF2-HMAC-SHA256, and a SHA-256 MAC.
 */

import { createHash, createHmac, randomBytes } from "node:crypto";

import { parseCertificate } from "./certificate-info.js";
import {
  bmpString,
  DER_NULL,
  explicit,
  implicitPrimitive,
  integer,
  octetString,
  oid,
  sequence,
  setOf,
} from "./der-encode.js";
import { PkiError } from "./errors.js";
import { parsePublicKeyInfo } from "./key-info.js";
import { OID } from "./oids.js";
import { DEFAULT_ITERATIONS, encryptPbes2, type RandomSource } from "./password-encryption.js";
import { pkcs12Kdf } from "./pkcs12-kdf.js";
import { encryptPrivateKey, publicKeyOfPrivateKey } from "./private-key.js";

export interface Pkcs12Input {
  /** The end-entity (or CA) certificate, DER. */
  certificate: Uint8Array;
  /** Issuer certificates, nearest first, DER. */
  chain?: Uint8Array[];
  /** PKCS#8 DER of the certificate's private key; omitted for a certificates-only file. */
  privateKey?: Uint8Array;
  password: string;
  /** Shown by keytool / Windows as the entry name. */
  friendlyName?: string;
  /** PBKDF2 and MAC iterations; OpenSSL 3's default (2048) unless set. */
  iterations?: number;
  random?: RandomSource;
}

function attribute(type: string, value: Uint8Array): Uint8Array {
  return sequence(oid(type), setOf(value));
}

/** SafeBag ::= SEQUENCE { bagId, bagValue [0] EXPLICIT, bagAttributes SET OF Attribute OPTIONAL } */
function safeBag(bagId: string, value: Uint8Array, attributes: Uint8Array[]): Uint8Array {
  const parts = [oid(bagId), explicit(0, value)];
  if (attributes.length > 0) parts.push(setOf(...attributes));
  return sequence(...parts);
}

function certBag(der: Uint8Array, attributes: Uint8Array[]): Uint8Array {
  return safeBag(
    OID.certBag,
    sequence(oid(OID.x509Certificate), explicit(0, octetString(der))),
    attributes,
  );
}

function dataContentInfo(content: Uint8Array): Uint8Array {
  return sequence(oid(OID.data), explicit(0, octetString(content)));
}

/** RFC 5652 §8 EncryptedData with the SafeContents encrypted under PBES2. */
function encryptedContentInfo(
  content: Uint8Array,
  password: string,
  iterations: number,
  random: RandomSource,
): Uint8Array {
  const { algorithm, ciphertext } = encryptPbes2(content, password, { iterations, random });
  const encryptedData = sequence(
    integer(0),
    sequence(oid(OID.data), algorithm, implicitPrimitive(0, ciphertext)),
  );
  return sequence(oid(OID.encryptedData), explicit(0, encryptedData));
}

function checkPassword(password: string): void {
  if (typeof password !== "string" || password.length === 0) {
    throw new PkiError("invalid_input", "a password is required to protect the file", {
      details: [{ field: "password" }],
    });
  }
  if (password.length > 1024)
    throw new PkiError("invalid_input", "the password is too long", {
      details: [{ field: "password" }],
    });
}

/** Builds the PFX DER. The private key must belong to the certificate. */
export function buildPkcs12(input: Pkcs12Input): Uint8Array {
  checkPassword(input.password);
  const iterations = input.iterations ?? DEFAULT_ITERATIONS;
  const random = input.random ?? randomBytes;
  const leaf = parseCertificate(input.certificate);
  // RFC 7292 §4.2: localKeyId ties the key bag to its certificate; OpenSSL uses the SHA-1 of the cert.
  const localKeyId = attribute(
    OID.localKeyId,
    octetString(createHash("sha1").update(input.certificate).digest()),
  );
  const leafAttributes = input.privateKey ? [localKeyId] : [];
  if (input.friendlyName)
    leafAttributes.unshift(attribute(OID.friendlyName, bmpString(input.friendlyName)));

  const certificates = sequence(
    certBag(input.certificate, leafAttributes),
    ...(input.chain ?? []).map((der) => certBag(der, [])),
  );
  const safes = [encryptedContentInfo(certificates, input.password, iterations, random)];
  if (input.privateKey) {
    const keySpki = parsePublicKeyInfo(publicKeyOfPrivateKey(input.privateKey));
    if (Buffer.compare(keySpki.subjectPublicKey, leaf.publicKey.subjectPublicKey) !== 0) {
      throw new PkiError("invalid_input", "the private key does not belong to the certificate", {
        details: [{ field: "private_key" }],
      });
    }
    const shrouded = encryptPrivateKey(input.privateKey, input.password, { iterations, random });
    const keyAttributes = [...leafAttributes];
    safes.push(
      dataContentInfo(sequence(safeBag(OID.pkcs8ShroudedKeyBag, shrouded, keyAttributes))),
    );
  }
  const authenticatedSafe = sequence(...safes);

  // RFC 7292 §5.1 and Appendix B: MAC key from the PKCS#12 KDF (ID 3) with SHA-256.
  const macSalt = random(16);
  const macKey = pkcs12Kdf("sha256", input.password, macSalt, 3, iterations, 32);
  const mac = createHmac("sha256", macKey).update(authenticatedSafe).digest();
  const macData = sequence(
    sequence(sequence(oid(OID.sha256), DER_NULL), octetString(mac)),
    octetString(macSalt),
    integer(iterations),
  );
  return sequence(integer(3), dataContentInfo(authenticatedSafe), macData);
}
