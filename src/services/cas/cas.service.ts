import type { KeyStoreRegistry } from "../../keys/key-store-registry.js";
import type { Clock } from "../../lib/clock.js";
import { PAGE_LIMIT_DEFAULT, type Page, type PageRequest } from "../../lib/cursor.js";
import { conflict, notFound } from "../../lib/errors.js";
import { isUniqueViolation, type Db } from "../../store/db.js";
import type { Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";

import { createCaCreation } from "./ca-create.js";
import { caFile, type CaDownloadFormat, type CaFile } from "./ca-download.fns.js";
import { createCaImport } from "./ca-import.js";
import { createIssuingCaLoader } from "./ca-issuer.js";
import { caUrls } from "./ca-urls.fns.js";
import * as repo from "./cas.repo.js";
import type { Ca, CaUrls, UpdateCaInput } from "./cas.types.js";

export interface CasServiceDeps {
  db: Db;
  clock: Clock;
  keys: Pick<KeyStoreRegistry, "get" | "forKeyRef" | "defaultBackend">;
  audit: Pick<AuditService, "record" | "recordFailure">;
  /** `--public-url`: the base of the CRL, OCSP and CA certificate URLs put into certificates. */
  publicUrl: string;
}

/**
 * Certificate authorities of a project (issue 4 §3): create, import, complete, list, enable and
 * disable, and `loadIssuingCa` for every service that signs with a CA (issuance, revocation,
 * Cisco CAPF, signing credentials).
 */
export function createCasService(deps: CasServiceDeps) {
  const { db, clock, audit } = deps;
  const { loadIssuingCa } = createIssuingCaLoader(deps);
  const { createCa } = createCaCreation({
    ...deps,
    loadIssuingCa: (caId, options) => loadIssuingCa(caId, options),
  });
  const { importCa, uploadCaCertificate } = createCaImport(deps);

  async function getCa(_actor: Actor, projectId: string, caId: string): Promise<Ca> {
    const ca = await repo.findCa(db, projectId, caId);
    if (!ca) throw notFound("CA", caId);
    return ca;
  }

  async function listCas(_actor: Actor, projectId: string, page: PageRequest): Promise<Page<Ca>> {
    return repo.listCas(db, projectId, page.limit ?? PAGE_LIMIT_DEFAULT, page.cursor);
  }

  /** Renames, disables or re-enables a CA. A disabled CA issues nothing but keeps its CRL/OCSP. */
  async function updateCa(
    actor: Actor,
    projectId: string,
    caId: string,
    input: UpdateCaInput,
  ): Promise<Ca> {
    const spec = {
      action:
        input.status === undefined
          ? "ca.update"
          : input.status === "disabled"
            ? "ca.disable"
            : "ca.enable",
      targetType: "ca",
      targetId: caId,
      projectId,
      details: {
        ...(input.name ? { name: input.name } : {}),
        ...(input.status ? { status: input.status } : {}),
      },
    };
    try {
      return await audit.record(actor, spec, async (trx) => {
        const ca = await repo.findCa(trx, projectId, caId);
        if (!ca) throw notFound("CA", caId);
        if (input.status !== undefined && ca.status === "pending_certificate") {
          throw conflict(`CA "${ca.name}" is waiting for its certificate; upload it first.`, [
            { rule: "ca_status", status: ca.status },
          ]);
        }
        const updatedAt = clock.now();
        const changes = {
          ...(input.name === undefined ? {} : { name: input.name }),
          ...(input.status === undefined ? {} : { status: input.status }),
        };
        await repo.updateCa(trx, ca.id, { ...changes, updatedAt });
        return { ...ca, ...changes, updatedAt };
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw conflict(`A CA named "${input.name}" already exists in this project.`, [
          { field: "name" },
        ]);
      }
      throw error;
    }
  }

  /** A CA's certificate, chain or pending CSR as a downloadable file. */
  async function downloadCa(
    actor: Actor,
    projectId: string,
    caId: string,
    format: CaDownloadFormat,
  ): Promise<CaFile> {
    return caFile(await getCa(actor, projectId, caId), format);
  }

  function urlsOf(caId: string): CaUrls {
    return caUrls(deps.publicUrl, caId);
  }

  return {
    createCa,
    importCa,
    uploadCaCertificate,
    getCa,
    listCas,
    updateCa,
    downloadCa,
    loadIssuingCa,
    urlsOf,
  };
}

export type CasService = ReturnType<typeof createCasService>;
