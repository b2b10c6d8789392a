/**
 * An ITL/CTL/.sgn/.enc.sgn reader and writer written in test code from the spec
 * (cisco-phone-security.md §1–3, §2.5, §3.5), sharing nothing with src/pki/itl, so that the
 * production code is checked against a second reading of the spec plus OpenSSL (spec §8).
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface HeaderView {
  headerLength: number;
  /** Header elements by tag, containers entered (their own entries hold the nested bytes). */
  elements: Map<number, Buffer>;
  signatureStart: number;
  signatureEnd: number;
}

const CONTAINERS = new Set([3, 7, 9, 16, 17, 21]);

/** Spec §2.5 steps 1–2. */
export function readHeader(file: Buffer): HeaderView {
  if (file[0] !== 1 || file.readUInt16BE(1) !== 2) throw new Error("no HEADER_VERSION at 0");
  if (file[5] !== 2 || file.readUInt16BE(6) !== 2) throw new Error("no HEADER_LENGTH at 5");
  const headerLength = file.readUInt16BE(8);
  const elements = new Map<number, Buffer>();
  let signatureStart = -1;
  let signatureEnd = -1;
  let i = 10;
  while (i < headerLength) {
    const tag = file[i]!;
    if (tag === 13) {
      i += 1;
      continue;
    }
    const length = file.readUInt16BE(i + 1);
    elements.set(tag, file.subarray(i + 3, i + 3 + length));
    if (tag === 12) {
      signatureStart = i;
      signatureEnd = i + 3 + length;
    }
    i += CONTAINERS.has(tag) ? 3 : 3 + length;
  }
  if (i !== headerLength) throw new Error("header walk overran HEADER_LENGTH");
  return { headerLength, elements, signatureStart, signatureEnd };
}

/** The signed bytes (file minus the SIGNATURE element) and the signature (spec §1.2). */
export function splitSignature(file: Buffer): { signed: Buffer; signature: Buffer } {
  const header = readHeader(file);
  return {
    signed: Buffer.concat([
      file.subarray(0, header.signatureStart),
      file.subarray(header.signatureEnd),
    ]),
    signature: file.subarray(header.signatureStart + 3, header.signatureEnd),
  };
}

/** Spec §2.5 step 3: each record's sub-elements by tag. */
export function readRecords(file: Buffer): Map<number, Buffer>[] {
  const records: Map<number, Buffer>[] = [];
  let i = readHeader(file).headerLength;
  while (i < file.length) {
    if (file[i] !== 1) throw new Error(`record at ${i} does not start with tag 1`);
    const end = i + file.readUInt16BE(i + 3);
    const fields = new Map<number, Buffer>();
    for (let j = i + 5; j < end;) {
      const length = file.readUInt16BE(j + 1);
      fields.set(file[j]!, file.subarray(j + 3, j + 3 + length));
      j += 3 + length;
    }
    records.push(fields);
    i = end;
  }
  return records;
}

/** Runs a command in a scratch folder with the given files; returns stdout, or throws. */
export function inScratch<T>(work: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(os.tmpdir(), "certsmith-itl-"));
  try {
    return work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function openssl(args: string[], input?: Buffer): Buffer {
  return execFileSync("openssl", args, { input, stdio: ["pipe", "pipe", "pipe"] });
}

/** Whether `openssl dgst -<digest> -verify` accepts the signature with the certificate's key. */
export function opensslVerifies(
  certificatePem: string,
  digest: "sha1" | "sha512",
  signed: Buffer,
  signature: Buffer,
): boolean {
  return inScratch((dir) => {
    const pub = path.join(dir, "pub.pem");
    writeFileSync(pub, openssl(["x509", "-noout", "-pubkey", "-in", certificatePem]));
    writeFileSync(path.join(dir, "signed.bin"), signed);
    writeFileSync(path.join(dir, "sig.bin"), signature);
    try {
      const out = openssl([
        "dgst",
        `-${digest}`,
        "-verify",
        pub,
        "-signature",
        path.join(dir, "sig.bin"),
        path.join(dir, "signed.bin"),
      ]);
      return out.toString().includes("Verified OK");
    } catch {
      return false;
    }
  });
}

/** The ITL fields of a certificate, read with the OpenSSL CLI (spec §1, §2.1). */
export function certificateFieldsByOpenssl(certificatePem: string) {
  const nameOptions =
    "esc_2253,esc_ctrl,esc_msb,utf8,dump_nostr,dump_unknown,dump_der,sep_comma_plus,sname";
  const line = (args: string[]) =>
    openssl(["x509", "-noout", "-in", certificatePem, "-nameopt", nameOptions, ...args])
      .toString()
      .trim();
  const subject = line(["-subject"]).replace(/^subject=/, "");
  const issuer = line(["-issuer"]).replace(/^issuer=/, "");
  let serialHex = line(["-serial"]).replace(/^serial=/, "");
  if (serialHex.length % 2) serialHex = `0${serialHex}`;
  const der = openssl(["x509", "-in", certificatePem, "-outform", "DER"]);
  const pubkeyPem = openssl(["x509", "-noout", "-pubkey", "-in", certificatePem]);
  const isRsa = openssl(["pkey", "-pubin", "-noout", "-text"], pubkeyPem)
    .toString()
    .includes("Modulus");
  const publicKey = isRsa
    ? openssl(["rsa", "-pubin", "-RSAPublicKey_out", "-outform", "DER"], pubkeyPem)
    : (() => {
        const spki = openssl(
          ["ec", "-pubin", "-outform", "DER", "-conv_form", "uncompressed"],
          pubkeyPem,
        );
        const pointLength = { 91: 65, 120: 97, 158: 133 }[spki.length] ?? 0;
        return spki.subarray(spki.length - pointLength);
      })();
  // The last top-level element of the certificate is its signatureValue BIT STRING.
  const parsed = openssl(["asn1parse", "-inform", "DER"], der).toString().trim().split("\n");
  const last = parsed.filter((l) => /d=1/.test(l)).at(-1)!;
  const [, offset, headerLength, length] = /(\d+):d=1\s+hl=(\d+)\s+l=\s*(\d+)/
    .exec(last)!
    .map(Number);
  const signature = der.subarray(offset! + headerLength! + 1, offset! + headerLength! + length!);
  return { subject, issuer, serial: Buffer.from(serialHex, "hex"), publicKey, signature, der };
}

const tlv = (tag: number, value: Buffer) => {
  const head = Buffer.alloc(3);
  head[0] = tag;
  head.writeUInt16BE(value.length, 1);
  return Buffer.concat([head, value]);
};
const str = (text: string) => Buffer.concat([Buffer.from(text, "utf8"), Buffer.from([0])]);
const u8 = (n: number) => Buffer.from([n]);
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/** An ITL record in the reference tool's order (spec §2.1: 1, 3, 5, 6, 4, 7, 8, 9). */
export function writeRecord(certificatePem: string, roleCode: number): Buffer {
  const f = certificateFieldsByOpenssl(certificatePem);
  const body = Buffer.concat([
    tlv(3, str(f.subject)),
    tlv(5, str(f.issuer)),
    tlv(6, f.serial),
    tlv(4, u16(roleCode)),
    tlv(7, f.publicKey),
    tlv(8, f.signature),
    tlv(9, f.der),
  ]);
  return Buffer.concat([tlv(1, u16(5 + body.length)), body]);
}

/** A signed file laid out by spec §1.2 and signed by `openssl dgst -sign`. */
export function writeSignedFile(options: {
  version: [number, number];
  signerVersion?: [number, number];
  certificatePem: string;
  keyPem: string;
  digest: "sha1" | "sha512";
  fileName: string;
  timestamp: number;
  body: Buffer;
}): Buffer {
  const f = certificateFieldsByOpenssl(options.certificatePem);
  const signatureSize = f.der.length > 0 ? 256 : 0; // every signing fixture is RSA-2048
  const front = Buffer.concat([
    tlv(1, Buffer.from(options.version)),
    tlv(2, u16(0)),
    options.signerVersion ? tlv(28, Buffer.from(options.signerVersion)) : Buffer.alloc(0),
    tlv(3, Buffer.concat([tlv(4, str(f.subject)), tlv(6, str(f.issuer)), tlv(5, f.serial)])),
    tlv(
      7,
      Buffer.concat([
        tlv(8, u8(options.digest === "sha1" ? 1 : 3)),
        tlv(9, Buffer.concat([tlv(10, u8(0)), tlv(11, u8(2))])),
      ]),
    ),
  ]);
  const back = Buffer.concat([tlv(14, str(options.fileName)), tlv(15, u32(options.timestamp))]);
  let headerLength = front.length + 3 + signatureSize + back.length;
  const padding = Buffer.alloc((4 - (headerLength % 4)) % 4, 13);
  headerLength += padding.length;
  front.writeUInt16BE(headerLength, 8);
  const unsigned = Buffer.concat([front, back, padding, options.body]);
  const signature = inScratch((dir) => {
    writeFileSync(path.join(dir, "in.bin"), unsigned);
    openssl([
      "dgst",
      `-${options.digest}`,
      "-sign",
      options.keyPem,
      "-out",
      path.join(dir, "sig.bin"),
      path.join(dir, "in.bin"),
    ]);
    return readFileSync(path.join(dir, "sig.bin"));
  });
  return Buffer.concat([front, tlv(12, signature), back, padding, options.body]);
}
