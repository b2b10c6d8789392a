/**
 * Encrypted configs, `SEP<MAC>.cnf.xml.enc.sgn` (spec §3.2–3.3): the config encrypted with a
 * fresh AES-128 key, the key wrapped with the phone's RSA public key, the whole signed by the
 * TFTP key. Built together with the `.cnf.xml.sgn` stub that tells the phone to fetch it (§3.4).
 */

import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createPublicKey,
  publicEncrypt,
  randomBytes,
} from "node:crypto";

import type { Signer } from "../signer.js";

import { readCertificateFields } from "./certificate-fields.js";
import { buildConfigStubXml, configCertificateHash, readDeviceConfig } from "./config-stub.js";
import { ItlBuildError, ItlFormatError } from "./itl-errors.js";
import { buildSgnFile, assertSignedBy } from "./sgn-file.js";
import { buildSignedFile } from "./signed-file-builder.js";
import { parseSignedHeader, type SignedHeader } from "./signed-header-parser.js";
import {
  ENCRYPTION_KEY_ALGORITHM_AES,
  ENCRYPTION_UNKNOWN_VALUE,
  FILE_VERSION,
  HASH_ID,
  HeaderTag,
  digestOfHashId,
  type ItlDigest,
} from "./tags.js";
import { bytesEqual, concatBytes, tlv, tlvContainer, tlvUint16, tlvUint8 } from "./tlv-encoding.js";

const AES_BLOCK = 16;
const AES_KEY_BYTES = 16;
const NODE_DIGEST = { "SHA-1": "sha1", "SHA-512": "sha512" } as const;
const DIGEST_BYTES = { "SHA-1": 20, "SHA-512": 64 } as const;
/** The config padding byte, `\r` (spec §3.2: not PKCS#7). */
const CONFIG_PAD_BYTE = 0x0d;

export interface EncryptedConfigInput {
  /** Holds the key of `signerCertificate`, an RSA certificate with the TFTP role. */
  signer: Signer;
  signerCertificate: Uint8Array;
  /** The phone's RSA LSC, else its MIC (DER). EC certificates cannot wrap the key (spec §3.2). */
  deviceCertificate: Uint8Array;
  /** The full `SEP<MAC>.cnf.xml`; its root element must be `<device>`. */
  config: Uint8Array;
  /** The config's name, `SEP<MAC>.cnf.xml`; the outputs add `.enc.sgn` and `.sgn`. */
  configFileName: string;
  /** Unix time in seconds (TIMESTAMP of both files). */
  timestamp: number;
  /** Signature and ENCRYPTION_HASH digest; default SHA-1. */
  digest?: ItlDigest;
}

export interface EncryptedConfigFiles {
  /** `SEP<MAC>.cnf.xml.enc.sgn` and its bytes. */
  encryptedFileName: string;
  encrypted: Uint8Array;
  /** `SEP<MAC>.cnf.xml.sgn`, the stub; the clear config must no longer be served (§3.4). */
  stubFileName: string;
  stub: Uint8Array;
  /** `<certHash>` of the stub: hex MD5 of the device certificate. */
  certificateHash: string;
}

export interface ParsedEncryptedConfig {
  header: SignedHeader;
  iv: Uint8Array;
  /** How many 0x0D bytes were appended before encryption (1..16). */
  paddingCount: number;
  /** KEY_SIZE as written (U1: 8 × wrapped key length). */
  keySizeBits: number;
  /** The AES key, RSAES-PKCS1-v1_5-encrypted to the device certificate. */
  wrappedKey: Uint8Array;
  /** Digest of the plaintext before padding. */
  plaintextDigest: ItlDigest;
  plaintextHash: Uint8Array;
  ciphertext: Uint8Array;
}

function encryptionBlock(
  iv: Uint8Array,
  paddingCount: number,
  wrappedKey: Uint8Array,
  digest: ItlDigest,
  plaintextHash: Uint8Array,
): Uint8Array[] {
  return [
    tlvContainer(HeaderTag.ENCRYPTION_INFO, [
      tlvContainer(HeaderTag.ENCRYPTION_IV_INFO, [
        tlvUint8(HeaderTag.ENCRYPTION_UNKNOWN_1, ENCRYPTION_UNKNOWN_VALUE),
        tlv(HeaderTag.ENCRYPTION_IV, iv),
        tlvUint16(HeaderTag.ENCRYPTION_PADDING, paddingCount),
      ]),
      tlvContainer(HeaderTag.ENCRYPTION_KEY_INFO, [
        tlvUint8(HeaderTag.ENCRYPTION_UNKNOWN_2, ENCRYPTION_UNKNOWN_VALUE),
        // Spec §3.3 / §9: the current reference writes 8 × the wrapped key's length here.
        tlvUint16(HeaderTag.ENCRYPTION_KEY_SIZE, wrappedKey.length * 8),
        tlvUint8(HeaderTag.ENCRYPTION_KEY_ALGORITHM, ENCRYPTION_KEY_ALGORITHM_AES),
        tlv(HeaderTag.ENCRYPTION_KEY, wrappedKey),
      ]),
    ]),
    // Tags 26 and 27 sit after container 16, not inside it (spec §3.3).
    tlvUint8(HeaderTag.ENCRYPTION_HASH_ALGORITHM, HASH_ID[digest]),
    tlv(HeaderTag.ENCRYPTION_HASH, plaintextHash),
  ];
}

/** Encrypts and signs a device config, and builds its `.cnf.xml.sgn` stub. */
export async function buildEncryptedConfig(
  input: EncryptedConfigInput,
): Promise<EncryptedConfigFiles> {
  const digest = input.digest ?? "SHA-1";
  const device = readCertificateFields(input.deviceCertificate);
  if (device.key.kind !== "rsa") {
    throw new ItlBuildError(
      "device_key_not_rsa",
      "The device certificate is not RSA; an encrypted config needs an RSA LSC or MIC.",
    );
  }
  readDeviceConfig(input.config);
  const signerCertificate = readCertificateFields(input.signerCertificate);

  const plaintextHash = createHash(NODE_DIGEST[digest]).update(input.config).digest();
  const paddingCount = AES_BLOCK - (input.config.length % AES_BLOCK);
  const padded = concatBytes([input.config, new Uint8Array(paddingCount).fill(CONFIG_PAD_BYTE)]);
  const key = randomBytes(AES_KEY_BYTES);
  const iv = randomBytes(AES_BLOCK);
  const cipher = createCipheriv("aes-128-cbc", key, iv).setAutoPadding(false);
  const ciphertext = Buffer.concat([cipher.update(padded), cipher.final()]);
  const wrappedKey = publicEncrypt(
    {
      key: createPublicKey({ key: Buffer.from(device.spki), format: "der", type: "spki" }),
      padding: constants.RSA_PKCS1_PADDING,
    },
    key,
  );
  key.fill(0);

  const encryptedFileName = `${input.configFileName}.enc.sgn`;
  const encrypted = await buildSignedFile(
    {
      version: FILE_VERSION.encSgn,
      signerCertificate,
      digest,
      fileName: encryptedFileName,
      timestamp: input.timestamp,
      headerTail: encryptionBlock(iv, paddingCount, wrappedKey, digest, plaintextHash),
      body: ciphertext,
    },
    input.signer,
  );
  const stubFileName = `${input.configFileName}.sgn`;
  const stub = await buildSgnFile({
    signer: input.signer,
    signerCertificate: input.signerCertificate,
    payload: new TextEncoder().encode(buildConfigStubXml(input.config, input.deviceCertificate)),
    fileName: stubFileName,
    timestamp: input.timestamp,
    digest,
  });
  return {
    encryptedFileName,
    encrypted,
    stubFileName,
    stub,
    certificateHash: configCertificateHash(input.deviceCertificate),
  };
}

function badEncryption(message: string): ItlFormatError {
  return new ItlFormatError("bad_encryption", message);
}

/** Parses an `.enc.sgn` and checks its encryption block; does not check the signature. */
export function parseEncryptedConfig(bytes: Uint8Array): ParsedEncryptedConfig {
  const header = parseSignedHeader(bytes);
  if (header.version.major !== FILE_VERSION.encSgn.major) {
    throw new ItlFormatError(
      "unsupported_version",
      `Header version ${header.version.major}.${header.version.minor} is not an .enc.sgn version (2.x).`,
    );
  }
  const { iv, paddingCount, keySizeBits, wrappedKey, hashId, hash } = header.encryption;
  if (!iv || iv.length !== AES_BLOCK) throw badEncryption("The IV is missing or not 16 bytes.");
  if (paddingCount === undefined || paddingCount < 1 || paddingCount > AES_BLOCK) {
    throw badEncryption("ENCRYPTION_PADDING is missing or not 1..16.");
  }
  if (!wrappedKey || wrappedKey.length === 0) throw badEncryption("The wrapped key is missing.");
  const plaintextDigest = hashId?.length === 1 ? digestOfHashId(hashId[0] ?? 0) : undefined;
  if (!plaintextDigest || !hash || hash.length !== DIGEST_BYTES[plaintextDigest]) {
    throw badEncryption("ENCRYPTION_HASH is missing or does not fit its algorithm.");
  }
  const ciphertext = bytes.slice(header.headerLength);
  if (ciphertext.length === 0 || ciphertext.length % AES_BLOCK !== 0) {
    throw badEncryption(`The ciphertext is ${ciphertext.length} bytes, not whole AES blocks.`);
  }
  return {
    header,
    iv,
    paddingCount,
    keySizeBits: keySizeBits ?? 0,
    wrappedKey,
    plaintextDigest,
    plaintextHash: hash,
    ciphertext,
  };
}

/** Parses an `.enc.sgn` and verifies it was signed by `signerCertificate` (DER, TFTP role). */
export function verifyEncryptedConfig(
  bytes: Uint8Array,
  signerCertificate: Uint8Array,
): ParsedEncryptedConfig {
  const parsed = parseEncryptedConfig(bytes);
  assertSignedBy(bytes, parsed.header, signerCertificate);
  return parsed;
}

/**
 * The config inside a parsed `.enc.sgn`, given the AES key the device's private key unwrapped
 * (spec §3.5). Throws `integrity_mismatch` when the key is wrong or the file was altered.
 */
export function decryptEncryptedConfig(
  parsed: ParsedEncryptedConfig,
  aesKey: Uint8Array,
): Uint8Array {
  if (aesKey.length !== AES_KEY_BYTES) {
    throw new ItlFormatError("integrity_mismatch", "The unwrapped key is not an AES-128 key.");
  }
  const decipher = createDecipheriv("aes-128-cbc", aesKey, parsed.iv).setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]);
  const plaintext = padded.subarray(0, padded.length - parsed.paddingCount);
  const hash = createHash(NODE_DIGEST[parsed.plaintextDigest]).update(plaintext).digest();
  if (!bytesEqual(hash, parsed.plaintextHash)) {
    throw new ItlFormatError("integrity_mismatch", "The decrypted config does not match its hash.");
  }
  return new Uint8Array(plaintext);
}
