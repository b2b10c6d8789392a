import type { CaUrls } from "./cas.types.js";

/**
 * Where relying parties fetch a CA's CRL, OCSP answers and certificate (DESIGN.md §1, PKI
 * publication). Issued certificates carry them as CRL distribution point (RFC 5280 §4.2.1.13)
 * and authority information access (RFC 5280 §4.2.2.1); the publication routes serve them.
 */
export function caUrls(publicUrl: string, caId: string): CaUrls {
  const base = publicUrl.replace(/\/+$/, "");
  const id = encodeURIComponent(caId);
  return {
    crl: `${base}/pki/${id}/crl`,
    ocsp: `${base}/ocsp/${id}`,
    caIssuers: `${base}/pki/${id}/ca.crt`,
  };
}
