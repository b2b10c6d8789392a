import type { Clock } from "../../lib/clock.js";
import { PAGE_LIMIT_DEFAULT, type Page, type PageRequest } from "../../lib/cursor.js";
import { conflict, notFound, validationFailed } from "../../lib/errors.js";
import { tvsCertificateFingerprint, TVS_MAX_TTL_SECONDS } from "../../pki/cisco-wire/index.js";
import { isUniqueViolation, type Db } from "../../store/db.js";
import type { Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";

import { singleCertificate, trustRoles } from "./cisco-input.fns.js";
import type { AddTrustEntryInput, TrustEntry } from "./cisco.types.js";
import * as repo from "./trust.repo.js";

export interface TrustServiceDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, "record">;
}

/** U2's default answer lifetime (spec §6). */
export const DEFAULT_TRUST_TTL_SECONDS = 86_400;
/** Spec §6: a fingerprint is lowercase hex SHA-256; a unique prefix of 8+ digits also finds one. */
const FINGERPRINT = /^[0-9a-f]{64}$/;

function normalizeFingerprint(value: string): string {
  const fingerprint = value.trim().toLowerCase().replaceAll(":", "");
  if (!FINGERPRINT.test(fingerprint)) {
    throw validationFailed(
      `"${value}" is not a certificate fingerprint: use the 64 hex digits of its SHA-256.`,
      [{ field: "fingerprint" }],
    );
  }
  return fingerprint;
}

/** The TVS trust list (spec §6): certificates the TVS vouches for, with roles and TTL. */
export function createTrustService(deps: TrustServiceDeps) {
  const { db, clock, audit } = deps;

  async function addEntry(
    actor: Actor,
    projectId: string,
    input: AddTrustEntryInput,
  ): Promise<TrustEntry> {
    const certificate = singleCertificate(input.certificate, "certificate");
    const roles = trustRoles(input.roles);
    const ttlSeconds = input.ttlSeconds ?? DEFAULT_TRUST_TTL_SECONDS;
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > TVS_MAX_TTL_SECONDS) {
      throw validationFailed(`ttl_seconds is 1 to ${TVS_MAX_TTL_SECONDS} (spec §6).`, [
        { field: "ttl_seconds" },
      ]);
    }
    const entry: TrustEntry = {
      projectId,
      fingerprint: tvsCertificateFingerprint(certificate.der),
      certificateDer: certificate.der,
      subject: certificate.subject.text,
      roles,
      ttlSeconds,
      description: (input.description ?? "").slice(0, 1000),
      createdAt: clock.now(),
    };
    const spec = {
      action: "cisco_trust_entry.create",
      targetType: "cisco_trust_entry",
      targetId: entry.fingerprint,
      projectId,
      details: { subject: entry.subject, roles, ttl_seconds: ttlSeconds },
    };
    return audit.record(actor, spec, async (trx) => {
      try {
        await repo.insertTrustEntry(trx, entry);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw conflict(`The certificate "${entry.subject}" is already in the trust list.`, [
            { field: "certificate", fingerprint: entry.fingerprint },
          ]);
        }
        throw error;
      }
      return entry;
    });
  }

  async function getEntry(_actor: Actor, projectId: string, fingerprint: string) {
    const key = normalizeFingerprint(fingerprint);
    const entry = await repo.findTrustEntry(db, projectId, key);
    if (!entry) throw notFound("trust list entry", key);
    return entry;
  }

  function listEntries(
    _actor: Actor,
    projectId: string,
    page: PageRequest,
  ): Promise<Page<TrustEntry>> {
    return repo.listTrustEntries(db, projectId, page.limit ?? PAGE_LIMIT_DEFAULT, page.cursor);
  }

  async function listEntriesByOffset(
    _actor: Actor,
    projectId: string,
    limit: number,
    offset: number,
  ): Promise<{ items: TrustEntry[]; total: number }> {
    const items = await repo.listTrustEntriesByOffset(db, projectId, limit, offset);
    return { items, total: await repo.countTrustEntries(db, projectId) };
  }

  async function deleteEntry(actor: Actor, projectId: string, fingerprint: string): Promise<void> {
    const key = normalizeFingerprint(fingerprint);
    const spec = {
      action: "cisco_trust_entry.delete",
      targetType: "cisco_trust_entry",
      targetId: key,
      projectId,
    };
    await audit.record(actor, spec, async (trx) => {
      if (!(await repo.deleteTrustEntry(trx, projectId, key))) {
        throw notFound("trust list entry", key);
      }
    });
  }

  /** What the TVS answers for a certificate (spec §6): its entry, or null (invalid). */
  function lookup(projectId: string, certificateDer: Uint8Array): Promise<TrustEntry | undefined> {
    return repo.findTrustEntry(db, projectId, tvsCertificateFingerprint(certificateDer));
  }

  function countEntries(projectId: string): Promise<number> {
    return repo.countTrustEntries(db, projectId);
  }

  function allEntries(projectId: string): Promise<TrustEntry[]> {
    return repo.allTrustEntries(db, projectId);
  }

  return {
    addEntry,
    getEntry,
    listEntries,
    listEntriesByOffset,
    deleteEntry,
    lookup,
    countEntries,
    allEntries,
  };
}

export type TrustService = ReturnType<typeof createTrustService>;
