import { describe, expect, it } from "vitest";

import { AppError } from "../../lib/errors.js";

import {
  decodeBase64,
  parsePssParams,
  PSS_PARAMS_BASE64,
  schemeFor,
  SIGN_OIDS,
} from "./algorithms.fns.js";

const SHA256 = "2.16.840.1.101.3.4.2.1";
const SHA384 = "2.16.840.1.101.3.4.2.2";

function descriptionOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (error instanceof AppError) return error.message;
    throw error;
  }
  throw new Error("expected a CSC error");
}

describe("RSASSA-PSS parameters (RFC 4055 §3.1)", () => {
  it.each([
    ["SHA-256", 32],
    ["SHA-384", 48],
    ["SHA-512", 64],
  ] as const)("reads the usual %s parameters", (hash, saltLength) => {
    const der = Buffer.from(PSS_PARAMS_BASE64[hash], "base64");
    expect(parsePssParams(der)).toEqual({ hash, saltLength });
  });

  it("accepts hash identifiers without the NULL parameter (RFC 4055 §2.1)", () => {
    // SEQUENCE { [0] { sha256 }, [1] { mgf1, { sha256 } }, [2] 32 }, parameters absent.
    const der = Buffer.from(
      "3030a00d300b0609608648016503040201a11a301806092a864886f70d010108300b0609608648016503040201a203020120",
      "hex",
    );
    expect(parsePssParams(der)).toEqual({ hash: "SHA-256", saltLength: 32 });
  });

  it.each([
    ["all defaults (SHA-1)", "3000"],
    ["not DER", "0001"],
    [
      "a trailer field other than 1",
      "3039a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120a303020102",
    ],
  ])("refuses %s", (_name, hex) => {
    expect(descriptionOf(() => parsePssParams(Buffer.from(hex, "hex")))).toBe(
      "Invalid parameter signAlgoParams",
    );
  });
});

describe("the signing scheme of a signHash request (csc-api-v2.md §4.10)", () => {
  it("takes the hash from the algorithm OID, and refuses a contradicting hashAlgorithmOID", () => {
    expect(schemeFor({ signAlgo: SIGN_OIDS.sha384WithRsa })).toEqual({
      kind: "rsa-pkcs1",
      hash: "SHA-384",
    });
    expect(schemeFor({ signAlgo: SIGN_OIDS.ecdsaWithSha256, hashAlgorithmOid: SHA256 })).toEqual({
      kind: "ecdsa",
      hash: "SHA-256",
    });
    expect(
      descriptionOf(() =>
        schemeFor({ signAlgo: SIGN_OIDS.ecdsaWithSha256, hashAlgorithmOid: SHA384 }),
      ),
    ).toBe("Invalid parameter hashAlgorithmOID");
  });

  it("needs hashAlgorithmOID for rsaEncryption", () => {
    expect(schemeFor({ signAlgo: SIGN_OIDS.rsaEncryption, hashAlgorithmOid: SHA384 })).toEqual({
      kind: "rsa-pkcs1",
      hash: "SHA-384",
    });
    expect(descriptionOf(() => schemeFor({ signAlgo: SIGN_OIDS.rsaEncryption }))).toBe(
      "Missing (or invalid type) string parameter hashAlgorithmOID",
    );
  });

  it("derives the usual PSS parameters from hashAlgorithmOID when none are given", () => {
    expect(schemeFor({ signAlgo: SIGN_OIDS.rsassaPss, hashAlgorithmOid: SHA384 })).toEqual({
      kind: "rsa-pss",
      hash: "SHA-384",
      saltLength: 48,
    });
    expect(descriptionOf(() => schemeFor({ signAlgo: SIGN_OIDS.rsassaPss }))).toBe(
      "Missing (or invalid type) string parameter signAlgoParams",
    );
  });

  it("refuses unknown algorithms", () => {
    expect(descriptionOf(() => schemeFor({ signAlgo: "1.3.101.112" }))).toBe(
      "Invalid parameter signAlgo",
    );
  });
});

describe("base64 in CSC requests (csc-api-v2.md §1)", () => {
  it("accepts both alphabets, padded or not", () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xfe, 0x01]);
    for (const text of ["+//+AQ==", "+//+AQ", "-__-AQ==", "-__-AQ"]) {
      expect(decodeBase64(text)).toEqual(bytes);
    }
  });

  it.each(["", "====", "a", "ab$c", "ab cd"])("refuses %j", (text) => {
    expect(decodeBase64(text)).toBeNull();
  });
});
