import type { JobQueue } from "../../jobs/queue.js";
import type { Clock } from "../../lib/clock.js";
import { AppError, conflict, notFound, validationFailed } from "../../lib/errors.js";
import { parseCertificate } from "../../pki/certificate-info.js";
import type { Db } from "../../store/db.js";
import { canSeeProject, type Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";

import { CRL_PUBLISH_JOB, crlJobKey } from "./revocation.jobs.js";
import * as repo from "./revocation.repo.js";
import type { CertificateRevocation, RevocationResult, RevokeInput } from "./revocation.types.js";
import { canonicalSerial, serialSpellings } from "./serial.fns.js";

export interface RevokeServiceDeps {
  clock: Clock;
  audit: Pick<AuditService, "record">;
  queue: Pick<JobQueue, "enqueue">;
  /** Told after a commit, so this node's OCSP answers change at once. */
  onStatusChanged: (caId: string) => void;
  /** Revocations within this window make one new CRL (issue 5 §2); default 5 s. */
  crlCoalesceMs?: number;
}

/** Clock skew tolerated on a client-supplied invalidity date. */
const FUTURE_SKEW_MS = 5 * 60_000;
const CERTIFICATE_ID = /^cert_[0-9A-Za-z]+$/;

/**
 * RFC 5280 §5.3.1: revoking a CA certificate lists it in its issuer's CRL and OCSP; it does not
 * revoke what the CA issued. Relying parties that check the whole chain reject those anyway.
 */
const CA_NOTICE =
  "This is a CA certificate. It is now listed as revoked by its issuing CA (CRL and OCSP). " +
  "Certificates this CA issued are not revoked one by one: clients that check revocation for " +
  "the whole chain reject them; clients that check only the leaf still accept them. The CA " +
  "itself is not disabled: disable it to stop further issuance.";

export function createRevokeService(deps: RevokeServiceDeps) {
  const { clock } = deps;
  const coalesceMs = deps.crlCoalesceMs ?? 5_000;

  /** The project's certificate by id or serial; another project's is a 404 (seed 004 §08). */
  async function findTarget(
    trx: Db,
    actor: Actor,
    projectId: string,
    ref: string,
  ): Promise<CertificateRevocation & { caId: string }> {
    const serial = CERTIFICATE_ID.test(ref) ? undefined : canonicalSerial(ref);
    const certificate = !canSeeProject(actor, projectId)
      ? undefined
      : await repo.findProjectCertificate(
          trx,
          projectId,
          serial === undefined ? { id: ref } : { serials: serialSpellings(serial) },
        );
    if (!certificate) throw notFound("certificate", ref);
    const ca = certificate.caId === null ? undefined : await repo.findCa(trx, certificate.caId);
    if (!ca || ca.keyRef === null) {
      throw new AppError("unprocessable", {
        message: `Certificate "${ref}" was not issued by a CA of this server, so no CRL or OCSP here can revoke it; revoke it with its issuer.`,
        details: [{ rule: "not_issued_here", certificate_id: certificate.id }],
      });
    }
    return { ...certificate, caId: ca.id };
  }

  /** Bumps the CA's status version, drops stale OCSP responses, queues one coalesced CRL. */
  async function publishChange(trx: Db, caId: string, serialNumber: string) {
    const now = clock.now();
    await repo.bumpStatusVersion(trx, caId, now);
    for (const spelling of serialSpellings(canonicalSerial(serialNumber) ?? serialNumber)) {
      await repo.deleteStoredResponses(trx, caId, spelling);
    }
    const runAt = new Date(now.getTime() + coalesceMs);
    await deps.queue.enqueue(trx, {
      type: CRL_PUBLISH_JOB,
      payload: { caId },
      runAt,
      dedupeKey: crlJobKey(caId),
    });
    return runAt;
  }

  function resultOf(
    certificate: CertificateRevocation & { caId: string },
    change: Pick<RevocationResult, "status" | "revokedAt" | "reason" | "invalidityDate">,
    crlRefreshAt: Date,
  ): RevocationResult {
    return {
      certificateId: certificate.id,
      serialNumber: certificate.serialNumber,
      caId: certificate.caId,
      ...change,
      caNotice: isCaCertificate(certificate.certificateDer) ? CA_NOTICE : null,
      crlRefreshAt,
    };
  }

  async function revoke(actor: Actor, input: RevokeInput): Promise<RevocationResult> {
    const now = clock.now();
    if (input.invalidityDate && input.invalidityDate.getTime() > now.getTime() + FUTURE_SKEW_MS) {
      throw validationFailed(
        "invalidity_date is when the key was compromised: not in the future.",
        [{ field: "invalidity_date" }],
      );
    }
    const result = await deps.audit.record(
      actor,
      {
        action: "certificate.revoke",
        targetType: "certificate",
        targetId: input.certificate,
        projectId: input.projectId,
        details: { reason: input.reason },
      },
      async (trx) => {
        const certificate = await findTarget(trx, actor, input.projectId, input.certificate);
        const revoked = await repo.markRevoked(trx, certificate.id, {
          revokedAt: now,
          reason: input.reason,
          invalidityDate: input.invalidityDate ?? null,
        });
        if (!revoked) {
          throw conflict(`Certificate "${input.certificate}" is already revoked.`, [
            { certificate_id: certificate.id, reason: certificate.reason },
          ]);
        }
        const crlRefreshAt = await publishChange(trx, certificate.caId, certificate.serialNumber);
        return resultOf(
          certificate,
          {
            status: "revoked",
            revokedAt: now,
            reason: input.reason,
            invalidityDate: input.invalidityDate ?? null,
          },
          crlRefreshAt,
        );
      },
      (r) => ({
        targetId: r.certificateId,
        details: { serial_number: r.serialNumber, ca_id: r.caId, is_ca: r.caNotice !== null },
      }),
    );
    deps.onStatusChanged(result.caId);
    return result;
  }

  /** Lifts a certificateHold: the certificate is good again in OCSP and leaves the next CRL. */
  async function unhold(
    actor: Actor,
    input: { projectId: string; certificate: string },
  ): Promise<RevocationResult> {
    const result = await deps.audit.record(
      actor,
      {
        action: "certificate.unhold",
        targetType: "certificate",
        targetId: input.certificate,
        projectId: input.projectId,
      },
      async (trx) => {
        const certificate = await findTarget(trx, actor, input.projectId, input.certificate);
        const status = (await repo.hasSuccessor(trx, certificate.id)) ? "superseded" : "active";
        if (!(await repo.liftHold(trx, certificate.id, status, clock.now()))) {
          throw conflict(
            `Certificate "${input.certificate}" is not on hold: only a certificateHold can be lifted.`,
            [{ certificate_id: certificate.id, reason: certificate.reason }],
          );
        }
        const crlRefreshAt = await publishChange(trx, certificate.caId, certificate.serialNumber);
        return resultOf(
          certificate,
          { status, revokedAt: null, reason: null, invalidityDate: null },
          crlRefreshAt,
        );
      },
      (r) => ({ targetId: r.certificateId, details: { serial_number: r.serialNumber } }),
    );
    deps.onStatusChanged(result.caId);
    return result;
  }

  return { revoke, unhold };
}

function isCaCertificate(der: Uint8Array): boolean {
  try {
    return parseCertificate(der).isCa;
  } catch {
    return false;
  }
}

export type RevokeService = ReturnType<typeof createRevokeService>;
