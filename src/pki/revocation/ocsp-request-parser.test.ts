import { describe, expect, it } from "vitest";

import {
  contextTag,
  explicit,
  integer,
  octetString,
  oid,
  sequence,
  TAG,
  tlv,
} from "./der-writer.js";
import { encodeExtension } from "./extensions.js";
import { parseOcspRequest } from "./ocsp-request-parser.js";
import { OID } from "./oids.js";
import { RevocationError, type RevocationErrorCode } from "./revocation-error.js";

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));
const hex = (value: Uint8Array): string => Buffer.from(value).toString("hex");

/** `openssl ocsp -issuer ca.pem -cert leaf.pem -serial 0x0123456789abcdef -reqout` (SHA-1, nonce). */
const OPENSSL_TWO_CERTS =
  "3081b13081ae308186303f303d300906052b0e03021a05000414e939b112711ee4823f6525be477ecb814abc768e0414d32b427107eb5f7b88db6183fa9d38f7bccd496b0204008f000130433041300906052b0e03021a05000414e939b112711ee4823f6525be477ecb814abc768e0414d32b427107eb5f7b88db6183fa9d38f7bccd496b02080123456789abcdefa2233021301f06092b060105050730010204120410f34f98349167a2be75248ee3a4a72b5c";
/** `openssl ocsp -issuer ca.pem -sha256 -cert leaf.pem -reqout` (SHA-256, nonce). */
const OPENSSL_SHA256 =
  "308187308184305d305b3059300d06096086480165030402010500042076f0ceff880212e6c2b56502fa47aa39a4c60ec4ad389825478dec9498c174f10420b695fda3947e2646423fce00f85f12e8d45b68bf5924737340803eeb941cb4760204008f0001a2233021301f06092b0601050507300102041204106dfbb22b20aa26d69e5743393348c70c";

const SHA1_ID = sequence(OID.sha1, tlv(TAG.null));
const NAME_HASH = new Uint8Array(20).fill(1);
const KEY_HASH = new Uint8Array(20).fill(2);

function certId(
  serial = integer(0x8f0001n),
  algorithm = SHA1_ID,
  nameHash = NAME_HASH,
  keyHash = KEY_HASH,
) {
  return sequence(algorithm, octetString(nameHash), octetString(keyHash), serial);
}

function request(
  options: {
    version?: Uint8Array;
    certIds?: Uint8Array[];
    extensions?: Uint8Array[];
    signature?: Uint8Array;
  } = {},
) {
  const list = sequence(...(options.certIds ?? [certId()]).map((id) => sequence(id)));
  const tbs = sequence(
    ...(options.version ? [explicit(0, options.version)] : []),
    list,
    ...(options.extensions ? [explicit(2, sequence(...options.extensions))] : []),
  );
  return sequence(tbs, ...(options.signature ? [explicit(0, options.signature)] : []));
}

function codeOf(input: Uint8Array): RevocationErrorCode {
  try {
    parseOcspRequest(input);
  } catch (error) {
    if (error instanceof RevocationError) return error.code;
    throw error;
  }
  throw new Error("expected a RevocationError");
}

describe("parseOcspRequest", () => {
  it("reads every CertID and the nonce of an OpenSSL request", () => {
    const parsed = parseOcspRequest(bytes(OPENSSL_TWO_CERTS));
    expect(parsed.requests.map((r) => [r.certId.hashAlgorithm, r.certId.serialNumber])).toEqual([
      ["SHA-1", "8f0001"],
      ["SHA-1", "0123456789abcdef"],
    ]);
    const first = parsed.requests[0]!.certId;
    expect(hex(first.issuerNameHash)).toBe("e939b112711ee4823f6525be477ecb814abc768e");
    expect(hex(first.issuerKeyHash)).toBe("d32b427107eb5f7b88db6183fa9d38f7bccd496b");
    expect(hex(first.der)).toBe(OPENSSL_TWO_CERTS.slice(22, 22 + 2 * (2 + 0x3d)));
    expect(hex(parsed.nonce!.value)).toBe("f34f98349167a2be75248ee3a4a72b5c");
    expect(hex(parsed.nonce!.extnValue)).toBe("0410f34f98349167a2be75248ee3a4a72b5c");
    expect(parsed.isSigned).toBe(false);
    expect(parsed.der).toEqual(bytes(OPENSSL_TWO_CERTS));
  });

  it("reads SHA-256 CertIDs", () => {
    const parsed = parseOcspRequest(bytes(OPENSSL_SHA256));
    const { certId: id } = parsed.requests[0]!;
    expect(id.hashAlgorithm).toBe("SHA-256");
    expect(hex(id.issuerKeyHash)).toBe(
      "b695fda3947e2646423fce00f85f12e8d45b68bf5924737340803eeb941cb476",
    );
    expect(id.serialNumber).toBe("8f0001");
  });

  it("reads a request without nonce, with an explicit v1 version and absent hash parameters", () => {
    const parsed = parseOcspRequest(
      request({ version: integer(0n), certIds: [certId(integer(5n), sequence(OID.sha1))] }),
    );
    expect(parsed.nonce).toBeUndefined();
    expect(parsed.requests[0]!.certId.serialNumber).toBe("05");
  });

  it("takes a raw nonce (not wrapped in an OCTET STRING) as the nonce itself", () => {
    const raw = bytes("a1b2c3d4e5f60718293a4b5c6d7e8f90");
    const parsed = parseOcspRequest(request({ extensions: [encodeExtension(OID.ocspNonce, raw)] }));
    expect(parsed.nonce).toEqual({ value: raw, extnValue: raw });
  });

  it("takes a raw nonce that starts like an OCTET STRING but is not one as raw", () => {
    const raw = bytes("0405aabbcc");
    const parsed = parseOcspRequest(request({ extensions: [encodeExtension(OID.ocspNonce, raw)] }));
    expect(parsed.nonce!.value).toEqual(raw);
  });

  it("accepts a signed request without verifying the signature", () => {
    const signature = sequence(
      sequence(oid("1.2.840.10045.4.3.2")),
      tlv(TAG.bitString, Uint8Array.of(0, 1, 2, 3)),
      explicit(0, sequence()),
    );
    expect(parseOcspRequest(request({ signature })).isSigned).toBe(true);
  });

  it("keeps an unknown request extension and a requestor name", () => {
    const requestorName = explicit(1, tlv(contextTag(2, false), Buffer.from("client")));
    const tbs = sequence(
      requestorName,
      sequence(sequence(certId())),
      explicit(2, sequence(encodeExtension(oid("1.2.3.4"), Uint8Array.of(5, 0)))),
    );
    const parsed = parseOcspRequest(sequence(tbs));
    expect(parsed.requestorName).toEqual(tlv(contextTag(2, false), Buffer.from("client")));
    expect(parsed.extensions).toHaveLength(1);
  });

  it.each<[string, Uint8Array, RevocationErrorCode]>([
    ["garbage", bytes("48656c6c6f2c20776f726c64"), "malformed_request"],
    ["an empty body", new Uint8Array(0), "malformed_request"],
    ["a truncated request", bytes(OPENSSL_TWO_CERTS.slice(0, 120)), "malformed_request"],
    ["trailing bytes", bytes(OPENSSL_SHA256 + "00"), "malformed_request"],
    ["version 2", request({ version: integer(1n) }), "unsupported_version"],
    [
      "a non-integer version",
      request({ version: octetString(Uint8Array.of(0)) }),
      "malformed_request",
    ],
    [
      "a SHA-384 CertID",
      request({ certIds: [certId(undefined, sequence(oid("2.16.840.1.101.3.4.2.2")))] }),
      "unsupported_hash_algorithm",
    ],
    [
      "an MD5 CertID",
      request({ certIds: [certId(undefined, sequence(oid("1.2.840.113549.2.5"), tlv(TAG.null)))] }),
      "unsupported_hash_algorithm",
    ],
    [
      "hash parameters that are not NULL",
      request({ certIds: [certId(undefined, sequence(OID.sha1, integer(1n)))] }),
      "malformed_request",
    ],
    [
      "a SHA-1 hash of the wrong length",
      request({ certIds: [certId(undefined, undefined, new Uint8Array(32))] }),
      "malformed_request",
    ],
    [
      "an empty serial number",
      request({ certIds: [certId(tlv(TAG.integer))] }),
      "malformed_request",
    ],
    [
      "a CertID missing its serial",
      request({ certIds: [sequence(SHA1_ID, octetString(NAME_HASH), octetString(KEY_HASH))] }),
      "malformed_request",
    ],
    ["no certificate asked about", request({ certIds: [] }), "malformed_request"],
    [
      "an empty nonce",
      request({ extensions: [encodeExtension(OID.ocspNonce, octetString(new Uint8Array(0)))] }),
      "malformed_request",
    ],
    [
      "a 129-octet nonce",
      request({ extensions: [encodeExtension(OID.ocspNonce, octetString(new Uint8Array(129)))] }),
      "malformed_request",
    ],
    [
      "a malformed extension",
      request({ extensions: [sequence(OID.ocspNonce)] }),
      "malformed_request",
    ],
    [
      "a signature that is not a Signature",
      request({ signature: integer(1n) }),
      "malformed_request",
    ],
    [
      "more than 100 certificates",
      request({ certIds: Array.from({ length: 101 }, () => certId()) }),
      "request_too_large",
    ],
    ["more than 64 KiB", new Uint8Array(64 * 1024 + 1), "request_too_large"],
  ])("rejects %s with a typed error", (_name, input, code) => {
    expect(codeOf(input)).toBe(code);
  });

  it("honours tighter limits", () => {
    const input = bytes(OPENSSL_TWO_CERTS);
    expect(() => parseOcspRequest(input, { maxBytes: 1024, maxCertIds: 1 })).toThrow(
      expect.objectContaining({ code: "request_too_large" }) as RevocationError,
    );
    expect(() => parseOcspRequest(input, { maxBytes: 100, maxCertIds: 10 })).toThrow(
      expect.objectContaining({ code: "request_too_large" }) as RevocationError,
    );
  });

  it("fails only with RevocationErrors on every truncation and single-byte corruption", () => {
    const input = bytes(OPENSSL_TWO_CERTS);
    for (let length = 0; length < input.length; length++) {
      expect(codeOf(input.subarray(0, length))).toBe("malformed_request");
    }
    for (let index = 0; index < input.length; index++) {
      for (const value of [0x00, 0x80, 0xff, input[index]! ^ 0x01]) {
        const corrupt = Uint8Array.from(input);
        corrupt[index] = value;
        try {
          parseOcspRequest(corrupt);
        } catch (error) {
          expect(error).toBeInstanceOf(RevocationError);
        }
      }
    }
  });
});
