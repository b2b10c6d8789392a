import { createHash } from "node:crypto";

import { describe, expect, it } from "vitest";

import { testKey } from "../../test/integration/pki/support/signers.js";

import { buildSelfSignedCertificate } from "./certificate-builder.js";
import { utf16be } from "./der-encode.js";
import { readDer, readOctetString, sequenceItems } from "./der-read.js";
import { PkiError } from "./errors.js";
import { buildJks, protectKey } from "./jks.js";

const createdAt = new Date("2026-03-04T05:06:07Z");

/** The inverse of Sun's KeyProtector, written from its description, to check what we wrote. */
function recoverKey(protectedDer: Uint8Array, password: string): Uint8Array {
  const [, data] = sequenceItems(readDer(protectedDer), "epki", 2, 2);
  const bytes = readOctetString(data, "data");
  const salt = bytes.subarray(0, 20);
  const encrypted = bytes.subarray(20, bytes.length - 20);
  const check = bytes.subarray(bytes.length - 20);
  const plain = new Uint8Array(encrypted.length);
  let digest: Uint8Array = salt;
  for (let offset = 0; offset < encrypted.length; offset += 20) {
    digest = createHash("sha1").update(utf16be(password)).update(digest).digest();
    for (let i = 0; i < 20 && offset + i < encrypted.length; i++)
      plain[offset + i] = encrypted[offset + i]! ^ digest[i]!;
  }
  expect(Buffer.from(createHash("sha1").update(utf16be(password)).update(plain).digest())).toEqual(
    Buffer.from(check),
  );
  return plain;
}

async function certificate(): Promise<Uint8Array> {
  const key = testKey("ECDSA-P256");
  const built = await buildSelfSignedCertificate(
    {
      subject: { commonName: "jks.example" },
      notBefore: createdAt,
      notAfter: new Date("2027-01-01T00:00:00Z"),
    },
    key.signer,
  );
  return built.der;
}

describe("JKS", () => {
  it("writes the header, a lower-cased alias, the timestamp and a valid integrity digest", async () => {
    const der = await certificate();
    const store = buildJks(
      [{ type: "trusted-certificate", alias: "Root-CA", certificate: der, createdAt }],
      "changeit",
    );
    const view = new DataView(store.buffer, store.byteOffset, store.byteLength);
    expect(view.getUint32(0)).toBe(0xfeedfeed);
    expect(view.getUint32(4)).toBe(2);
    expect(view.getUint32(8)).toBe(1);
    expect(view.getUint32(12)).toBe(2);
    expect(Buffer.from(store.subarray(18, 25)).toString()).toBe("root-ca");
    expect(Number(view.getBigUint64(25))).toBe(createdAt.getTime());
    const body = store.subarray(0, store.length - 20);
    const digest = createHash("sha1")
      .update(utf16be("changeit"))
      .update("Mighty Aphrodite")
      .update(body)
      .digest();
    expect(Buffer.from(store.subarray(store.length - 20))).toEqual(digest);
  });

  it("protects the private key so that the KeyProtector inverse recovers it", () => {
    const key = testKey("RSA-2048");
    expect(recoverKey(protectKey(key.pkcs8, "changeit"), "changeit")).toEqual(key.pkcs8);
  });

  it("refuses short passwords, duplicate aliases and key entries without a certificate", async () => {
    const der = await certificate();
    const key = testKey("ECDSA-P256");
    const cases: [Parameters<typeof buildJks>[0], string][] = [
      [[{ type: "trusted-certificate", alias: "a", certificate: der, createdAt }], "short"],
      [
        [
          { type: "trusted-certificate", alias: "A", certificate: der, createdAt },
          { type: "trusted-certificate", alias: "a", certificate: der, createdAt },
        ],
        "changeit",
      ],
      [
        [{ type: "private-key", alias: "k", privateKey: key.pkcs8, chain: [], createdAt }],
        "changeit",
      ],
    ];
    for (const [entries, password] of cases) {
      try {
        buildJks(entries, password);
        throw new Error("expected a refusal");
      } catch (error) {
        expect(error).toBeInstanceOf(PkiError);
        expect((error as PkiError).code).toBe("invalid_input");
      }
    }
  });
});
