import { createHash, randomBytes } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { createProject } from "../../support/identity.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";

import {
  OID,
  bearer,
  createCredential,
  createOpensslCa,
  csc,
  loginCsc,
  opensslDerFromPlain,
  opensslVerifies,
  recoveredDigestInfo,
  signer,
  type CscCredentialInfo,
  type OpensslCa,
} from "./csc-support.js";

const PSS_PARAMS: Record<string, string> = {
  sha256: "MDSgDzANBglghkgBZQMEAgEFAKEcMBoGCSqGSIb3DQEBCDANBglghkgBZQMEAgEFAKIDAgEg",
  sha384: "MDSgDzANBglghkgBZQMEAgIFAKEcMBoGCSqGSIb3DQEBCDANBglghkgBZQMEAgIFAKIDAgEw",
  sha512: "MDSgDzANBglghkgBZQMEAgMFAKEcMBoGCSqGSIb3DQEBCDANBglghkgBZQMEAgMFAKIDAgFA",
};
const LENGTH = { sha256: 32, sha384: 48, sha512: 64 } as const;
type Hash = keyof typeof LENGTH;

interface Case {
  name: string;
  hash: Hash;
  request: Record<string, unknown>;
  /** `openssl pkeyutl -verify` options that must accept the signature. */
  verify: string[];
  /** BSI plain ECDSA: the answer is r‖s, not DER. */
  isPlain?: boolean;
}

function rsaCases(): Case[] {
  const cases: Case[] = [];
  for (const [hash, oid] of [
    ["sha256", OID.sha256WithRsa],
    ["sha384", OID.sha384WithRsa],
    ["sha512", OID.sha512WithRsa],
  ] as const) {
    cases.push({
      name: `${oid} (PKCS#1 v1.5, ${hash})`,
      hash,
      request: { signAlgo: oid },
      verify: ["-pkeyopt", `digest:${hash}`],
    });
  }
  for (const hash of ["sha256", "sha384", "sha512"] as const) {
    cases.push({
      name: `rsaEncryption + hashAlgorithmOID ${hash}`,
      hash,
      request: { signAlgo: OID.rsaEncryption, hashAlgorithmOID: OID[hash] },
      verify: ["-pkeyopt", `digest:${hash}`],
    });
    const pss = ["-pkeyopt", "rsa_padding_mode:pss", "-pkeyopt", `rsa_pss_saltlen:${LENGTH[hash]}`];
    cases.push({
      name: `RSASSA-PSS with ${hash} parameters`,
      hash,
      request: { signAlgo: OID.rsassaPss, signAlgoParams: PSS_PARAMS[hash] },
      verify: ["-pkeyopt", `digest:${hash}`, ...pss],
    });
    cases.push({
      name: `RSASSA-PSS with hashAlgorithmOID ${hash} only`,
      hash,
      request: { signAlgo: OID.rsassaPss, hashAlgorithmOID: OID[hash] },
      verify: ["-pkeyopt", `digest:${hash}`, ...pss],
    });
  }
  return cases;
}

function ecCases(): Case[] {
  const der = (
    [
      ["sha256", OID.ecdsaWithSha256],
      ["sha384", OID.ecdsaWithSha384],
      ["sha512", OID.ecdsaWithSha512],
    ] as const
  ).map(([hash, oid]) => ({
    name: `${oid} (ECDSA, ${hash}, DER)`,
    hash,
    request: { signAlgo: oid },
    verify: ["-pkeyopt", `digest:${hash}`],
  }));
  const plain = (
    [
      ["sha256", OID.ecdsaPlainSha256],
      ["sha384", OID.ecdsaPlainSha384],
      ["sha512", OID.ecdsaPlainSha512],
    ] as const
  ).map(([hash, oid]) => ({
    name: `${oid} (ECDSA, ${hash}, plain r||s)`,
    hash,
    request: { signAlgo: oid },
    verify: ["-pkeyopt", `digest:${hash}`],
    isPlain: true,
  }));
  return [...der, ...plain];
}

const ORDER_BYTES: Record<string, number> = {
  "ECDSA-P256": 32,
  "ECDSA-P384": 48,
  "ECDSA-P521": 66,
};

describe.each(DIALECTS)("signHash algorithms, checked with OpenSSL (%s)", (dialect) => {
  let t: TestApp;
  let ca: OpensslCa;
  let token: string;
  const credentials: Record<string, { credentialId: string; certificate: string }> = {};

  beforeAll(async () => {
    t = await createTestApp(dialect);
    ca = await createOpensslCa();
    const projectId = await createProject(t, "algorithms");
    const owner = await signer(t, "sealer");
    token = await loginCsc(t, "sealer", owner.password);
    for (const keyType of ["RSA-2048", "ECDSA-P256", "ECDSA-P384", "ECDSA-P521"]) {
      const { credentialId } = await createCredential(t, ca, projectId, owner.id, {
        keyType,
        authMode: "token",
      });
      const info = await csc(t, "credentials/info", { credentialID: credentialId }, bearer(token));
      credentials[keyType] = {
        credentialId,
        certificate: info.json<CscCredentialInfo>().cert.certificates[0]!,
      };
    }
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    ca?.destroy();
  });

  async function signOne(keyType: string, digest: Buffer, request: Record<string, unknown>) {
    return csc(
      t,
      "signatures/signHash",
      {
        credentialID: credentials[keyType]!.credentialId,
        hashes: [digest.toString("base64")],
        ...request,
      },
      bearer(token),
    );
  }

  const all = [
    ...rsaCases().map((c) => ["RSA-2048", c] as const),
    ...(["ECDSA-P256", "ECDSA-P384", "ECDSA-P521"] as const).flatMap((k) =>
      ecCases().map((c) => [k, c] as const),
    ),
  ];

  it.each(all)("%s signs with %s and OpenSSL verifies it", async (keyType, c) => {
    const digest = randomBytes(LENGTH[c.hash]);
    const response = await signOne(keyType, digest, c.request);
    expect(response.statusCode, response.body).toBe(200);
    let signature: Buffer = Buffer.from(
      response.json<{ signatures: string[] }>().signatures[0]!,
      "base64",
    );
    if (c.isPlain) {
      // r‖s, each exactly the order length (BSI TR-03111 §5.2.1); OpenSSL checks it as DER.
      expect(signature).toHaveLength(2 * ORDER_BYTES[keyType]!);
      signature = await opensslDerFromPlain(signature);
    }
    const certificate = credentials[keyType]!.certificate;
    expect(await opensslVerifies(certificate, digest, signature, c.verify)).toBe(true);
    // The digest was signed as given: over its own hash the signature does not verify (§6.3).
    const rehashed = createHash(c.hash).update(digest).digest();
    expect(await opensslVerifies(certificate, rehashed, signature, c.verify)).toBe(false);
  });

  it("puts the caller's digest itself into the PKCS#1 DigestInfo (no second hashing)", async () => {
    const digest = randomBytes(32);
    const response = await signOne("RSA-2048", digest, { signAlgo: OID.sha256WithRsa });
    const signature = Buffer.from(
      response.json<{ signatures: string[] }>().signatures[0]!,
      "base64",
    );
    const recovered = await recoveredDigestInfo(credentials["RSA-2048"]!.certificate, signature);
    expect(recovered.toString("hex")).toBe(
      `3031300d060960864801650304020105000420${digest.toString("hex")}`,
    );
  });

  it("signs several digests in one call, in order, and accepts the v1 names hash/hashAlgo", async () => {
    const digests = [randomBytes(48), randomBytes(48), randomBytes(48)];
    const response = await csc(
      t,
      "signatures/signHash",
      {
        credentialID: credentials["RSA-2048"]!.credentialId,
        hash: digests.map((d) => d.toString("base64url")),
        hashAlgo: OID.sha384,
        signAlgo: OID.rsaEncryption,
      },
      bearer(token),
    );
    expect(response.statusCode, response.body).toBe(200);
    const signatures = response.json<{ signatures: string[] }>().signatures;
    for (const [i, digest] of digests.entries()) {
      const ok = await opensslVerifies(
        credentials["RSA-2048"]!.certificate,
        digest,
        Buffer.from(signatures[i]!, "base64"),
        ["-pkeyopt", "digest:sha384"],
      );
      expect(ok).toBe(true);
    }
  });

  it.each([
    [
      "a digest of the wrong length",
      "RSA-2048",
      48,
      { signAlgo: OID.sha256WithRsa },
      "Invalid digest value length",
    ],
    [
      "a hash OID that contradicts the algorithm",
      "RSA-2048",
      32,
      { signAlgo: OID.sha256WithRsa, hashAlgorithmOID: OID.sha384 },
      "Invalid parameter hashAlgorithmOID",
    ],
    [
      "rsaEncryption without a hash OID",
      "RSA-2048",
      32,
      { signAlgo: OID.rsaEncryption },
      "Missing (or invalid type) string parameter hashAlgorithmOID",
    ],
    [
      "SHA-1",
      "RSA-2048",
      20,
      { signAlgo: OID.rsaEncryption, hashAlgorithmOID: "1.3.14.3.2.26" },
      "Invalid parameter hashAlgorithmOID",
    ],
    [
      "PSS parameters defaulting to SHA-1",
      "RSA-2048",
      32,
      { signAlgo: OID.rsassaPss, signAlgoParams: "MAA=" },
      "Invalid parameter signAlgoParams",
    ],
    [
      "PSS parameters that are not DER",
      "RSA-2048",
      32,
      { signAlgo: OID.rsassaPss, signAlgoParams: "AAEC" },
      "Invalid parameter signAlgoParams",
    ],
    [
      "an ECDSA algorithm on an RSA key",
      "RSA-2048",
      32,
      { signAlgo: OID.ecdsaWithSha256 },
      "Invalid parameter signAlgo",
    ],
    [
      "an RSA algorithm on an EC key",
      "ECDSA-P256",
      32,
      { signAlgo: OID.sha256WithRsa },
      "Invalid parameter signAlgo",
    ],
    [
      "asynchronous mode",
      "ECDSA-P256",
      32,
      { signAlgo: OID.ecdsaWithSha256, operationMode: "A" },
      "Invalid parameter operationMode",
    ],
  ] as const)(
    "refuses %s with 400 invalid_request",
    async (_name, keyType, length, request, description) => {
      const response = await signOne(keyType, randomBytes(length), request);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: "invalid_request", error_description: description });
    },
  );

  it("refuses hashes that are not base64, or missing, with the spec's texts", async () => {
    const id = credentials["ECDSA-P256"]!.credentialId;
    const bad = await csc(
      t,
      "signatures/signHash",
      { credentialID: id, hashes: ["***"], signAlgo: OID.ecdsaWithSha256 },
      bearer(token),
    );
    expect(bad.json()).toEqual({
      error: "invalid_request",
      error_description: "Invalid Base64 hash string parameter",
    });
    const missing = await csc(
      t,
      "signatures/signHash",
      { credentialID: id, signAlgo: OID.ecdsaWithSha256 },
      bearer(token),
    );
    expect(missing.json()).toEqual({
      error: "invalid_request",
      error_description: "Missing (or invalid type) array parameter hash",
    });
    const empty = await csc(
      t,
      "signatures/signHash",
      { credentialID: id, hashes: [], signAlgo: OID.ecdsaWithSha256 },
      bearer(token),
    );
    expect(empty.json()).toEqual({
      error: "invalid_request",
      error_description: "Empty hash array",
    });
  });
});
