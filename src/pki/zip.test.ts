import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";

import { testKey } from "../../test/integration/pki/support/signers.js";

import { buildSelfSignedCertificate } from "./certificate-builder.js";
import { PkiError } from "./errors.js";
import { decodePem, decodeSinglePem } from "./pem.js";
import { decryptPrivateKey } from "./private-key.js";
import { buildZipBundle } from "./zip.js";

const modifiedAt = new Date("2026-02-03T04:05:06Z");

async function material() {
  const key = testKey("ECDSA-P256");
  const root = await buildSelfSignedCertificate(
    {
      subject: { commonName: "zip" },
      notBefore: modifiedAt,
      notAfter: new Date("2027-01-01T00:00:00Z"),
    },
    key.signer,
  );
  return { key, der: root.der };
}

describe("zip bundle", () => {
  it("holds the certificate, chain, full chain and the password-encrypted key", async () => {
    const { key, der } = await material();
    const files = unzipSync(
      buildZipBundle({
        certificate: der,
        chain: [der],
        privateKey: key.pkcs8,
        password: "pw",
        modifiedAt,
      }),
    );
    expect(Object.keys(files).sort()).toEqual([
      "certificate.pem",
      "chain.pem",
      "fullchain.pem",
      "private-key.pem",
    ]);
    const text = (name: string): string => new TextDecoder().decode(files[name]);
    expect(decodePem(text("certificate.pem"))[0]!.der).toEqual(der);
    expect(decodePem(text("fullchain.pem"))).toHaveLength(2);
    const encrypted = decodeSinglePem(text("private-key.pem"), ["ENCRYPTED PRIVATE KEY"]).der;
    expect(decryptPrivateKey(encrypted, "pw")).toEqual(key.pkcs8);
  });

  it("leaves out chain.pem and the key when there are none", async () => {
    const { der } = await material();
    const files = unzipSync(buildZipBundle({ certificate: der, chain: [], modifiedAt }));
    expect(Object.keys(files).sort()).toEqual(["certificate.pem", "fullchain.pem"]);
  });

  it("refuses to include a key without a password", async () => {
    const { key, der } = await material();
    expect(() =>
      buildZipBundle({ certificate: der, chain: [], privateKey: key.pkcs8, modifiedAt }),
    ).toThrow(PkiError);
  });
});
