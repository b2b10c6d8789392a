import { execFile } from "node:child_process";
import { createPrivateKey } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { createKeyObjectSigner } from "../../../src/keys/key-object-signer.js";
import type { KeyType, Signer } from "../../../src/pki/signer.js";

/**
 * A throw-away PKI made by the OpenSSL CLI in a temporary folder, so what our encoders produce
 * is checked against certificates and keys we did not make ourselves.
 */

const run = promisify(execFile);

export interface OpensslResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `openssl` in `cwd`; a failing exit is returned, not thrown, so tests can assert on it. */
export async function openssl(cwd: string, args: string[]): Promise<OpensslResult> {
  try {
    const { stdout, stderr } = await run("openssl", args, {
      cwd,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== "number") throw error;
    return { code: failed.code, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

/** Runs `openssl` and fails the test with its stderr when it does not succeed. */
export async function opensslOk(cwd: string, args: string[]): Promise<string> {
  const result = await openssl(cwd, args);
  if (result.code !== 0) {
    throw new Error(`openssl ${args.join(" ")} failed (${result.code}): ${result.stderr}`);
  }
  return result.stdout + result.stderr;
}

export interface WorkDir {
  dir: string;
  file(name: string): string;
  write(name: string, data: Uint8Array | string): string;
  read(name: string): Uint8Array;
  remove(): void;
}

export function makeWorkDir(): WorkDir {
  const dir = mkdtempSync(path.join(os.tmpdir(), "certsmith-revocation-"));
  return {
    dir,
    file: (name) => path.join(dir, name),
    write(name, data) {
      writeFileSync(path.join(dir, name), data);
      return path.join(dir, name);
    },
    read: (name) => new Uint8Array(readFileSync(path.join(dir, name))),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const GENPKEY_ARGS: Record<KeyType, string[]> = {
  "RSA-2048": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
  "RSA-3072": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"],
  "RSA-4096": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096"],
  "ECDSA-P256": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
  "ECDSA-P384": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
  "ECDSA-P521": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"],
  Ed25519: ["-algorithm", "ED25519"],
};

export interface IssuedCertificate {
  /** File names inside the work folder. */
  pem: string;
  key: string;
  der: Uint8Array;
  signer: Signer;
}

export interface TestCa extends IssuedCertificate {
  work: WorkDir;
  name: string;
}

async function generateKey(work: WorkDir, file: string, keyType: KeyType): Promise<Signer> {
  await opensslOk(work.dir, ["genpkey", ...GENPKEY_ARGS[keyType], "-out", file]);
  return createKeyObjectSigner(createPrivateKey(readFileSync(work.file(file))));
}

async function derOf(work: WorkDir, pem: string): Promise<Uint8Array> {
  const der = `${pem}.der`;
  await opensslOk(work.dir, ["x509", "-in", pem, "-outform", "DER", "-out", der]);
  return work.read(der);
}

/** A self-signed CA (RFC 5280 §4.2.1.9, §4.2.1.3) with subject and authority key identifiers. */
export async function createCa(work: WorkDir, name: string, keyType: KeyType): Promise<TestCa> {
  const key = `${name}.key`;
  const pem = `${name}.pem`;
  const signer = await generateKey(work, key, keyType);
  await opensslOk(work.dir, [
    "req",
    "-x509",
    "-new",
    "-key",
    key,
    "-out",
    pem,
    "-days",
    "30",
    "-subj",
    `/CN=${name}/O=Certsmith Test`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  return { work, name, pem, key, signer, der: await derOf(work, pem) };
}

/**
 * A certificate signed by `ca` with an ECDSA P-256 key and the given serial (hex) and
 * extensions (x509v3_config lines).
 */
export async function issueCertificate(
  ca: TestCa,
  name: string,
  serialHex: string,
  extensions: string[] = ["basicConstraints=CA:FALSE", "keyUsage=critical,digitalSignature"],
): Promise<IssuedCertificate> {
  const { work } = ca;
  const key = `${name}.key`;
  const pem = `${name}.pem`;
  const signer = await generateKey(work, key, "ECDSA-P256");
  await opensslOk(work.dir, [
    "req",
    "-new",
    "-key",
    key,
    "-subj",
    `/CN=${name}`,
    "-out",
    `${name}.csr`,
  ]);
  work.write(`${name}.ext`, `${extensions.join("\n")}\n`);
  await opensslOk(work.dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    ca.pem,
    "-CAkey",
    ca.key,
    "-set_serial",
    `0x${serialHex}`,
    "-days",
    "10",
    "-extfile",
    `${name}.ext`,
    "-out",
    pem,
  ]);
  return { pem, key, signer, der: await derOf(work, pem) };
}

/** The extensions RFC 6960 §4.2.2.2 and §4.2.2.2.1 expect of a delegated OCSP responder. */
export const RESPONDER_EXTENSIONS = [
  "basicConstraints=CA:FALSE",
  "keyUsage=critical,digitalSignature",
  "extendedKeyUsage=OCSPSigning",
  "noCheck=ignored",
];

export function pem(label: string, der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString("base64")
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
