import type { Clock } from "../../lib/clock.js";
import { AppError, notFound } from "../../lib/errors.js";
import { buildCrl, type CrlEntry } from "../../pki/revocation/index.js";
import type { Db } from "../../store/db.js";

import * as repo from "./revocation.repo.js";
import type { RevocationCa, RevocationState } from "./revocation.types.js";
import type { SignerCache } from "./signer-cache.js";

export interface CrlPublisherDeps {
  db: Db;
  clock: Clock;
  signers: SignerCache;
}

export interface PublishedCrl {
  der: Uint8Array;
  crlNumber: number;
  thisUpdate: Date;
  nextUpdate: Date;
}

/** Clients with a slow clock still accept a fresh CRL (docs/revocation.md). */
const THIS_UPDATE_BACKDATE_MS = 5 * 60_000;
/** Revoked rows read per query while a CRL is built: bounds memory at any CRL size. */
const BATCH = 5_000;
/** Revocations that keep arriving while a CRL is signed make it build again, this many times. */
const MAX_ROUNDS = 5;

/** A CA that can sign a CRL: its own key and certificate are here. */
export function requirePublishingCa(ca: RevocationCa | undefined, caId: string) {
  if (!ca) throw notFound("CA", caId);
  if (ca.keyRef === null || ca.certificateDer === null) {
    throw new AppError("not_found", {
      message: `CA "${caId}" publishes no CRL or OCSP here: it has no key or no certificate yet.`,
      details: [{ resource: "CA", id: caId }],
    });
  }
  return { ...ca, keyRef: ca.keyRef, certificateDer: ca.certificateDer };
}

function isMissingOrExpired(state: RevocationState, now: Date): boolean {
  return !state.crlNextUpdate || state.crlNextUpdate.getTime() <= now.getTime();
}

/** Whether the stored CRL should be replaced: missing, stale, or past half its life. */
export function isCrlDue(state: RevocationState | undefined, now: Date): boolean {
  if (!state?.crlThisUpdate || !state.crlNextUpdate) return true;
  if (state.crlStatusVersion !== state.statusVersion) return true;
  const half = (state.crlThisUpdate.getTime() + state.crlNextUpdate.getTime()) / 2;
  return now.getTime() >= half;
}

/**
 * Full CRLs per CA (RFC 5280 §5). Building streams the revoked rows in batches and signs once,
 * outside any transaction; storing is optimistic on the CRL number, so any node may build and
 * the number still only grows.
 */
export function createCrlPublisher(deps: CrlPublisherDeps) {
  const { db, clock, signers } = deps;

  async function* entriesOf(caId: string): AsyncGenerator<CrlEntry> {
    let after: string | null = null;
    for (;;) {
      const batch = await repo.revokedBatch(db, caId, after, BATCH);
      for (const row of batch) {
        yield {
          serialNumber: row.serialNumber,
          revokedAt: row.revokedAt!,
          ...(row.reason ? { reason: row.reason } : {}),
          ...(row.invalidityDate ? { invalidityDate: row.invalidityDate } : {}),
        };
      }
      if (batch.length < BATCH) return;
      after = batch[batch.length - 1]!.id;
    }
  }

  /**
   * Builds and stores a new CRL when `isNeeded` says so of the freshly read state, and again while
   * revocations arrive during the build; returns the stored state. Deciding on a fresh read is
   * what stops two nodes that both saw "no CRL" from publishing two numbers for one content.
   */
  async function publish(
    caId: string,
    isNeeded: (state: RevocationState, now: Date) => boolean = isCrlDue,
  ): Promise<RevocationState> {
    const ca = requirePublishingCa(await repo.findCa(db, caId), caId);
    await repo.ensureState(db, caId, clock.now());
    let needed = isNeeded;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const before = (await repo.findState(db, caId))!;
      const now = clock.now();
      if (!needed(before, now)) return before;
      const thisUpdate = new Date(now.getTime() - THIS_UPDATE_BACKDATE_MS);
      const nextUpdate = new Date(now.getTime() + ca.settings.crlValidityHours * 3_600_000);
      const der = await buildCrl({
        issuerCertificate: ca.certificateDer,
        signer: await signers.signerFor(ca.keyRef),
        thisUpdate,
        nextUpdate,
        crlNumber: BigInt(before.crlNumber + 1),
        entries: entriesOf(caId),
      });
      await repo.saveCrl(
        db,
        caId,
        before.crlNumber,
        {
          number: before.crlNumber + 1,
          der,
          thisUpdate,
          nextUpdate,
          version: before.statusVersion,
        },
        clock.now(),
      );
      // Whether ours or another node's was stored, build again only for changes it misses.
      needed = (state) => !state.crlNextUpdate || state.crlStatusVersion < state.statusVersion;
    }
    return (await repo.findState(db, caId))!;
  }

  // The CRL each CA served last from this node. A CRL number names one content per CA (stores
  // are conditional on the previous number), so the small state read says whether the
  // megabytes of a large CRL must be read again.
  const served = new Map<string, PublishedCrl>();

  /** The current CRL, built on the spot when there is none yet or it has expired. */
  async function current(caId: string): Promise<PublishedCrl> {
    let state = await repo.findState(db, caId);
    if (!state || isMissingOrExpired(state, clock.now())) {
      state = await publish(caId, isMissingOrExpired);
    }
    const known = served.get(caId);
    if (known?.crlNumber === state.crlNumber && !isMissingOrExpired(state, clock.now())) {
      return known;
    }
    // Another node may have stored a newer one since: the row read here is the one served.
    const crl = await repo.findCrl(db, caId);
    if (!crl) {
      throw new AppError("service_unavailable", { message: "The CRL is being built; retry." });
    }
    served.set(caId, crl);
    return crl;
  }

  return { publish, current };
}

export type CrlPublisher = ReturnType<typeof createCrlPublisher>;
