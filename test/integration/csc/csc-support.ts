import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import type { LightMyRequestResponse } from "fastify";

import { createUser } from "../../support/identity.js";
import type { TestApp } from "../../support/test-app.js";

const run = promisify(execFile);

export const OID = {
  sha256: "2.16.840.1.101.3.4.2.1",
  sha384: "2.16.840.1.101.3.4.2.2",
  sha512: "2.16.840.1.101.3.4.2.3",
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsassaPss: "1.2.840.113549.1.1.10",
  sha256WithRsa: "1.2.840.113549.1.1.11",
  sha384WithRsa: "1.2.840.113549.1.1.12",
  sha512WithRsa: "1.2.840.113549.1.1.13",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  ecdsaWithSha512: "1.2.840.10045.4.3.4",
  ecdsaPlainSha256: "0.4.0.127.0.7.1.1.4.1.3",
  ecdsaPlainSha384: "0.4.0.127.0.7.1.1.4.1.4",
  ecdsaPlainSha512: "0.4.0.127.0.7.1.1.4.1.5",
} as const;

/**
 * A throw-away CA made and operated by the OpenSSL CLI, so certificates for our credentials come
 * from a tool we did not write (until issuance from a CA here is wired to credentials).
 */
export interface OpensslCa {
  dir: string;
  certificatePem: string;
  /** Signs a PEM CSR and returns the PEM certificate (the CSR's subject and key). */
  sign(csrPem: string, options?: { days?: number; notAfterPast?: boolean }): Promise<string>;
  /** A key pair and certificate made wholly by OpenSSL (for the import path). */
  issueWithKey(keySpec: string[]): Promise<{ keyPem: string; certificatePem: string }>;
  destroy(): void;
}

export async function createOpensslCa(): Promise<OpensslCa> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "certsmith-csc-ca-"));
  const f = (name: string) => path.join(dir, name);
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    f("ca.key"),
    "-out",
    f("ca.pem"),
    "-days",
    "30",
    "-subj",
    "/O=Test CA/CN=CSC Test CA",
  ]);
  writeFileSync(
    f("leaf.ext"),
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n",
  );
  let counter = 0;
  async function sign(csrPem: string, options: { days?: number; notAfterPast?: boolean } = {}) {
    const n = ++counter;
    writeFileSync(f(`req${n}.csr`), csrPem);
    // OpenSSL 3.0's `x509 -req` cannot back-date, so an expired certificate comes from `ca`.
    if (options.notAfterPast) {
      writeFileSync(f("index.txt"), "");
      writeFileSync(
        f("ca.cnf"),
        [
          "[ca]",
          "default_ca=test",
          "[test]",
          `dir=${dir}`,
          "database=$dir/index.txt",
          "new_certs_dir=$dir",
          "serial=$dir/serial",
          "default_md=sha256",
          "policy=any",
          "copy_extensions=none",
          "unique_subject=no",
          "[any]",
          "commonName=supplied",
          "organizationName=optional",
        ].join("\n"),
      );
      writeFileSync(f("serial"), "1000\n");
      await run("openssl", [
        "ca",
        "-batch",
        "-config",
        f("ca.cnf"),
        "-cert",
        f("ca.pem"),
        "-keyfile",
        f("ca.key"),
        "-in",
        f(`req${n}.csr`),
        "-out",
        f(`leaf${n}.pem`),
        "-startdate",
        "20200101000000Z",
        "-enddate",
        "20200201000000Z",
        "-extfile",
        f("leaf.ext"),
        "-notext",
      ]);
      return readFileSync(f(`leaf${n}.pem`), "utf8");
    }
    await run("openssl", [
      "x509",
      "-req",
      "-in",
      f(`req${n}.csr`),
      "-CA",
      f("ca.pem"),
      "-CAkey",
      f("ca.key"),
      "-CAcreateserial",
      "-out",
      f(`leaf${n}.pem`),
      "-extfile",
      f("leaf.ext"),
      "-days",
      String(options.days ?? 10),
    ]);
    return readFileSync(f(`leaf${n}.pem`), "utf8");
  }
  return {
    dir,
    certificatePem: readFileSync(f("ca.pem"), "utf8"),
    sign,
    async issueWithKey(keySpec) {
      const n = ++counter;
      await run("openssl", [
        "req",
        "-new",
        "-newkey",
        ...keySpec,
        "-nodes",
        "-keyout",
        f(`imp${n}.key`),
        "-out",
        f(`imp${n}.csr`),
        "-subj",
        `/O=Imported/CN=Imported ${n}`,
      ]);
      // PKCS#8 "PRIVATE KEY" PEM, which the import path reads.
      await run("openssl", ["pkey", "-in", f(`imp${n}.key`), "-out", f(`imp${n}.p8`)]);
      const certificatePem = await sign(readFileSync(f(`imp${n}.csr`), "utf8"));
      return { keyPem: readFileSync(f(`imp${n}.p8`), "utf8"), certificatePem };
    },
    destroy: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs `body` in a scratch folder whose `pub.pem` is the certificate's public key. */
async function withCertificateKey<T>(
  certificateDerB64: string,
  body: (file: (name: string) => string) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "certsmith-csc-openssl-"));
  const file = (name: string) => path.join(dir, name);
  try {
    writeFileSync(file("cert.der"), Buffer.from(certificateDerB64, "base64"));
    await run("openssl", [
      "x509",
      "-inform",
      "DER",
      "-in",
      file("cert.der"),
      "-pubkey",
      "-noout",
      "-out",
      file("pub.pem"),
    ]);
    return await body(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `openssl pkeyutl -verify` of a signature over a raw digest, with the certificate's key. */
export async function opensslVerifies(
  certificateDerB64: string,
  digest: Buffer,
  signature: Buffer,
  options: string[],
): Promise<boolean> {
  return withCertificateKey(certificateDerB64, async (file) => {
    writeFileSync(file("digest.bin"), digest);
    writeFileSync(file("sig.bin"), signature);
    const verify = [
      "pkeyutl",
      "-verify",
      "-pubin",
      "-inkey",
      file("pub.pem"),
      "-in",
      file("digest.bin"),
      "-sigfile",
      file("sig.bin"),
      ...options,
    ];
    return run("openssl", verify).then(
      () => true,
      () => false,
    );
  });
}

/**
 * A plain r‖s ECDSA signature (BSI TR-03111) as DER `Ecdsa-Sig-Value`, built by OpenSSL's own
 * `asn1parse -genconf` from the two halves, so `pkeyutl -verify` can check it.
 */
export async function opensslDerFromPlain(plain: Buffer): Promise<Buffer> {
  const half = plain.length / 2;
  const dir = mkdtempSync(path.join(os.tmpdir(), "certsmith-csc-plain-"));
  try {
    const conf = path.join(dir, "sig.cnf");
    writeFileSync(
      conf,
      [
        "asn1=SEQUENCE:sig",
        "[sig]",
        `r=INTEGER:0x${plain.subarray(0, half).toString("hex")}`,
        `s=INTEGER:0x${plain.subarray(half).toString("hex")}`,
        "",
      ].join("\n"),
    );
    const out = path.join(dir, "sig.der");
    await run("openssl", ["asn1parse", "-genconf", conf, "-out", out, "-noout"]);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What `pkeyutl -verifyrecover` finds inside a PKCS#1 v1.5 signature: the DigestInfo. */
export async function recoveredDigestInfo(
  certificateDerB64: string,
  signature: Buffer,
): Promise<Buffer> {
  return withCertificateKey(certificateDerB64, async (file) => {
    writeFileSync(file("sig.bin"), signature);
    await run("openssl", [
      "pkeyutl",
      "-verifyrecover",
      "-pubin",
      "-inkey",
      file("pub.pem"),
      "-in",
      file("sig.bin"),
      "-out",
      file("out.bin"),
    ]);
    return readFileSync(file("out.bin"));
  });
}

export function basic(username: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` };
}

/** A `/csc/v2` call as an outside client makes it: no admin key, only the given headers. */
export function csc(
  t: TestApp,
  method: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return t.server.inject({
    method: "POST",
    url: `/csc/v2/${method}`,
    headers: {
      ...(payload === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
}

export async function loginCsc(t: TestApp, username: string, password: string): Promise<string> {
  const response = await csc(t, "auth/login", undefined, basic(username, password));
  if (response.statusCode !== 200) throw new Error(`csc login: ${response.body}`);
  return response.json<{ access_token: string }>().access_token;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export interface CredentialOptions {
  keyType?: string;
  keyBackend?: "software" | "pkcs11";
  authMode?: "explicit" | "token";
  pin?: string;
  multisign?: number;
  scal?: "1" | "2";
  expired?: boolean;
}

/** Creates a credential, has the OpenSSL CA sign its CSR and attaches the certificate. */
export async function createCredential(
  t: TestApp,
  ca: OpensslCa,
  projectId: string,
  ownerUserId: string,
  options: CredentialOptions = {},
): Promise<{ id: string; credentialId: string }> {
  const authMode = options.authMode ?? "explicit";
  const created = await t.inject({
    method: "POST",
    url: `/api/v1/projects/${projectId}/signing-credentials`,
    payload: {
      name: `cred-${Math.random().toString(36).slice(2, 8)}`,
      owner_user_id: ownerUserId,
      key_type: options.keyType ?? "ECDSA-P256",
      ...(options.keyBackend ? { key_backend: options.keyBackend } : {}),
      subject: { organization: "Example Org" },
      auth_mode: authMode,
      ...(authMode === "explicit" ? { pin: options.pin ?? "123456" } : {}),
      multisign: options.multisign ?? 10,
      ...(options.scal ? { scal: options.scal } : {}),
    },
  });
  if (created.statusCode !== 201) throw new Error(`create credential: ${created.body}`);
  const body = created.json<{ id: string; credential_id: string; csr: string }>();
  const certificate = await ca.sign(body.csr, { notAfterPast: options.expired ?? false });
  const attached = await t.inject({
    method: "PUT",
    url: `/api/v1/projects/${projectId}/signing-credentials/${body.id}/certificate`,
    payload: { certificate, chain: [ca.certificatePem] },
  });
  if (attached.statusCode !== 200) throw new Error(`attach certificate: ${attached.body}`);
  return { id: body.id, credentialId: body.credential_id };
}

export async function signer(t: TestApp, name: string): Promise<{ id: string; password: string }> {
  const password = `${name}-password-123`;
  return { id: await createUser(t, name, "member", password), password };
}

/** The parts of a credential-info answer (csc-api-v2.md §4.5) the tests read. */
export interface CscCredentialInfo {
  credentialID?: string;
  key: { status: string; algo: string[]; len: number; curve?: string };
  cert: {
    status?: string;
    certificates: string[];
    subjectDN?: string;
    issuerDN?: string;
    serialNumber?: string;
    validFrom?: string;
    validTo?: string;
  };
  auth: Record<string, unknown>;
  PIN: Record<string, unknown>;
  multisign: number;
}

export interface CscInfo {
  methods: string[];
  signAlgorithms: { algos: string[]; algoParams: (string | null)[] };
}
