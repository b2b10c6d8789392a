/**
 * Import of existing certificates into the inventory (issue 4 §5): parse every upload first
 * (nothing is written when one is bad), bring uploaded private keys under custody (slow, so
 * outside the transaction), then insert in one short audited transaction.
 */

import { KeyStoreError } from "../../keys/errors.js";
import type { KeyStoreRegistry } from "../../keys/key-store-registry.js";
import { canImport } from "../../keys/key-store.js";
import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { isSignedBy, parseCertificate, type CertificateInfo } from "../../pki/certificate-info.js";
import { isPkiError, toAppError } from "../../pki/errors.js";
import { encodePemChain } from "../../pki/pem.js";
import type { Db } from "../../store/db.js";
import type { Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";
import { recordFieldsOf } from "../issuance/certificate-record.fns.js";
import { insertCertificate } from "../issuance/certificate-rows.repo.js";
import type { ProjectsService } from "../projects/projects.service.js";

import { parseImportSource, type ImportCandidate, type ImportSource } from "./import.fns.js";
import * as repo from "./inventory.repo.js";
import type { InventoryCertificate } from "./inventory.types.js";

export interface ImportDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, "record">;
  keys: Pick<KeyStoreRegistry, "has" | "get" | "forKeyRef">;
  projects: Pick<ProjectsService, "getProject">;
}

export interface ImportResult {
  /** The certificates created, in upload order. */
  imported: InventoryCertificate[];
  /** Certificates that were already in the project's inventory (same SHA-256 fingerprint). */
  existing: { id: string; fingerprintSha256: string }[];
}

/** Upload entries per request; the body limit bounds the bytes. */
export const MAX_IMPORT_SOURCES = 100;

function parseAll(sources: readonly ImportSource[]): ImportCandidate[] {
  const candidates: ImportCandidate[] = [];
  sources.forEach((source, index) => {
    try {
      candidates.push(...parseImportSource(source));
    } catch (error) {
      if (!isPkiError(error)) throw error;
      const appError = toAppError(error);
      throw new AppError(appError.code, {
        message: `Item ${index}: ${error.message}.`,
        details: [{ index, reason: error.code }, ...error.details],
        cause: error,
      });
    }
  });
  return candidates;
}

interface Linked {
  candidate: ImportCandidate;
  caId: string | null;
  chainPem: string;
}

/** Links a certificate to the project's CA that signed it, and takes that CA's chain. */
async function linkIssuer(db: Db, projectId: string, candidate: ImportCandidate): Promise<Linked> {
  const { certificate, chain } = candidate;
  const ownChain = encodePemChain(
    "CERTIFICATE",
    chain.map((c) => c.der),
  );
  const keyId = certificate.authorityKeyIdentifier;
  if (keyId === null || certificate.isSelfIssued) {
    return { candidate, caId: null, chainPem: ownChain };
  }
  for (const ca of await repo.findCaByKeyId(db, projectId, keyId)) {
    const caInfo: CertificateInfo = parseCertificate(ca.certificateDer);
    if (isSignedBy(certificate, caInfo)) {
      const caChain = encodePemChain("CERTIFICATE", [ca.certificateDer]) + ca.chainPem;
      return { candidate, caId: ca.id, chainPem: chain.length > 0 ? ownChain : caChain };
    }
  }
  return { candidate, caId: null, chainPem: ownChain };
}

function keyError(error: KeyStoreError): AppError {
  if (error.code === "invalid_key" || error.code === "unsupported") {
    return new AppError("validation_failed", {
      message: `The private key cannot be kept: ${error.message}. Import the certificate without it.`,
      details: [{ field: "private_key", reason: error.code }],
      cause: error,
    });
  }
  return new AppError("service_unavailable", {
    message: "Key custody is unavailable; try again later.",
    cause: error,
  });
}

export function createImport(deps: ImportDeps) {
  const { db, clock, audit, keys } = deps;

  /** Uploaded keys go to the software backend, exportable: their owner already holds them. */
  async function takeCustody(pkcs8: Uint8Array, label: string): Promise<string> {
    const store = keys.has("software") ? keys.get("software") : null;
    if (!store || !canImport(store)) {
      throw new AppError("unprocessable", {
        message: "This server cannot keep imported private keys; import the certificate alone.",
        details: [{ field: "private_key" }],
      });
    }
    try {
      return (await store.importPrivateKey(pkcs8, { label, isExportable: true })).keyRef;
    } catch (error) {
      if (error instanceof KeyStoreError) throw keyError(error);
      throw error;
    }
  }

  async function releaseKeys(keyRefs: Iterable<string>): Promise<void> {
    for (const keyRef of keyRefs) {
      await keys
        .forKeyRef(keyRef)
        .destroy(keyRef)
        .catch(() => undefined);
    }
  }

  async function importCertificates(
    actor: Actor,
    projectId: string,
    sources: readonly ImportSource[],
  ): Promise<ImportResult> {
    const spec = {
      action: "certificate.import",
      targetType: "certificate",
      projectId,
      details: { sources: sources.map((s) => s.kind) },
    };
    await deps.projects.getProject(actor, projectId);
    const candidates = parseAll(sources);
    const known = await repo.findIdsByFingerprint(
      db,
      projectId,
      candidates.map((c) => c.certificate.fingerprintSha256),
    );
    const fresh = candidates.filter((c) => !known.has(c.certificate.fingerprintSha256));
    const linked = await Promise.all(fresh.map((c) => linkIssuer(db, projectId, c)));

    const keyRefs = new Map<ImportCandidate, string>();
    const kept = new Set<ImportCandidate>();
    try {
      for (const { candidate } of linked) {
        if (candidate.privateKey) {
          const label = candidate.certificate.commonName ?? "imported";
          keyRefs.set(candidate, await takeCustody(candidate.privateKey, label));
        }
      }
      const result = await audit.record(
        actor,
        spec,
        async (trx) => {
          // Another import may have landed the same certificate meanwhile.
          const landed = await repo.findIdsByFingerprint(
            trx,
            projectId,
            linked.map((l) => l.candidate.certificate.fingerprintSha256),
          );
          const importedIds: string[] = [];
          const inserted = new Set<string>();
          const now = clock.now();
          for (const { candidate, caId, chainPem } of linked) {
            const fingerprint = candidate.certificate.fingerprintSha256;
            if (landed.has(fingerprint) || inserted.has(fingerprint)) continue;
            inserted.add(fingerprint);
            const id = newId("cert");
            const keyRef = keyRefs.get(candidate) ?? null;
            await insertCertificate(trx, {
              ...recordFieldsOf(candidate.certificate),
              id,
              projectId,
              caId,
              profileId: null,
              issuerType: "imported",
              status: "active",
              chainPem,
              keyRef,
              isKeyDownloadable: keyRef !== null,
              predecessorId: null,
              createdBy: actor.id,
              createdAt: now,
            });
            if (keyRef) kept.add(candidate);
            importedIds.push(id);
          }
          const existing = [...known, ...landed].map(([fingerprintSha256, id]) => ({
            id,
            fingerprintSha256,
          }));
          return {
            imported: await repo.findCertificatesByIds(trx, projectId, importedIds, now),
            existing,
          };
        },
        (r) => ({
          targetId: r.imported.length === 1 ? r.imported[0]!.id : null,
          details: {
            imported_ids: r.imported.map((c) => c.id),
            existing_ids: r.existing.map((e) => e.id),
          },
        }),
      );
      for (const candidate of kept) keyRefs.delete(candidate);
      return result;
    } finally {
      // Keys of certificates that were not stored (a failure, or a concurrent duplicate).
      await releaseKeys(keyRefs.values());
    }
  }

  return { importCertificates };
}
