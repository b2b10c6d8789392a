import { isSignedBy, type CertificateInfo } from "../../pki/certificate-info.js";
import { encodePemChain } from "../../pki/pem.js";

import { unprocessable } from "./ca-errors.fns.js";

/**
 * Checks that `chain` (nearest issuer first) links `certificate` upwards: each certificate is
 * signed by the next, each issuer is a CA, and the last one is either self-signed (a root) or
 * left to the relying party's trust store. Returns the chain as PEM for storage.
 */
export function linkedChainPem(certificate: CertificateInfo, chain: CertificateInfo[]): string {
  let child = certificate;
  for (const [index, issuer] of chain.entries()) {
    if (!issuer.isCa) {
      throw unprocessable(
        `Chain certificate ${index + 1} ("${issuer.subject.text}") is not a CA.`,
        {
          field: "chain",
          index,
        },
      );
    }
    if (!isSignedBy(child, issuer)) {
      throw unprocessable(
        `"${child.subject.text}" is not signed by chain certificate ${index + 1} ("${issuer.subject.text}"); list the chain nearest issuer first.`,
        { field: "chain", index },
      );
    }
    child = issuer;
  }
  return encodePemChain(
    "CERTIFICATE",
    chain.map((c) => c.der),
  );
}
