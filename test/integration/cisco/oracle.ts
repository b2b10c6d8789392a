/**
 * An independent reader of Cisco signed files, written in test code from the spec (§1.1, §1.2,
 * §3.3, §3.5), not from `src/pki/itl`: it walks the header, cuts the signature TLV out, verifies
 * it with the OpenSSL CLI and decrypts `.enc.sgn` payloads with the device key.
 */

import { execFileSync } from "node:child_process";
import {
  createDecipheriv,
  createHash,
  constants,
  privateDecrypt,
  type KeyObject,
} from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface OracleFile {
  headerLength: number;
  /** Tag → value of every non-container header element (the last one wins). */
  tags: Map<number, Buffer>;
  signatureOffset: number;
  signature: Buffer;
  payload: Buffer;
}

const CONTAINERS = new Set([3, 7, 9, 16, 17, 21]);

export function readSignedFile(bytes: Uint8Array): OracleFile {
  const file = Buffer.from(bytes);
  if (file[0] !== 1 || file[5] !== 2) throw new Error("not a signed Cisco file");
  const headerLength = file.readUInt16BE(8);
  const tags = new Map<number, Buffer>();
  let offset = 10;
  let signatureOffset = -1;
  while (offset < headerLength) {
    const tag = file[offset]!;
    if (tag === 13) {
      offset += 1; // §1: the padding tag is one lone byte
      continue;
    }
    const length = file.readUInt16BE(offset + 1);
    if (CONTAINERS.has(tag)) {
      offset += 3; // §1: enter containers, read nested TLVs as flat
      continue;
    }
    if (tag === 12) signatureOffset = offset;
    tags.set(tag, file.subarray(offset + 3, offset + 3 + length));
    offset += 3 + length;
  }
  if (offset !== headerLength || signatureOffset < 0) throw new Error("bad header walk");
  return {
    headerLength,
    tags,
    signatureOffset,
    signature: tags.get(12)!,
    payload: file.subarray(headerLength),
  };
}

/** §1.2: the file without the signature TLV, verified with `openssl dgst -verify`. */
export function opensslVerifies(bytes: Uint8Array, signerCertificatePem: string): boolean {
  const parsed = readSignedFile(bytes);
  const file = Buffer.from(bytes);
  const signed = Buffer.concat([
    file.subarray(0, parsed.signatureOffset),
    file.subarray(parsed.signatureOffset + 3 + parsed.signature.length),
  ]);
  const digest = parsed.tags.get(8)?.[0] === 3 ? "-sha512" : "-sha1";
  const dir = mkdtempSync(path.join(os.tmpdir(), "cisco-oracle-"));
  try {
    writeFileSync(path.join(dir, "cert.pem"), signerCertificatePem);
    writeFileSync(path.join(dir, "data"), signed);
    writeFileSync(path.join(dir, "sig"), parsed.signature);
    const pub = execFileSync("openssl", [
      "x509",
      "-in",
      path.join(dir, "cert.pem"),
      "-pubkey",
      "-noout",
    ]);
    writeFileSync(path.join(dir, "pub.pem"), pub);
    try {
      execFileSync(
        "openssl",
        [
          "dgst",
          digest,
          "-verify",
          path.join(dir, "pub.pem"),
          "-signature",
          path.join(dir, "sig"),
          path.join(dir, "data"),
        ],
        { stdio: "pipe" },
      );
      return true;
    } catch {
      return false;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** §3.5: unwrap the AES key, decrypt, drop the 0x0D padding, check the plaintext hash. */
export function decryptConfig(bytes: Uint8Array, deviceKey: KeyObject): string {
  const parsed = readSignedFile(bytes);
  // RFC 8017 §7.2.2 by hand: Node refuses PKCS#1 v1.5 decryption since CVE-2023-46809.
  const block = privateDecrypt(
    { key: deviceKey, padding: constants.RSA_NO_PADDING },
    parsed.tags.get(25)!,
  );
  if (block[0] !== 0 || block[1] !== 2) throw new Error("bad key wrap padding");
  const aesKey = block.subarray(block.indexOf(0, 2) + 1);
  const decipher = createDecipheriv("aes-128-cbc", aesKey, parsed.tags.get(19)!);
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(parsed.payload), decipher.final()]);
  const padding = parsed.tags.get(20)!.readUInt16BE(0);
  const plain = padded.subarray(0, padded.length - padding);
  const algorithm = parsed.tags.get(26)?.[0] === 3 ? "sha512" : "sha1";
  if (!createHash(algorithm).update(plain).digest().equals(parsed.tags.get(27)!)) {
    throw new Error("plaintext hash mismatch");
  }
  return plain.toString("utf8");
}
