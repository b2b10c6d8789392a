import { notFound } from "../../lib/errors.js";
import { decodePemOf, encodePemChain } from "../../pki/pem.js";
import type { Db } from "../../store/db.js";

import * as repo from "./revocation.repo.js";

/** The CA's own certificate, and its chain, as AIA caIssuers and relying parties fetch them. */
export function createPublicationService(deps: { db: Db }) {
  async function caCertificate(caId: string): Promise<Uint8Array> {
    const ca = await repo.findCa(deps.db, caId);
    if (!ca?.certificateDer) throw notFound("CA", caId);
    return ca.certificateDer;
  }

  /** PEM: the CA certificate first, then its issuers up to the root (RFC 5246 §7.4.2 order). */
  async function chainPem(caId: string): Promise<string> {
    const ca = await repo.findCa(deps.db, caId);
    if (!ca?.certificateDer) throw notFound("CA", caId);
    const above = ca.chainPem.trim() === "" ? [] : decodePemOf(ca.chainPem, ["CERTIFICATE"]);
    return encodePemChain("CERTIFICATE", [ca.certificateDer, ...above.map((b) => b.der)]);
  }

  return { caCertificate, chainPem };
}

export type PublicationService = ReturnType<typeof createPublicationService>;
