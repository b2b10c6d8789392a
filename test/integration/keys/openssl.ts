import { execFile } from "node:child_process";
import { createPublicKey } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import type { DigestSignatureScheme } from "../../../src/keys/key-store.js";
import type { HashAlgorithm, SignatureScheme } from "../../../src/pki/signer.js";

const run = promisify(execFile);

const OPENSSL_DIGEST: Record<HashAlgorithm, string> = {
  "SHA-1": "sha1",
  "SHA-256": "sha256",
  "SHA-384": "sha384",
  "SHA-512": "sha512",
};

function withFiles<T>(
  files: Record<string, Uint8Array | string>,
  body: (dir: string) => Promise<T>,
) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "certsmith-openssl-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return body(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

function publicKeyPem(spki: Uint8Array): string {
  return createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" })
    .export({ type: "spki", format: "pem" })
    .toString();
}

async function succeeds(args: string[]): Promise<boolean> {
  try {
    await run("openssl", args);
    return true;
  } catch {
    return false;
  }
}

function paddingOptions(
  flag: "-sigopt" | "-pkeyopt",
  scheme: { kind: string; saltLength?: number },
) {
  if (scheme.kind !== "rsa-pss") return [];
  return [flag, "rsa_padding_mode:pss", flag, `rsa_pss_saltlen:${scheme.saltLength}`];
}

/** `openssl dgst -verify` (or `pkeyutl -verify -rawin` for Ed25519) of a signature over `data`. */
export function opensslVerifiesData(
  spki: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
  scheme: SignatureScheme,
): Promise<boolean> {
  return withFiles({ "pub.pem": publicKeyPem(spki), data: data, sig: signature }, (dir) => {
    const f = (name: string) => path.join(dir, name);
    if (scheme.kind === "ed25519") {
      return succeeds([
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        f("pub.pem"),
        "-rawin",
        "-in",
        f("data"),
        "-sigfile",
        f("sig"),
      ]);
    }
    return succeeds([
      "dgst",
      `-${OPENSSL_DIGEST[scheme.hash]}`,
      ...paddingOptions("-sigopt", scheme),
      "-verify",
      f("pub.pem"),
      "-signature",
      f("sig"),
      f("data"),
    ]);
  });
}

/**
 * `openssl pkeyutl -verify` of a signature over a digest (csc-api-v2.md §6.3): the digest is
 * given as is, so a signer that hashed it again fails here.
 */
export function opensslVerifiesDigest(
  spki: Uint8Array,
  digest: Uint8Array,
  signature: Uint8Array,
  scheme: DigestSignatureScheme,
): Promise<boolean> {
  return withFiles({ "pub.pem": publicKeyPem(spki), digest, sig: signature }, (dir) => {
    const f = (name: string) => path.join(dir, name);
    return succeeds([
      "pkeyutl",
      "-verify",
      "-pubin",
      "-inkey",
      f("pub.pem"),
      "-in",
      f("digest"),
      "-sigfile",
      f("sig"),
      "-pkeyopt",
      `digest:${OPENSSL_DIGEST[scheme.hash]}`,
      ...paddingOptions("-pkeyopt", scheme),
    ]);
  });
}

/** A fresh PKCS#8 DER private key made by `openssl genpkey` (its PEM output is PKCS#8). */
export async function opensslGeneratePkcs8(algorithmArgs: string[]): Promise<Buffer> {
  const { stdout } = await run("openssl", ["genpkey", ...algorithmArgs], { encoding: "utf8" });
  const base64 = /-----BEGIN PRIVATE KEY-----([^-]+)-----END PRIVATE KEY-----/.exec(stdout)?.[1];
  if (!base64) throw new Error("openssl genpkey did not print a PKCS#8 PEM key");
  return Buffer.from(base64.replace(/\s+/g, ""), "base64");
}
