/**
 * Renewal (issue 4 §6): a new certificate from the same CA and profile, for the same subject
 * and names, with a new key or the same one; the successor names its predecessor, and the
 * predecessor becomes `superseded` in an audited step of its own.
 */

import { backendOfKeyRef } from "../../keys/key-ref.js";
import type { Clock } from "../../lib/clock.js";
import { AppError, conflict, notFound } from "../../lib/errors.js";
import { parseCertificate, type CertificateInfo } from "../../pki/certificate-info.js";
import type { GeneralName } from "../../pki/general-names.js";
import type { Db } from "../../store/db.js";
import type { Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";
import type { IssuanceService } from "../issuance/issuance.service.js";
import type { IssuedCertificate, KeySource } from "../issuance/issuance.types.js";

import * as repo from "./inventory.repo.js";
import type { InventoryCertificateDetail } from "./inventory.types.js";

export interface RenewDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, "record">;
  issuance: Pick<IssuanceService, "issueCertificate">;
}

export interface RenewRequest {
  /**
   * "new": a fresh key (generated here like the old one, or the one in `csr`); "same": the
   * predecessor's key. Default: "new" when the key was generated here or a CSR is given.
   */
  key?: "new" | "same" | undefined;
  /** A CSR for the new key, when the requester (not this server) holds it. */
  csr?: string | undefined;
  /** Default: the profile's validity, else the predecessor's lifetime. */
  validityDays?: number | undefined;
}

const DAY_MS = 86_400_000;
const NAME_TYPES = new Set(["dns", "ip", "email", "uri"]);

function unprocessable(message: string, details: Record<string, unknown>[]): AppError {
  return new AppError("unprocessable", { message, details });
}

/** The predecessor's lifetime in whole days (its notBefore was backdated by under a day). */
function lifetimeDays(info: CertificateInfo): number {
  return Math.max(1, Math.round((info.notAfter.getTime() - info.notBefore.getTime()) / DAY_MS));
}

function keySourceFor(
  old: InventoryCertificateDetail,
  info: CertificateInfo,
  request: RenewRequest,
): KeySource {
  const mode = request.key ?? (old.keyRef !== null || request.csr !== undefined ? "new" : "same");
  if (mode === "same") {
    if (request.csr !== undefined) {
      throw unprocessable('A csr brings a new key; leave it out or ask for "key": "new".', [
        { field: "csr" },
      ]);
    }
    if (old.status === "revoked") {
      throw unprocessable(
        `Certificate "${old.id}" is revoked; renew it with a new key ("key": "new").`,
        [{ field: "key", reason: "revoked_key" }],
      );
    }
    return {
      kind: "public_key",
      spki: info.publicKey.spki,
      ...(old.keyRef === null ? {} : { keyRef: old.keyRef }),
    };
  }
  if (request.csr !== undefined) return { kind: "csr", csr: request.csr };
  if (old.keyRef === null) {
    throw unprocessable(
      `The key of certificate "${old.id}" is held by its requester; send a new "csr", or renew with "key": "same".`,
      [{ field: "csr", reason: "required" }],
    );
  }
  if (info.publicKey.keyType === null) {
    throw unprocessable(`Key type ${old.keyType} is not issued any more; send a "csr".`, [
      { field: "csr", reason: "required" },
    ]);
  }
  return {
    kind: "generate",
    keyType: info.publicKey.keyType,
    keyBackend: backendOfKeyRef(old.keyRef),
  };
}

export function createRenew(deps: RenewDeps) {
  const { db, clock, audit, issuance } = deps;

  async function renewCertificate(
    actor: Actor,
    projectId: string,
    id: string,
    request: RenewRequest,
  ): Promise<IssuedCertificate> {
    const old = await repo.findCertificate(db, projectId, id, clock.now());
    if (!old) throw notFound("certificate", id);
    if (old.successorIds.length > 0 || old.status === "superseded") {
      throw conflict(`Certificate "${id}" was already renewed.`, [
        { reason: "already_renewed", successor_ids: old.successorIds },
      ]);
    }
    const info = parseCertificate(old.certificateDer);
    const isSelfSigned = old.issuerType === "self_signed";
    if (old.caId === null && !isSelfSigned) {
      throw unprocessable(
        `Certificate "${id}" was not issued by a CA of this project; renew it where it was issued.`,
        [{ reason: "foreign_issuer", issuer_type: old.issuerType }],
      );
    }
    const key = keySourceFor(old, info, request);
    if (isSelfSigned && key.kind !== "generate") {
      throw unprocessable("A self-signed certificate is renewed with a new key generated here.", [
        { field: "key" },
      ]);
    }
    const noProfile = old.profileId === null;
    const issued = await issuance.issueCertificate(actor, {
      projectId,
      ...(isSelfSigned ? { selfSigned: true } : { caId: old.caId! }),
      profileId: old.profileId ?? undefined,
      key,
      // Keep the subject's encoding-independent fields; a CSR's own subject is not used.
      subject: info.subject.subject,
      sans: info.subjectAltNames
        .filter((name) => NAME_TYPES.has(name.type))
        .map((name) => name as GeneralName),
      validityDays: request.validityDays ?? (noProfile ? lifetimeDays(info) : undefined),
      ...(noProfile && info.keyUsage.length > 0 ? { keyUsage: info.keyUsage } : {}),
      ...(noProfile && info.extendedKeyUsage.length > 0
        ? { extendedKeyUsage: info.extendedKeyUsage }
        : {}),
      issuerType: old.issuerType === "acme" ? "acme" : "issued",
      predecessorId: id,
    });
    const spec = {
      action: "certificate.renew",
      targetType: "certificate",
      targetId: id,
      projectId,
      details: { successor_id: issued.id, key: key.kind === "public_key" ? "same" : "new" },
    };
    await audit.record(actor, spec, async (trx) => {
      await repo.markSuperseded(trx, id, clock.now());
      // Renewing with the same custody key keeps whether its owner may download it.
      if (key.kind === "public_key" && old.isKeyDownloadable) {
        await repo.setKeyDownloadable(trx, issued.id, true);
      }
    });
    return {
      ...issued,
      isKeyDownloadable:
        issued.isKeyDownloadable || (key.kind === "public_key" && old.isKeyDownloadable),
    };
  }

  return { renewCertificate };
}
