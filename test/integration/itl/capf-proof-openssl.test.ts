import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { capfAuthData, capfProofIsValid } from "../../../src/pki/cisco-wire/capf-proof.js";
import { fixture } from "../../fixtures/itl/fixtures.js";

import { inScratch, openssl } from "./independent-reader.js";

/**
 * CAPF certificate proofs (spec §5.5) made by the OpenSSL CLI, as a phone would make them, and
 * checked by Certsmith's verifier.
 */
describe("CAPF proofs made with OpenSSL (spec §5.5)", () => {
  const device = fixture("device");
  const authData = capfAuthData("SEP001122334455", device.der);
  const spki = (pem: string) =>
    new Uint8Array(
      openssl(
        ["pkey", "-pubin", "-outform", "DER"],
        openssl(["x509", "-noout", "-pubkey", "-in", pem]),
      ),
    );

  it.each([
    ["sha1", "SHA-1"],
    ["sha512", "SHA-512"],
  ] as const)(
    "accepts the RSA private-key operation on the bare %s digest (pkeyutl -sign, PKCS#1 type 1, no DigestInfo)",
    (nodeDigest, digest) => {
      const proof = inScratch((dir) => {
        const hashFile = path.join(dir, "hash.bin");
        writeFileSync(hashFile, createHash(nodeDigest).update(authData).digest());
        return openssl([
          "pkeyutl",
          "-sign",
          "-inkey",
          device.keyPath,
          "-pkeyopt",
          "rsa_padding_mode:pkcs1",
          "-in",
          hashFile,
        ]);
      });
      expect(capfProofIsValid(spki(device.certificatePath), authData, proof, digest)).toBe(true);
      // openssl dgst -sign adds the DigestInfo of an ordinary signature: not a CAPF proof.
      const ordinary = inScratch((dir) => {
        writeFileSync(path.join(dir, "data.bin"), authData);
        return openssl([
          "dgst",
          `-${nodeDigest}`,
          "-sign",
          device.keyPath,
          path.join(dir, "data.bin"),
        ]);
      });
      expect(capfProofIsValid(spki(device.certificatePath), authData, ordinary, digest)).toBe(
        false,
      );
    },
  );

  it("accepts an ordinary DER ECDSA signature from openssl dgst -sign for an EC certificate", () => {
    const ec = fixture("device-ec");
    const data = capfAuthData("SEP00112233AABB", ec.der);
    const proof = inScratch((dir) => {
      writeFileSync(path.join(dir, "data.bin"), data);
      return openssl(["dgst", "-sha512", "-sign", ec.keyPath, path.join(dir, "data.bin")]);
    });
    expect(capfProofIsValid(spki(ec.certificatePath), data, proof, "SHA-512")).toBe(true);
    expect(capfProofIsValid(spki(ec.certificatePath), authData, proof, "SHA-512")).toBe(false);
  });
});
