/**
 * Reads PKCS#12 files (RFC 7292) for import: verifies the MAC with the password, decrypts the
 * safes and returns the private key (PKCS#8) and certificates, leaf first.
 */

import { createHmac, timingSafeEqual } from "node:crypto";

import { parseCertificate } from "./certificate-info.js";
import { TAG } from "./der-encode.js";
import {
  children,
  expectTag,
  readDer,
  readOctetString,
  readOid,
  readSmallInteger,
  sequenceItems,
  type DerNode,
} from "./der-read.js";
import { PkiError, relabelDerErrors } from "./errors.js";
import { parsePublicKeyInfo } from "./key-info.js";
import { OID } from "./oids.js";
import { decryptWithPassword, MAX_ITERATIONS } from "./password-encryption.js";
import { pkcs12Kdf, type Pkcs12KdfHash } from "./pkcs12-kdf.js";
import { decryptPrivateKey, publicKeyOfPrivateKey } from "./private-key.js";

export interface Pkcs12Contents {
  /** PKCS#8 DER, or null for a certificates-only file. */
  privateKey: Uint8Array | null;
  /** The certificate of the key (or, without a key, the one no other certificate was issued by). */
  certificate: Uint8Array | null;
  /** The other certificates. */
  chain: Uint8Array[];
}

/** Files bigger than this are not key stores a person uploads. */
export const MAX_PKCS12_BYTES = 1024 * 1024;
const MAX_BAGS = 256;

const MAC_HASH: Record<string, Pkcs12KdfHash> = {
  [OID.sha1]: "sha1",
  [OID.sha256]: "sha256",
  [OID.sha384]: "sha384",
  [OID.sha512]: "sha512",
};
const HASH_LENGTH: Record<Pkcs12KdfHash, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

function bad(message: string): never {
  throw new PkiError("bad_keystore", message);
}

function verifyMac(macData: DerNode, password: string, authenticatedSafe: Uint8Array): void {
  const [digestInfo, saltNode, iterationsNode] = sequenceItems(macData, "the MAC data", 2, 3);
  const [algorithm, digestNode] = sequenceItems(digestInfo, "the MAC digest", 2, 2);
  const [hashOid] = sequenceItems(algorithm, "the MAC algorithm", 1, 2);
  const hashId = readOid(hashOid, "the MAC algorithm");
  const hash = MAC_HASH[hashId] ?? bad(`the MAC algorithm ${hashId} is not supported`);
  const iterations = iterationsNode ? readSmallInteger(iterationsNode, "the MAC iterations") : 1;
  if (iterations < 1 || iterations > MAX_ITERATIONS)
    bad(`a MAC iteration count of ${iterations} is out of range`);
  const key = pkcs12Kdf(
    hash,
    password,
    readOctetString(saltNode, "the MAC salt"),
    3,
    iterations,
    HASH_LENGTH[hash],
  );
  const expected = createHmac(hash, key).update(authenticatedSafe).digest();
  const actual = readOctetString(digestNode, "the MAC");
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new PkiError("wrong_password", "the password is wrong or the PKCS#12 file was altered");
  }
}

/** The content of a ContentInfo of type data: [0] EXPLICIT OCTET STRING. */
function dataContent(content: DerNode | undefined): Uint8Array {
  const [octets] = children(expectTag(content, 0xa0, "the content"));
  return readOctetString(octets, "the data content");
}

function decryptSafe(content: DerNode | undefined, password: string): Uint8Array {
  const [encryptedData] = children(expectTag(content, 0xa0, "the encrypted content"));
  const [, encryptedContentInfo] = sequenceItems(encryptedData, "EncryptedData", 2, 3);
  const [, algorithm, encrypted] = sequenceItems(
    encryptedContentInfo,
    "EncryptedContentInfo",
    3,
    3,
  );
  // [0] IMPLICIT OCTET STRING; BER writers may send it constructed in chunks.
  let ciphertext: Uint8Array;
  if (encrypted!.tag === 0x80) ciphertext = encrypted!.content;
  else if (encrypted!.tag === 0xa0)
    ciphertext = Buffer.concat(children(encrypted!).map((c) => readOctetString(c, "a chunk")));
  else bad("the encrypted content is malformed");
  return decryptWithPassword(algorithm!, password, ciphertext);
}

interface Bags {
  keys: Uint8Array[];
  certificates: Uint8Array[];
}

function readSafeContents(bytes: Uint8Array, password: string, bags: Bags, depth: number): void {
  if (depth > 4) bad("safe contents are nested too deeply");
  for (const bag of sequenceItems(readDer(bytes), "SafeContents")) {
    if (bags.keys.length + bags.certificates.length > MAX_BAGS)
      bad("the file holds too many entries");
    const [bagIdNode, valueNode] = sequenceItems(bag, "a SafeBag", 2, 3);
    const bagId = readOid(bagIdNode, "a bag type");
    const [value] = children(expectTag(valueNode, 0xa0, "a bag value"));
    if (!value) bad("a bag value is empty");
    if (bagId === OID.keyBag) bags.keys.push(value.bytes);
    else if (bagId === OID.pkcs8ShroudedKeyBag)
      bags.keys.push(decryptPrivateKey(value.bytes, password));
    else if (bagId === OID.certBag) {
      const [certType, certValue] = sequenceItems(value, "a CertBag", 2, 2);
      if (readOid(certType, "a certificate type") !== OID.x509Certificate) continue;
      const [octets] = children(expectTag(certValue, 0xa0, "a certificate value"));
      bags.certificates.push(readOctetString(octets, "a certificate"));
    } else if (bagId === "1.2.840.113549.1.12.10.1.6") {
      // safeContentsBag: a nested SafeContents.
      readSafeContents(value.bytes, password, bags, depth + 1);
    }
    // CRL and secret bags are not needed for import and are skipped.
  }
}

/** Orders certificates: the key's certificate first, or the one that issued no other one. */
function orderCertificates(
  certificates: Uint8Array[],
  privateKey: Uint8Array | null,
): Pick<Pkcs12Contents, "certificate" | "chain"> {
  if (certificates.length === 0) return { certificate: null, chain: [] };
  const infos = certificates.map((der) => parseCertificate(der));
  let leafIndex: number;
  if (privateKey) {
    const keyBits = parsePublicKeyInfo(publicKeyOfPrivateKey(privateKey)).subjectPublicKey;
    leafIndex = infos.findIndex(
      (info) => Buffer.compare(info.publicKey.subjectPublicKey, keyBits) === 0,
    );
    if (leafIndex < 0) bad("no certificate in the file belongs to its private key");
  } else {
    leafIndex = infos.findIndex(
      (candidate) =>
        !infos.some(
          (other) =>
            other !== candidate && Buffer.compare(other.issuer.der, candidate.subject.der) === 0,
        ),
    );
    if (leafIndex < 0) leafIndex = 0;
  }
  return {
    certificate: certificates[leafIndex]!,
    chain: certificates.filter((_, i) => i !== leafIndex),
  };
}

/**
 * Opens a PKCS#12 file. Throws `wrong_password` when the MAC (or decryption) fails with this
 * password, `bad_keystore` for malformed files, unsupported algorithms or several keys.
 */
export function parsePkcs12(der: Uint8Array, password: string): Pkcs12Contents {
  if (der.length > MAX_PKCS12_BYTES) bad(`the file is larger than ${MAX_PKCS12_BYTES} bytes`);
  return relabelDerErrors("bad_keystore", "the PKCS#12 file", () => {
    const [versionNode, authSafe, macData] = sequenceItems(readDer(der), "the PFX", 2, 3);
    if (readSmallInteger(versionNode, "the PFX version") !== 3)
      bad("only PKCS#12 version 3 files are read");
    const [contentType, content] = sequenceItems(authSafe, "the authenticated safe", 2, 2);
    if (readOid(contentType, "the authenticated safe type") !== OID.data) {
      bad("public-key protected PKCS#12 files are not supported");
    }
    const authenticatedSafe = dataContent(content);
    if (macData) verifyMac(macData, password, authenticatedSafe);
    const bags: Bags = { keys: [], certificates: [] };
    for (const info of sequenceItems(readDer(authenticatedSafe), "AuthenticatedSafe")) {
      const [typeNode, infoContent] = sequenceItems(
        expectTag(info, TAG.sequence, "a ContentInfo"),
        "a ContentInfo",
        2,
        2,
      );
      const type = readOid(typeNode, "a content type");
      if (type === OID.data) readSafeContents(dataContent(infoContent), password, bags, 0);
      else if (type === OID.encryptedData)
        readSafeContents(decryptSafe(infoContent, password), password, bags, 0);
      else bad(`content of type ${type} is not supported`);
    }
    if (bags.keys.length > 1) bad("the file holds more than one private key");
    const privateKey = bags.keys[0] ?? null;
    return { privateKey, ...orderCertificates(bags.certificates, privateKey) };
  });
}
