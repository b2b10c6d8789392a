import { createHash } from "node:crypto";

import type { Clock } from "../../lib/clock.js";
import {
  certIdMatchesIssuer,
  computeIssuerHashes,
  createOcspResponder,
  encodeCertId,
  isRevocationError,
  ocspErrorResponse,
  parseOcspRequest,
  type CertId,
  type IssuerHashes,
  type OcspCertStatus,
  type OcspResponder,
  type OcspSingleResponseInput,
} from "../../pki/revocation/index.js";
import type { Db } from "../../store/db.js";

import { requirePublishingCa } from "./crl-publisher.js";
import type { ResponderManager } from "./ocsp-responders.js";
import * as repo from "./revocation.repo.js";
import type { SerialStatus } from "./revocation.types.js";
import { canonicalSerial, serialSpellings } from "./serial.fns.js";
import type { SignerCache } from "./signer-cache.js";

export interface OcspServiceDeps {
  db: Db;
  clock: Clock;
  responders: ResponderManager;
  signers: SignerCache;
  /**
   * How long a node trusts its copy of a CA's status version before asking the database again:
   * the longest another node may keep serving a response from memory after a revocation.
   */
  statusPollMs?: number;
  /** Pre-signed responses kept in memory per node. */
  maxCachedResponses?: number;
}

/** What the HTTP layer sends: the DER and how caches may keep it (RFC 5019 §6.2). */
export type OcspAnswer =
  | {
      kind: "cacheable";
      der: Uint8Array;
      etag: string;
      thisUpdate: Date;
      nextUpdate: Date;
      /** When this node will sign a fresh response: the end of an HTTP cache's max-age. */
      refreshAt: Date;
    }
  /** Carries a nonce or several CertIDs: unique to its request. */
  | { kind: "unique"; der: Uint8Array }
  /** An unsuccessful OCSPResponse (RFC 6960 §2.3): malformedRequest, unauthorized… */
  | { kind: "error"; der: Uint8Array; status: "malformedRequest" | "unauthorized" };

interface CaContext {
  caId: string;
  hashes: IssuerHashes;
  responder: OcspResponder;
  responderKeyRef: string;
  responderNotAfter: number;
  statusVersion: number;
  validityMs: number;
  checkedAt: number;
}

/** A serial's status as read at a status version (`undefined`: the CA never issued it). */
interface CachedStatus {
  status: SerialStatus | undefined;
  statusVersion: number;
  /** When an unknown serial is read again (a certificate may be issued with it later). */
  unknownUntil: number;
}

interface CachedResponse {
  der: Uint8Array;
  etag: string;
  thisUpdate: Date;
  nextUpdate: Date;
  refreshAt: Date;
  statusVersion: number;
  responderKeyRef: string;
}

const CA_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A serial this CA never issued is re-checked this often (it might be issued later). */
const UNKNOWN_TTL_MS = 60_000;
/** Matches the responder manager's renewal point, so a node picks up the new responder. */
const ROTATION_MARGIN_MS = 15 * 86_400_000;

/** `revokedAt|reason`: equal stamps mean a stored response still tells the truth. */
function stampOf(status: SerialStatus | undefined): string {
  if (!status) return "unknown";
  return `${status.revokedAt?.getTime() ?? ""}|${status.reason ?? ""}`;
}

function certStatusOf(status: SerialStatus | undefined): OcspCertStatus {
  if (!status) return { status: "unknown" };
  if (!status.revokedAt) return { status: "good" };
  return {
    status: "revoked",
    revokedAt: status.revokedAt,
    ...(status.reason ? { reason: status.reason } : {}),
  };
}

function etagOf(der: Uint8Array): string {
  return `"${createHash("sha1").update(der).digest("hex")}"`;
}

/**
 * The OCSP responder (RFC 6960) with RFC 5019 pre-signed responses. A request with one CertID
 * and no nonce is answered from a per-node memory cache, else from the `ocsp_responses` table
 * (so every node serves the same bytes and ETag), else signed once and stored. A revocation
 * bumps the CA's status version and deletes the serial's stored rows in its transaction; nodes
 * notice the new version within `statusPollMs`.
 */
export function createOcspService(deps: OcspServiceDeps) {
  const { db, clock } = deps;
  const statusPollMs = deps.statusPollMs ?? 1_000;
  const maxCached = deps.maxCachedResponses ?? 200_000;
  const contexts = new Map<string, Promise<CaContext | null>>();
  const cache = new Map<string, CachedResponse>();
  // Statuses for the requests that are signed afresh (nonce, several CertIDs): the same
  // versioning as the pre-signed responses, so a revocation reaches both alike.
  const statusCache = new Map<string, CachedStatus>();

  async function loadContext(caId: string): Promise<CaContext | null> {
    // The version is read before anything it guards, so a change racing this load is noticed.
    const statusVersion = await repo.findStatusVersion(db, caId);
    const found = await repo.findCa(db, caId);
    if (!found || found.keyRef === null || found.certificateDer === null) return null;
    const ca = requirePublishingCa(found, caId);
    const record = await deps.responders.ensure(ca);
    const signer = await deps.signers.signerFor(record.keyRef);
    return {
      caId,
      hashes: computeIssuerHashes(ca.certificateDer),
      responder: createOcspResponder({ signer, delegatedCertificate: record.certificateDer }),
      responderKeyRef: record.keyRef,
      responderNotAfter: record.notAfter.getTime(),
      statusVersion,
      validityMs: ca.settings.ocspValidityHours * 3_600_000,
      checkedAt: clock.now().getTime(),
    };
  }

  /** Whether a loaded context may keep serving: same responder, rotation not yet due. */
  async function stillCurrent(context: CaContext, now: number): Promise<boolean> {
    if (now >= context.responderNotAfter - ROTATION_MARGIN_MS) return false;
    const responder = await repo.findResponder(db, context.caId);
    if (responder?.keyRef !== context.responderKeyRef) return false;
    context.statusVersion = await repo.findStatusVersion(db, context.caId);
    context.checkedAt = now;
    return true;
  }

  async function contextOf(caId: string): Promise<CaContext | null> {
    const now = clock.now().getTime();
    const context = await contexts.get(caId);
    if (context && (now - context.checkedAt < statusPollMs || (await stillCurrent(context, now)))) {
      return context;
    }
    const loading = loadContext(caId);
    contexts.set(caId, loading);
    // An unknown CA is not remembered: it may be created a moment later.
    loading.then(
      (loaded) => loaded === null && contexts.delete(caId),
      () => contexts.delete(caId),
    );
    return loading;
  }

  function remember<T>(map: Map<string, T>, key: string, entry: T): void {
    if (map.size >= maxCached) {
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
    map.set(key, entry);
  }

  /**
   * The statuses of canonical serials of this CA: from memory while the CA's status version is
   * the one they were read at (a revocation or unhold bumps it), else one indexed query for all
   * the others. Reading the version before the rows means a racing change is never missed.
   */
  async function statusesOf(
    context: CaContext,
    serials: readonly string[],
  ): Promise<Map<string, SerialStatus | undefined>> {
    const out = new Map<string, SerialStatus | undefined>();
    const now = clock.now().getTime();
    const missing: string[] = [];
    for (const serial of serials) {
      const hit = statusCache.get(`${context.caId}\0${serial}`);
      if (
        hit &&
        hit.statusVersion === context.statusVersion &&
        (hit.status !== undefined || now < hit.unknownUntil)
      ) {
        out.set(serial, hit.status);
      } else if (!out.has(serial)) {
        missing.push(serial);
      }
    }
    if (missing.length === 0) return out;
    const version = context.statusVersion;
    const rows = await repo.findSerialStatuses(db, context.caId, missing.flatMap(serialSpellings));
    for (const serial of missing) {
      const status = serialSpellings(serial)
        .map((spelling) => rows.get(spelling))
        .find(Boolean);
      out.set(serial, status);
      remember(statusCache, `${context.caId}\0${serial}`, {
        status,
        statusVersion: version,
        unknownUntil: now + UNKNOWN_TTL_MS,
      });
    }
    return out;
  }

  async function sign(
    context: CaContext,
    responses: OcspSingleResponseInput[],
    nonce?: Uint8Array,
  ) {
    return context.responder.respond({
      producedAt: clock.now(),
      responses,
      ...(nonce ? { nonceExtnValue: nonce } : {}),
    });
  }

  /** The stored response for a CertID when it still tells the truth and is not due. */
  async function adoptStored(
    context: CaContext,
    hashAlgorithm: CertId["hashAlgorithm"],
    serial: string,
    stamp: string,
    now: Date,
    /** The CA's status version read before the status itself (see `answerCacheable`). */
    version: number,
  ): Promise<CachedResponse | undefined> {
    const stored = await repo.findStoredResponse(db, context.caId, hashAlgorithm, serial);
    if (
      !stored ||
      stored.statusStamp !== stamp ||
      stored.responderKeyRef !== context.responderKeyRef ||
      now.getTime() >= halfLife(stored.thisUpdate, stored.nextUpdate)
    ) {
      return undefined;
    }
    return {
      der: stored.der,
      etag: stored.etag,
      thisUpdate: stored.thisUpdate,
      nextUpdate: stored.nextUpdate,
      refreshAt: new Date(halfLife(stored.thisUpdate, stored.nextUpdate)),
      statusVersion: version,
      responderKeyRef: stored.responderKeyRef,
    };
  }

  /** The RFC 5019 path: one CertID, no nonce. */
  async function answerCacheable(context: CaContext, certId: CertId): Promise<OcspAnswer> {
    const serial = canonicalSerial(certId.serialNumber) ?? certId.serialNumber;
    const key = `${context.caId}\0${certId.hashAlgorithm}\0${serial}`;
    const now = clock.now();
    const hit = cache.get(key);
    if (
      hit &&
      hit.statusVersion === context.statusVersion &&
      hit.responderKeyRef === context.responderKeyRef &&
      now < hit.refreshAt
    ) {
      return { kind: "cacheable", ...hit };
    }
    const version = context.statusVersion;
    const isOurs = certIdMatchesIssuer(certId, context.hashes);
    const status = isOurs ? (await statusesOf(context, [serial])).get(serial) : undefined;
    const stamp = stampOf(status);

    let entry =
      status && (await adoptStored(context, certId.hashAlgorithm, serial, stamp, now, version));
    if (!entry) {
      const thisUpdate = now;
      const nextUpdate = new Date(now.getTime() + context.validityMs);
      // A canonical CertID, so the stored response answers any client's spelling of it.
      const responseCertId = isOurs
        ? encodeCertId(certId.hashAlgorithm, context.hashes, serial)
        : certId;
      const der = await sign(context, [
        { certId: responseCertId, certStatus: certStatusOf(status), thisUpdate, nextUpdate },
      ]);
      const etag = etagOf(der);
      const refreshAt = new Date(
        status ? halfLife(thisUpdate, nextUpdate) : now.getTime() + UNKNOWN_TTL_MS,
      );
      entry = {
        der,
        etag,
        thisUpdate,
        nextUpdate,
        refreshAt,
        statusVersion: version,
        responderKeyRef: context.responderKeyRef,
      };
      if (status) {
        const row = {
          caId: context.caId,
          hashAlgorithm: certId.hashAlgorithm,
          serialNumber: serial,
          statusStamp: stamp,
          responderKeyRef: context.responderKeyRef,
          der,
          etag,
          thisUpdate,
          nextUpdate,
        };
        // Another node may have stored one first: serve that one, so all nodes agree (ETag).
        if (!(await repo.storeResponse(db, row, false))) {
          const adopted = await adoptStored(
            context,
            certId.hashAlgorithm,
            serial,
            stamp,
            now,
            version,
          );
          if (adopted) entry = adopted;
          else await repo.storeResponse(db, row, true);
        }
      }
    }
    remember(cache, key, entry);
    return { kind: "cacheable", ...entry };
  }

  /** Nonce or several CertIDs: one fresh signature over every status. */
  async function answerUnique(
    context: CaContext,
    certIds: CertId[],
    nonce: Uint8Array | undefined,
  ): Promise<OcspAnswer> {
    const serials = certIds.map((id) =>
      certIdMatchesIssuer(id, context.hashes) ? canonicalSerial(id.serialNumber) : undefined,
    );
    const statuses = await statusesOf(
      context,
      serials.filter((serial) => serial !== undefined),
    );
    const now = clock.now();
    const nextUpdate = new Date(now.getTime() + context.validityMs);
    const responses = certIds.map((certId, i) => {
      const serial = serials[i];
      const status = serial === undefined ? undefined : statuses.get(serial);
      return { certId, certStatus: certStatusOf(status), thisUpdate: now, nextUpdate };
    });
    return { kind: "unique", der: await sign(context, responses, nonce) };
  }

  /** Answers one OCSP request (DER) for a CA; never throws for anything the client sent. */
  async function answer(caId: string, requestDer: Uint8Array): Promise<OcspAnswer> {
    let request;
    try {
      request = parseOcspRequest(requestDer);
    } catch (error) {
      if (!isRevocationError(error)) throw error;
      return {
        kind: "error",
        status: "malformedRequest",
        der: ocspErrorResponse("malformedRequest"),
      };
    }
    // RFC 5019 §2.2.3: a responder that is not authoritative for the CA says "unauthorized".
    const context = CA_ID.test(caId) ? await contextOf(caId) : null;
    if (!context) {
      return { kind: "error", status: "unauthorized", der: ocspErrorResponse("unauthorized") };
    }
    const certIds = request.requests.map((r) => r.certId);
    if (certIds.length === 1 && !request.nonce) return answerCacheable(context, certIds[0]!);
    return answerUnique(context, certIds, request.nonce?.extnValue);
  }

  /** Called after a local revocation: this node stops trusting its copy of the CA at once. */
  function forgetStatus(caId: string): void {
    const pending = contexts.get(caId);
    if (!pending) return;
    void pending.then(
      (context) => {
        if (context) context.checkedAt = 0;
      },
      () => undefined,
    );
  }

  return { answer, forgetStatus };
}

function halfLife(thisUpdate: Date, nextUpdate: Date): number {
  return (thisUpdate.getTime() + nextUpdate.getTime()) / 2;
}

export type OcspService = ReturnType<typeof createOcspService>;
