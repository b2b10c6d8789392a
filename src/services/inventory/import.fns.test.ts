import { generateKeyPairSync, type KeyObject } from "node:crypto";

import { describe, expect, it } from "vitest";

import { createKeyObjectSigner } from "../../keys/key-object-signer.js";
import { buildCertificate, buildSelfSignedCertificate } from "../../pki/certificate-builder.js";
import { issuerFromCertificate } from "../../pki/certificate-issuer.js";
import { PkiError } from "../../pki/errors.js";
import { encodePem } from "../../pki/pem.js";
import { buildPkcs12 } from "../../pki/pkcs12.js";

import { parseImportSource, readPrivateKeyPem } from "./import.fns.js";

const DAY = 86_400_000;
const now = Date.now();

function ecKey(): KeyObject {
  return generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
}

async function chain() {
  const rootKey = ecKey();
  const intKey = ecKey();
  const leafKey = ecKey();
  const validity = { notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY) };
  const root = await buildSelfSignedCertificate(
    { subject: { commonName: "Unit Root" }, ...validity, isCa: true, pathLength: 1 },
    createKeyObjectSigner(rootKey),
  );
  const intermediate = await buildCertificate(
    {
      subject: { commonName: "Unit Issuing" },
      publicKeySpki: createKeyObjectSigner(intKey).publicKeySpki,
      ...validity,
      isCa: true,
      pathLength: 0,
    },
    issuerFromCertificate(root.der, createKeyObjectSigner(rootKey)),
  );
  const issuing = issuerFromCertificate(intermediate.der, createKeyObjectSigner(intKey));
  const leaf = async (name: string) =>
    (
      await buildCertificate(
        {
          subject: { commonName: name },
          publicKeySpki: createKeyObjectSigner(leafKey).publicKeySpki,
          ...validity,
          subjectAltNames: [name],
        },
        issuing,
      )
    ).der;
  return { root: root.der, intermediate: intermediate.der, leaf, leafKey };
}

const pem = (...ders: Uint8Array[]) => ders.map((d) => encodePem("CERTIFICATE", d)).join("");

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PkiError);
    return (error as PkiError).code;
  }
  return "none";
}

describe("parseImportSource", () => {
  it("treats issuers in a bundle as the chain of the leaf, nearest first, in any order", async () => {
    const c = await chain();
    const leaf = await c.leaf("a.example.com");
    const [only, ...rest] = parseImportSource({
      kind: "pem",
      pem: pem(c.root, leaf, c.intermediate),
    });
    expect(rest).toEqual([]);
    expect(only!.certificate.commonName).toBe("a.example.com");
    expect(only!.chain.map((x) => x.commonName)).toEqual(["Unit Issuing", "Unit Root"]);
    expect(only!.privateKey).toBeNull();
  });

  it("imports every leaf of a bundle of unrelated certificates, once each", async () => {
    const c = await chain();
    const a = await c.leaf("a.example.com");
    const b = await c.leaf("b.example.com");
    const candidates = parseImportSource({ kind: "pem", pem: pem(a, b, a, c.intermediate) });
    expect(candidates.map((x) => x.certificate.commonName)).toEqual([
      "a.example.com",
      "b.example.com",
    ]);
    expect(candidates[1]!.chain.map((x) => x.commonName)).toEqual(["Unit Issuing"]);
  });

  it("attaches a PEM key (traditional or encrypted PKCS#8) to the certificate it belongs to", async () => {
    const c = await chain();
    const leaf = await c.leaf("key.example.com");
    const sec1 = c.leafKey.export({ type: "sec1", format: "pem" }) as string;
    const [withSec1] = parseImportSource({ kind: "pem", pem: pem(leaf), privateKeyPem: sec1 });
    expect(withSec1!.privateKey).not.toBeNull();
    const encrypted = c.leafKey.export({
      type: "pkcs8",
      format: "pem",
      cipher: "aes-256-cbc",
      passphrase: "pw-123",
    }) as string;
    const [withPkcs8] = parseImportSource({
      kind: "pem",
      pem: pem(leaf),
      privateKeyPem: encrypted,
      password: "pw-123",
    });
    expect(Buffer.compare(withPkcs8!.privateKey!, withSec1!.privateKey!)).toBe(0);
    expect(codeOf(() => readPrivateKeyPem(encrypted, "wrong"))).toBe("wrong_password");
    expect(
      codeOf(() =>
        readPrivateKeyPem(
          "-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n",
          undefined,
        ),
      ),
    ).toBe("bad_pem");
  });

  it("refuses a key that belongs to no certificate of the upload", async () => {
    const c = await chain();
    const leaf = await c.leaf("other.example.com");
    const stranger = ecKey().export({ type: "pkcs8", format: "pem" }) as string;
    expect(
      codeOf(() => parseImportSource({ kind: "pem", pem: pem(leaf), privateKeyPem: stranger })),
    ).toBe("invalid_input");
  });

  it("opens a PKCS#12 with its password: key, leaf and chain", async () => {
    const c = await chain();
    const leaf = await c.leaf("p12.example.com");
    const p12 = buildPkcs12({
      certificate: leaf,
      chain: [c.intermediate, c.root],
      privateKey: new Uint8Array(c.leafKey.export({ type: "pkcs8", format: "der" })),
      password: "p12-pw",
    });
    const [only] = parseImportSource({ kind: "pkcs12", der: p12, password: "p12-pw" });
    expect(only!.certificate.commonName).toBe("p12.example.com");
    expect(only!.chain).toHaveLength(2);
    expect(only!.privateKey).not.toBeNull();
    expect(codeOf(() => parseImportSource({ kind: "pkcs12", der: p12, password: "nope" }))).toBe(
      "wrong_password",
    );
  });

  it("refuses DER that is not a certificate", () => {
    expect(
      codeOf(() => parseImportSource({ kind: "der", der: new Uint8Array([0x30, 0x03, 1, 2, 3]) })),
    ).toBe("bad_certificate");
  });
});
