/**
 * Java KeyStore (JKS) files, as sun.security.provider.JavaKeyStore writes them: magic
 * 0xFEEDFEED, version 2, entries, then a SHA-1 integrity digest keyed by the store password.
 * Private keys are protected with Sun's KeyProtector (a SHA-1 keystream), the only scheme JKS
 * knows. JKS is weak by design; it exists for Java clients that cannot read PKCS#12.
 */

import { createHash, randomBytes } from "node:crypto";

import { DER_NULL, octetString, oid, sequence, utf16be } from "./der-encode.js";
import { PkiError } from "./errors.js";
import { OID } from "./oids.js";
import type { RandomSource } from "./password-encryption.js";

export type JksEntry =
  | {
      type: "private-key";
      alias: string;
      /** PKCS#8 DER. */
      privateKey: Uint8Array;
      /** The key's certificate first, then its issuers (DER). */
      chain: Uint8Array[];
      createdAt: Date;
    }
  | { type: "trusted-certificate"; alias: string; certificate: Uint8Array; createdAt: Date };

const MAGIC = 0xfeedfeed;
const VERSION = 2;
const TAG_PRIVATE_KEY = 1;
const TAG_TRUSTED_CERT = 2;
/** The literal JavaKeyStore mixes into its integrity digest. */
const WHITENER = new TextEncoder().encode("Mighty Aphrodite");

class Writer {
  private readonly parts: Uint8Array[] = [];

  u32(value: number): void {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value);
    this.parts.push(bytes);
  }

  u64(value: number): void {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(value));
    this.parts.push(bytes);
  }

  /** java.io.DataOutput.writeUTF: a 16-bit length, then modified UTF-8. */
  utf(value: string): void {
    const encoded = modifiedUtf8(value);
    if (encoded.length > 0xffff) throw new PkiError("invalid_input", "a JKS alias is too long");
    this.parts.push(Uint8Array.of(encoded.length >> 8, encoded.length & 0xff), encoded);
  }

  bytes(value: Uint8Array): void {
    this.u32(value.length);
    this.parts.push(value);
  }

  raw(value: Uint8Array): void {
    this.parts.push(value);
  }

  done(): Uint8Array {
    return Buffer.concat(this.parts);
  }
}

/** Modified UTF-8 (java.io.DataInput §"Modified UTF-8"): U+0000 as C0 80, UTF-16 units encoded singly. */
function modifiedUtf8(value: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0x01 && unit <= 0x7f) out.push(unit);
    else if (unit <= 0x7ff) out.push(0xc0 | (unit >> 6), 0x80 | (unit & 0x3f));
    else out.push(0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f));
  }
  return Uint8Array.from(out);
}

/**
 * Sun's KeyProtector: salt (20 bytes), the key XORed with SHA-1(password ‖ previous digest)
 * blocks, then SHA-1(password ‖ key) as a check; wrapped as EncryptedPrivateKeyInfo with the
 * Sun OID. The password is taken as UTF-16BE (Java chars), without terminator.
 */
export function protectKey(
  pkcs8: Uint8Array,
  password: string,
  random: RandomSource = randomBytes,
): Uint8Array {
  const passwordBytes = utf16be(password);
  const salt = random(20);
  const encrypted = new Uint8Array(pkcs8.length);
  let digest: Uint8Array = salt;
  for (let offset = 0; offset < pkcs8.length; offset += 20) {
    digest = createHash("sha1").update(passwordBytes).update(digest).digest();
    for (let i = 0; i < 20 && offset + i < pkcs8.length; i++)
      encrypted[offset + i] = pkcs8[offset + i]! ^ digest[i]!;
  }
  const check = createHash("sha1").update(passwordBytes).update(pkcs8).digest();
  const protectedKey = Buffer.concat([salt, encrypted, check]);
  return sequence(sequence(oid(OID.sunJksKeyProtector), DER_NULL), octetString(protectedKey));
}

function checkEntries(entries: readonly JksEntry[], password: string): void {
  if (typeof password !== "string" || password.length < 6) {
    // keytool refuses store passwords shorter than 6 characters.
    throw new PkiError("invalid_input", "a JKS password needs at least 6 characters", {
      details: [{ field: "password" }],
    });
  }
  const aliases = new Set<string>();
  for (const entry of entries) {
    // JKS compares aliases case-insensitively and stores them in lower case.
    const alias = entry.alias.toLowerCase();
    if (alias.length === 0 || aliases.has(alias)) {
      throw new PkiError("invalid_input", `the alias "${entry.alias}" is empty or used twice`, {
        details: [{ field: "alias" }],
      });
    }
    aliases.add(alias);
    if (entry.type === "private-key" && entry.chain.length === 0) {
      throw new PkiError("invalid_input", "a private key entry needs its certificate", {
        details: [{ field: "chain" }],
      });
    }
  }
}

/**
 * A JKS store with `entries`. The same password protects the store and each key, as keytool
 * expects by default. `createdAt` is passed in (pki/ reads no clock).
 */
export function buildJks(
  entries: readonly JksEntry[],
  password: string,
  random: RandomSource = randomBytes,
): Uint8Array {
  checkEntries(entries, password);
  const out = new Writer();
  out.u32(MAGIC);
  out.u32(VERSION);
  out.u32(entries.length);
  for (const entry of entries) {
    if (entry.type === "private-key") {
      out.u32(TAG_PRIVATE_KEY);
      out.utf(entry.alias.toLowerCase());
      out.u64(entry.createdAt.getTime());
      out.bytes(protectKey(entry.privateKey, password, random));
      out.u32(entry.chain.length);
      for (const certificate of entry.chain) {
        out.utf("X.509");
        out.bytes(certificate);
      }
    } else {
      out.u32(TAG_TRUSTED_CERT);
      out.utf(entry.alias.toLowerCase());
      out.u64(entry.createdAt.getTime());
      out.utf("X.509");
      out.bytes(entry.certificate);
    }
  }
  const body = out.done();
  const digest = createHash("sha1")
    .update(utf16be(password))
    .update(WHITENER)
    .update(body)
    .digest();
  return Buffer.concat([body, digest]);
}
