import { describe, expect, it } from "vitest";

import { testKey } from "../../test/integration/pki/support/signers.js";

import { buildCertificate, buildSelfSignedCertificate } from "./certificate-builder.js";
import { issuerFromCertificate } from "./certificate-issuer.js";
import { PkiError } from "./errors.js";
import { parsePkcs12 } from "./pkcs12-read.js";
import { buildPkcs12 } from "./pkcs12.js";

const notBefore = new Date("2026-01-01T00:00:00Z");
const notAfter = new Date("2027-01-01T00:00:00Z");

async function chain() {
  const rootKey = testKey("ECDSA-P256", "root");
  const leafKey = testKey("RSA-2048", "leaf");
  const root = await buildSelfSignedCertificate(
    { subject: { commonName: "P12 Root" }, notBefore, notAfter, isCa: true },
    rootKey.signer,
  );
  const leaf = await buildCertificate(
    {
      subject: { commonName: "p12.example" },
      publicKeySpki: leafKey.signer.publicKeySpki,
      notBefore,
      notAfter,
    },
    issuerFromCertificate(root.der, rootKey.signer),
  );
  return { root: root.der, leaf: leaf.der, key: leafKey.pkcs8, otherKey: rootKey.pkcs8 };
}

async function rejection(code: string, run: () => unknown): Promise<PkiError> {
  const error = await Promise.resolve()
    .then(run)
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(PkiError);
  expect((error as PkiError).code).toBe(code);
  return error as PkiError;
}

describe("PKCS#12", () => {
  it("round-trips a key, its certificate and the chain, leaf first", async () => {
    const { root, leaf, key } = await chain();
    const pfx = buildPkcs12({
      certificate: leaf,
      chain: [root],
      privateKey: key,
      password: "s3cret-ü",
      friendlyName: "web",
    });
    const contents = parsePkcs12(pfx, "s3cret-ü");
    expect(contents.privateKey).toEqual(key);
    expect(contents.certificate).toEqual(leaf);
    expect(contents.chain).toEqual([root]);
  });

  it("writes and reads a certificates-only file, finding the leaf by issuer links", async () => {
    const { root, leaf } = await chain();
    const contents = parsePkcs12(
      buildPkcs12({ certificate: root, chain: [leaf], password: "pw" }),
      "pw",
    );
    expect(contents.privateKey).toBeNull();
    expect(contents.certificate).toEqual(leaf);
    expect(contents.chain).toEqual([root]);
  });

  it("refuses a wrong password with wrong_password", async () => {
    const { root, leaf, key } = await chain();
    const pfx = buildPkcs12({
      certificate: leaf,
      chain: [root],
      privateKey: key,
      password: "right",
    });
    await rejection("wrong_password", () => parsePkcs12(pfx, "wrong"));
  });

  it("refuses altered, truncated and non-PKCS#12 input", async () => {
    const { leaf, key } = await chain();
    const pfx = buildPkcs12({ certificate: leaf, privateKey: key, password: "pw" });
    // The file ends with MAC digest (32) | 04 10 salt (16) | 02 02 08 00 (2048 iterations).
    const badMac = new Uint8Array(pfx);
    badMac[pfx.length - 4 - 18 - 1]! ^= 0x01;
    await rejection("wrong_password", () => parsePkcs12(badMac, "pw"));
    const badContent = new Uint8Array(pfx);
    badContent[Math.floor(pfx.length / 2)]! ^= 0x01;
    await rejection("wrong_password", () => parsePkcs12(badContent, "pw"));
    await rejection("bad_keystore", () => parsePkcs12(pfx.subarray(0, pfx.length - 5), "pw"));
    await rejection("bad_keystore", () => parsePkcs12(leaf, "pw"));
    await rejection("bad_keystore", () => parsePkcs12(new Uint8Array([1, 2, 3]), "pw"));
  });

  it("refuses a key that does not belong to the certificate, and an empty password", async () => {
    const { leaf, key, otherKey } = await chain();
    await rejection("invalid_input", () =>
      buildPkcs12({ certificate: leaf, privateKey: otherKey, password: "pw" }),
    );
    await rejection("invalid_input", () =>
      buildPkcs12({ certificate: leaf, privateKey: key, password: "" }),
    );
  });
});
