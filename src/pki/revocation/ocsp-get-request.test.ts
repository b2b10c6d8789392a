import { describe, expect, it } from "vitest";

import { decodeOcspGetRequest } from "./ocsp-get-request.js";
import type { RevocationError } from "./revocation-error.js";

/** Bytes whose base64 ("MAX77+D/vw==") uses '+', '/' and '='. */
const DER = Uint8Array.from([0x30, 0x05, 0xfb, 0xef, 0xe0, 0xff, 0xbf]);
const BASE64 = Buffer.from(DER).toString("base64");

describe("decodeOcspGetRequest (RFC 6960 Appendix A.1)", () => {
  it("has test data that exercises every special base64 character", () => {
    expect(BASE64).toMatch(/\+/);
    expect(BASE64).toMatch(/\//);
    expect(BASE64).toMatch(/=$/);
  });

  it.each([
    ["percent-encoded, as RFC 6960 asks", encodeURIComponent(BASE64)],
    ["plain base64, as many clients send it", BASE64],
    ["base64 without padding", BASE64.replace(/=+$/, "")],
    ["base64url", Buffer.from(DER).toString("base64url")],
    ["with '+' turned into spaces by a proxy", BASE64.replace(/\+/g, " ")],
    [
      "with lowercase percent escapes",
      encodeURIComponent(BASE64).replace(/%2B/g, "%2b").replace(/%2F/g, "%2f"),
    ],
  ])("decodes %s", (_name, encoded) => {
    expect(decodeOcspGetRequest(encoded)).toEqual(DER);
  });

  it.each([
    ["an empty path", ""],
    ["a broken percent escape", "MAA%ZZ"],
    ["characters outside base64", "MAA*AA=="],
    ["an impossible base64 length", "MAAAA"],
    ["padding in the middle", "MA==AA"],
  ])("rejects %s as a malformed request", (_name, encoded) => {
    expect(() => decodeOcspGetRequest(encoded)).toThrow(
      expect.objectContaining({ code: "malformed_request" }) as RevocationError,
    );
  });

  it("rejects requests over the size limit before decoding them", () => {
    expect(() => decodeOcspGetRequest("A".repeat(400), 200)).toThrow(
      expect.objectContaining({ code: "request_too_large" }) as RevocationError,
    );
    expect(() => decodeOcspGetRequest("A".repeat(1000), 100)).toThrow(
      expect.objectContaining({ code: "request_too_large" }) as RevocationError,
    );
  });
});
