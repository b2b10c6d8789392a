import type { KeyStoreRegistry } from "../../keys/key-store-registry.js";
import { conflict, notFound } from "../../lib/errors.js";
import type { CertificateIssuer } from "../../pki/certificate-builder.js";
import {
  parseCertificate,
  parseCertificates,
  type CertificateInfo,
} from "../../pki/certificate-info.js";
import { issuerFromCertificate } from "../../pki/certificate-issuer.js";
import type { NameConstraints } from "../../pki/extensions.js";
import { encodePem } from "../../pki/pem.js";
import type { Db } from "../../store/db.js";

import { caUrls } from "./ca-urls.fns.js";
import * as repo from "./cas.repo.js";
import type { Ca, CaUrls } from "./cas.types.js";
import { withPkiErrors } from "./pki-failures.js";

/** A CA ready to sign: everything issuance, CRL and OCSP signing need. */
export interface IssuingCa {
  ca: Ca;
  certificate: CertificateInfo;
  /** For `buildCertificate`: signer, issuer name, key id, path length, expiry. */
  issuer: CertificateIssuer;
  /** The chain of anything this CA issues: its own certificate, then the chain above it (PEM). */
  issuedChainPem: string;
  /** URLs for the CRL distribution point and AIA of certificates it issues. */
  urls: CaUrls;
  /** Name constraints of this CA and every CA above it (RFC 5280 §4.2.1.10), nearest first. */
  nameConstraints: NameConstraints[];
}

export interface LoadIssuingCaOptions {
  /** Restrict to one project (API calls); omit for public surfaces (CRL, OCSP). */
  projectId?: string;
  /**
   * Refuse a disabled CA (issuance). A disabled CA still signs CRLs and OCSP answers for what
   * it issued before, so revocation passes false.
   */
  requireActive?: boolean;
}

/** Parsed CA certificates kept per process; a few hundred CAs is already a large deployment. */
const PARSED_CACHE_SIZE = 256;

export function createIssuingCaLoader(deps: {
  db: Db;
  keys: Pick<KeyStoreRegistry, "forKeyRef">;
  publicUrl: string;
}) {
  const { db, keys, publicUrl } = deps;
  const parsedCas = new Map<
    string,
    { certificate: CertificateInfo; issuer: CertificateIssuer; nameConstraints: NameConstraints[] }
  >();

  /**
   * The CA `caId` with its signer. 404 when it does not exist (in the project); 409 when it
   * cannot sign: no key (an external issuer), still waiting for its certificate, or disabled.
   */
  async function loadIssuingCa(
    caId: string,
    options: LoadIssuingCaOptions = {},
  ): Promise<IssuingCa> {
    const ca =
      options.projectId === undefined
        ? await repo.findCaById(db, caId)
        : await repo.findCa(db, options.projectId, caId);
    if (!ca) throw notFound("CA", caId);
    if (ca.keyRef === null || ca.type === "external") {
      throw conflict(`CA "${ca.name}" is an external issuer without a key here; it cannot sign.`, [
        { rule: "ca_has_key", ca_id: ca.id },
      ]);
    }
    if (ca.certificateDer === null || ca.status === "pending_certificate") {
      throw conflict(
        `CA "${ca.name}" is waiting for its signed certificate; upload it before issuing.`,
        [{ rule: "ca_status", ca_id: ca.id, status: ca.status }],
      );
    }
    if ((options.requireActive ?? true) && ca.status !== "active") {
      throw conflict(`CA "${ca.name}" is disabled; enable it before issuing.`, [
        { rule: "ca_status", ca_id: ca.id, status: ca.status },
      ]);
    }
    const keyRef = ca.keyRef;
    const certificateDer = ca.certificateDer;
    return withPkiErrors(async () => {
      const signer = await keys.forKeyRef(keyRef).signer(keyRef);
      // A CA's certificate and key never change once it is active (a pending CA gets its
      // certificate once, which bumps updated_at), so the parsed parts are cached per version.
      const version = `${ca.id}|${ca.updatedAt.getTime()}`;
      let parsed = parsedCas.get(version);
      if (!parsed) {
        const issuer = issuerFromCertificate(certificateDer, signer);
        const certificate = parseCertificate(certificateDer);
        const above = ca.chainPem ? parseCertificates(ca.chainPem) : [];
        const nameConstraints = [certificate, ...above]
          .map((c) => c.nameConstraints)
          .filter((c): c is NameConstraints => c !== null);
        parsed = { certificate, issuer, nameConstraints };
        if (parsedCas.size >= PARSED_CACHE_SIZE) parsedCas.delete(parsedCas.keys().next().value!);
        parsedCas.set(version, parsed);
      }
      return {
        ca,
        certificate: parsed.certificate,
        issuer: { ...parsed.issuer, signer },
        issuedChainPem: encodePem("CERTIFICATE", certificateDer) + ca.chainPem,
        urls: caUrls(publicUrl, ca.id),
        nameConstraints: parsed.nameConstraints,
      };
    });
  }

  return { loadIssuingCa };
}
