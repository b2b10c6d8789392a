import { constants, createHash, generateKeyPairSync, privateEncrypt, sign } from "node:crypto";

import { describe, expect, it } from "vitest";

import { capfAuthData, capfProofIsValid, capfSudiAuthData } from "./capf-proof.js";

const certificate = new Uint8Array(Buffer.from("3082000a0102030405060708090a", "hex"));
const spkiOf = (key: { export(o: { type: "spki"; format: "der" }): Buffer }) =>
  new Uint8Array(key.export({ type: "spki", format: "der" }));

describe("CAPF certificate proofs (spec §5.5)", () => {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const authData = capfAuthData("SEP001122334455", certificate);

  it("builds auth_data as device name, NUL, certificate DER", () => {
    expect(Buffer.from(authData).toString("hex")).toBe(
      Buffer.from("SEP001122334455\0").toString("hex") + "3082000a0102030405060708090a",
    );
  });

  it("builds SUDI auth_data with the session id little-endian", () => {
    expect(
      Buffer.from(capfSudiAuthData(0x01020304, certificate)).subarray(0, 4).toString("hex"),
    ).toBe("04030201");
  });

  it.each(["SHA-1", "SHA-512"] as const)(
    "accepts an RSA proof over the bare %s digest and refuses a DigestInfo signature",
    (digest) => {
      const nodeDigest = digest === "SHA-1" ? "sha1" : "sha512";
      const hash = createHash(nodeDigest).update(authData).digest();
      // OpenSSL's type-1 padding around the bare hash: exactly the phone's construction.
      const proof = privateEncrypt(
        { key: rsa.privateKey, padding: constants.RSA_PKCS1_PADDING },
        hash,
      );
      expect(capfProofIsValid(spkiOf(rsa.publicKey), authData, proof, digest)).toBe(true);
      const otherData = capfAuthData("SEP001122334456", certificate);
      expect(capfProofIsValid(spkiOf(rsa.publicKey), otherData, proof, digest)).toBe(false);
      // A normal PKCS#1 v1.5 signature wraps the hash in a DigestInfo: not what CAPF expects.
      const normal = sign(nodeDigest, authData, rsa.privateKey);
      expect(capfProofIsValid(spkiOf(rsa.publicKey), authData, normal, digest)).toBe(false);
      expect(capfProofIsValid(spkiOf(rsa.publicKey), authData, proof.subarray(1), digest)).toBe(
        false,
      );
    },
  );

  it("accepts an ordinary DER ECDSA signature for EC certificates", () => {
    const proof = sign("sha512", authData, { key: ec.privateKey, dsaEncoding: "der" });
    expect(capfProofIsValid(spkiOf(ec.publicKey), authData, proof, "SHA-512")).toBe(true);
    expect(capfProofIsValid(spkiOf(ec.publicKey), authData, proof, "SHA-1")).toBe(false);
    expect(capfProofIsValid(spkiOf(ec.publicKey), authData, new Uint8Array(3), "SHA-1")).toBe(
      false,
    );
  });

  it("reports an unreadable key as a coded error", () => {
    expect(() =>
      capfProofIsValid(new Uint8Array([1, 2, 3]), authData, new Uint8Array(1), "SHA-1"),
    ).toThrow(expect.objectContaining({ code: "bad_element" }) as Error);
  });
});
