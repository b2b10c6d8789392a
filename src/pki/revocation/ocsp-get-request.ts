import { DEFAULT_OCSP_REQUEST_LIMITS } from "./ocsp-request-parser.js";
import { RevocationError } from "./revocation-error.js";

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The DER of an OCSP request sent with GET: the path segment after the responder URL is the
 * URL-encoding of the base64 DER (RFC 6960 Appendix A.1). Clients differ: some percent-encode
 * '+', '/' and '=', some do not; some use the base64url alphabet; proxies may turn '+' into
 * a space. All of these decode here; anything else is a "malformed_request" RevocationError.
 */
export function decodeOcspGetRequest(
  encoded: string,
  maxBytes = DEFAULT_OCSP_REQUEST_LIMITS.maxBytes,
): Uint8Array {
  // Base64 grows 4/3; percent-encoding at most triples each character.
  if (encoded.length > Math.ceil(maxBytes / 3) * 4 * 3) {
    throw new RevocationError(
      "request_too_large",
      `the OCSP request is larger than ${maxBytes} bytes`,
    );
  }
  let text: string;
  try {
    text = decodeURIComponent(encoded);
  } catch (cause) {
    throw new RevocationError(
      "malformed_request",
      "the OCSP GET request is not valid URL encoding",
      { cause },
    );
  }
  text = text.replace(/ /g, "+").replace(/-/g, "+").replace(/_/g, "/");
  if (text.length === 0 || !BASE64.test(text) || text.replace(/=+$/, "").length % 4 === 1) {
    throw new RevocationError("malformed_request", "the OCSP GET request is not base64");
  }
  const der = new Uint8Array(Buffer.from(text, "base64"));
  if (der.length > maxBytes) {
    throw new RevocationError(
      "request_too_large",
      `the OCSP request is larger than ${maxBytes} bytes`,
    );
  }
  return der;
}
