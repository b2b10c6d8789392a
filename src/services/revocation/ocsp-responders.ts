import type { KeyStoreRegistry } from "../../keys/key-store-registry.js";
import type { Clock } from "../../lib/clock.js";
import { isSignedBy, parseCertificate } from "../../pki/certificate-info.js";
import { issuerFromCertificate } from "../../pki/certificate-issuer.js";
import type { Db } from "../../store/db.js";

import { buildResponderCertificate } from "./responder-certificate.fns.js";
import * as repo from "./revocation.repo.js";
import type { OcspResponderRecord } from "./revocation.types.js";
import type { SignerCache } from "./signer-cache.js";

export interface ResponderManagerDeps {
  db: Db;
  clock: Clock;
  keys: Pick<KeyStoreRegistry, "get" | "defaultBackend" | "forKeyRef">;
  signers: SignerCache;
}

/** A CA that can sign: its key and certificate are here (see `requirePublishingCa`). */
export interface SigningCa {
  id: string;
  name: string;
  keyRef: string;
  certificateDer: Uint8Array;
  notAfter: Date | null;
}

const DAY_MS = 86_400_000;
/** docs/revocation.md: a P-256 responder valid 30 days, replaced when 15 are left. */
const VALIDITY_MS = 30 * DAY_MS;
const RENEW_BEFORE_MS = 15 * DAY_MS;
const BACKDATE_MS = 5 * 60_000;

/**
 * Delegated OCSP responders (RFC 6960 §4.2.2.2): each CA issues one to a P-256 key of its own,
 * so the CA key (perhaps in an HSM) signs once a fortnight instead of once per response.
 * Any node may create or rotate one; the database keeps exactly one per CA and the loser of a
 * race destroys its key.
 */
export function createResponderManager(deps: ResponderManagerDeps) {
  const { db, clock, keys, signers } = deps;

  function isCurrent(record: OcspResponderRecord, ca: SigningCa, now: Date): boolean {
    const remaining = record.notAfter.getTime() - now.getTime();
    const caEnd = ca.notAfter?.getTime() ?? Infinity;
    // Near the CA's own end a new responder could not live longer: keep the one we have.
    const couldExtend =
      Math.min(now.getTime() + VALIDITY_MS, caEnd) > record.notAfter.getTime() + DAY_MS;
    if (remaining < RENEW_BEFORE_MS && couldExtend) return false;
    if (remaining <= 0) return false;
    // A CA certificate replaced with a new key invalidates its responder.
    return isSignedBy(parseCertificate(record.certificateDer), parseCertificate(ca.certificateDer));
  }

  async function create(ca: SigningCa, previous: OcspResponderRecord | undefined) {
    const store = keys.get(keys.defaultBackend);
    const key = await store.generate("ECDSA-P256", { label: `OCSP responder of ${ca.id}` });
    try {
      const now = clock.now();
      const notBefore = new Date(now.getTime() - BACKDATE_MS);
      const notAfter = new Date(
        Math.min(now.getTime() + VALIDITY_MS, ca.notAfter?.getTime() ?? Infinity),
      );
      const issuer = issuerFromCertificate(ca.certificateDer, await signers.signerFor(ca.keyRef));
      const certificateDer = await buildResponderCertificate({
        issuer,
        caName: ca.name,
        responderSpki: key.publicKeySpki,
        notBefore,
        notAfter,
      });
      const record: OcspResponderRecord = {
        caId: ca.id,
        keyRef: key.keyRef,
        certificateDer,
        notBefore,
        notAfter,
      };
      const installed = await repo.installResponder(db, record, previous?.keyRef ?? null, now);
      if (!installed) {
        await store.destroy(key.keyRef);
        return (await repo.findResponder(db, ca.id))!;
      }
      if (previous) {
        // Responses it signed stay valid (its certificate does); only new signing moves on.
        signers.forget(previous.keyRef);
        await keys
          .forKeyRef(previous.keyRef)
          .destroy(previous.keyRef)
          .catch(() => undefined);
      }
      return record;
    } catch (error) {
      await store.destroy(key.keyRef).catch(() => undefined);
      throw error;
    }
  }

  /** The CA's responder, created or rotated first when it has none or it is due. */
  async function ensure(ca: SigningCa): Promise<OcspResponderRecord> {
    const existing = await repo.findResponder(db, ca.id);
    if (existing && isCurrent(existing, ca, clock.now())) return existing;
    return create(ca, existing);
  }

  return { ensure };
}

export type ResponderManager = ReturnType<typeof createResponderManager>;
