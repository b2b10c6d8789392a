import { notFound } from "../../lib/errors.js";
import { decodePem, encodePem } from "../../pki/pem.js";

import { certsOnlyPkcs7 } from "./ca-chain-p7.fns.js";
import type { Ca } from "./cas.types.js";

export type CaDownloadFormat = "pem" | "der" | "chain" | "p7b" | "csr";

export interface CaFile {
  contentType: string;
  fileName: string;
  body: string | Uint8Array;
}

/** A file name from the CA name: letters, digits, dots, dashes. */
function fileStem(ca: Ca): string {
  return ca.name.replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "") || ca.id;
}

/**
 * The public material of a CA as a file: its certificate (PEM, DER), it with the chain above it
 * (PEM, or DER as PKCS#7 certs-only), or the CSR of a pending intermediate.
 */
export function caFile(ca: Ca, format: CaDownloadFormat): CaFile {
  const stem = fileStem(ca);
  if (format === "csr") {
    if (!ca.csrDer || ca.status !== "pending_certificate")
      throw notFound("pending CSR of CA", ca.id);
    const body = encodePem("CERTIFICATE REQUEST", ca.csrDer);
    return { contentType: "application/pkcs10", fileName: `${stem}.csr`, body };
  }
  if (!ca.certificateDer) throw notFound("certificate of CA", ca.id);
  const own = ca.certificateDer;
  switch (format) {
    case "der":
      return { contentType: "application/pkix-cert", fileName: `${stem}.cer`, body: own };
    case "chain":
      return {
        contentType: "application/x-pem-file",
        fileName: `${stem}-chain.pem`,
        body: encodePem("CERTIFICATE", own) + ca.chainPem,
      };
    case "p7b": {
      const above = ca.chainPem ? decodePem(ca.chainPem).map((block) => block.der) : [];
      return {
        contentType: "application/pkcs7-mime",
        fileName: `${stem}-chain.p7b`,
        body: certsOnlyPkcs7([own, ...above]),
      };
    }
    default:
      return {
        contentType: "application/x-pem-file",
        fileName: `${stem}.pem`,
        body: encodePem("CERTIFICATE", own),
      };
  }
}
