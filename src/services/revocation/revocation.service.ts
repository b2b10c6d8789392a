import type { HandlerRegistry } from "../../jobs/handler-registry.js";
import type { JobQueue } from "../../jobs/queue.js";
import type { Schedules } from "../../jobs/schedules.js";
import type { KeyStoreRegistry } from "../../keys/key-store-registry.js";
import type { Clock } from "../../lib/clock.js";
import type { Db } from "../../store/db.js";
import type { AuditService } from "../audit/audit.service.js";

import { createCrlPublisher } from "./crl-publisher.js";
import { createResponderManager } from "./ocsp-responders.js";
import { createOcspService } from "./ocsp.service.js";
import { createPublicationService } from "./publication.service.js";
import { installRevocationJobs } from "./revocation.jobs.js";
import { createRevokeService } from "./revoke.service.js";
import { createSignerCache } from "./signer-cache.js";

export interface RevocationServiceDeps {
  db: Db;
  clock: Clock;
  keys: Pick<KeyStoreRegistry, "get" | "defaultBackend" | "forKeyRef">;
  audit: Pick<AuditService, "record">;
  queue: Pick<JobQueue, "enqueue">;
  /** See `OcspServiceDeps.statusPollMs`. */
  ocspStatusPollMs?: number;
  /** See `RevokeServiceDeps.crlCoalesceMs`. */
  crlCoalesceMs?: number;
}

/**
 * Revocation and publication (issue 5): revoke and unhold, CRLs, the OCSP responder, and the
 * CA certificate and chain URLs that issued certificates name (docs/revocation.md).
 */
export function createRevocationService(deps: RevocationServiceDeps) {
  const { db, clock } = deps;
  const signers = createSignerCache(deps.keys);
  const crl = createCrlPublisher({ db, clock, signers });
  const responders = createResponderManager({ db, clock, keys: deps.keys, signers });
  const ocsp = createOcspService({
    db,
    clock,
    responders,
    signers,
    ...(deps.ocspStatusPollMs === undefined ? {} : { statusPollMs: deps.ocspStatusPollMs }),
  });
  const revocations = createRevokeService({
    clock,
    audit: deps.audit,
    queue: deps.queue,
    onStatusChanged: ocsp.forgetStatus,
    ...(deps.crlCoalesceMs === undefined ? {} : { crlCoalesceMs: deps.crlCoalesceMs }),
  });
  const publication = createPublicationService({ db });

  return {
    revoke: revocations.revoke,
    unhold: revocations.unhold,
    /** The current CRL of a CA (built on the spot when it has none or it expired). */
    currentCrl: crl.current,
    /** Builds a new CRL now (the job does this; tests and the CLI may too). */
    publishCrl: crl.publish,
    answerOcsp: ocsp.answer,
    caCertificate: publication.caCertificate,
    chainPem: publication.chainPem,
    /** Registers the CRL and refresh jobs; call before the worker starts. */
    installJobs: (jobs: {
      handlers: Pick<HandlerRegistry, "register">;
      schedules: Pick<Schedules, "upsertSchedule">;
    }) =>
      installRevocationJobs({
        db,
        clock,
        crl,
        responders,
        queue: deps.queue,
        handlers: jobs.handlers,
        schedules: jobs.schedules,
      }),
  };
}

export type RevocationService = ReturnType<typeof createRevocationService>;
