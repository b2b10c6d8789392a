import { KeyStoreError } from "../../keys/errors.js";
import type { KeyStoreRegistry } from "../../keys/key-store-registry.js";
import { canExport } from "../../keys/key-store.js";
import type { Clock } from "../../lib/clock.js";
import { PAGE_LIMIT_DEFAULT } from "../../lib/cursor.js";
import { AppError, notFound, validationFailed } from "../../lib/errors.js";
import {
  parseCertificate,
  parseCertificates,
  type CertificateInfo,
} from "../../pki/certificate-info.js";
import type { Db } from "../../store/db.js";
import type { Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";
import type { IssuanceService } from "../issuance/issuance.service.js";
import type { ProjectsService } from "../projects/projects.service.js";

import {
  encodeBundle,
  encodePublic,
  fileStem,
  type BundleFormat,
  type DownloadFile,
  type DownloadMaterial,
  type PublicFormat,
} from "./download.fns.js";
import { createImport } from "./import.js";
import * as repo from "./inventory.repo.js";
import type {
  CertificateListRequest,
  CertificatePage,
  InventoryCertificateDetail,
} from "./inventory.types.js";
import { createRenew } from "./renew.js";

export interface InventoryServiceDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, "record">;
  keys: Pick<KeyStoreRegistry, "has" | "get" | "forKeyRef">;
  /** An unknown project is a 404 (not an empty list, not a foreign-key failure). */
  projects: Pick<ProjectsService, "getProject">;
  /** Renewal issues the successor through the one issuance path. */
  issuance: Pick<IssuanceService, "issueCertificate">;
}

/** A certificate with what parsing its DER shows (KU/EKU, subject fields, CA flags…). */
export interface CertificateDetails {
  certificate: InventoryCertificateDetail;
  info: CertificateInfo;
  chain: CertificateInfo[];
}

export interface BundleRequest {
  format: BundleFormat;
  password?: string | undefined;
  /** Default: include the key when this certificate has a downloadable one. */
  includePrivateKey?: boolean | undefined;
}

/**
 * The certificate inventory (issue 4 §5–6): lists with the 004 filters and stable keyset
 * pagination under every sort, one certificate with its parsed details, downloads, import.
 * Issuance writes the rows it issues itself; this service reads all of them the same way.
 */
export function createInventoryService(deps: InventoryServiceDeps) {
  const { db, clock, audit, keys } = deps;
  const { importCertificates } = createImport(deps);
  const { renewCertificate } = createRenew(deps);

  async function listCertificates(
    actor: Actor,
    projectId: string,
    request: CertificateListRequest,
  ): Promise<CertificatePage> {
    await deps.projects.getProject(actor, projectId);
    const spec = repo.keysetFor(request.sort ?? "created_at", request.order ?? "desc");
    return repo.listCertificates(
      db,
      projectId,
      request.filter,
      spec,
      request.limit ?? PAGE_LIMIT_DEFAULT,
      request.cursor,
      clock.now(),
    );
  }

  async function findOrThrow(projectId: string, id: string): Promise<InventoryCertificateDetail> {
    const certificate = await repo.findCertificate(db, projectId, id, clock.now());
    if (!certificate) throw notFound("certificate", id);
    return certificate;
  }

  async function getCertificate(
    _actor: Actor,
    projectId: string,
    id: string,
  ): Promise<CertificateDetails> {
    const certificate = await findOrThrow(projectId, id);
    return {
      certificate,
      info: parseCertificate(certificate.certificateDer),
      chain: chainOf(certificate),
    };
  }

  function chainOf(certificate: InventoryCertificateDetail): CertificateInfo[] {
    return certificate.chainPem.trim() === "" ? [] : parseCertificates(certificate.chainPem);
  }

  function materialOf(certificate: InventoryCertificateDetail): DownloadMaterial {
    return {
      certificate: certificate.certificateDer,
      chain: chainOf(certificate).map((c) => c.der),
      stem: fileStem(certificate.commonName, certificate.id),
    };
  }

  async function downloadPublic(
    _actor: Actor,
    projectId: string,
    id: string,
    format: PublicFormat,
  ): Promise<DownloadFile> {
    return encodePublic(format, materialOf(await findOrThrow(projectId, id)));
  }

  async function exportKey(certificate: InventoryCertificateDetail): Promise<Uint8Array> {
    const keyRef = certificate.keyRef;
    const store = keyRef === null ? null : keys.forKeyRef(keyRef);
    if (keyRef === null || !certificate.isKeyDownloadable || !store || !canExport(store)) {
      throw new AppError("unprocessable", {
        message: `The private key of certificate "${certificate.id}" is not held here or may not be downloaded; ask for the file without it ("include_private_key": false).`,
        details: [{ field: "include_private_key", reason: "key_not_downloadable" }],
      });
    }
    try {
      return await store.exportPrivateKey(keyRef);
    } catch (error) {
      if (error instanceof KeyStoreError && error.code === "not_exportable") {
        throw new AppError("unprocessable", {
          message: `The private key of certificate "${certificate.id}" cannot leave its key store.`,
          details: [{ field: "include_private_key", reason: "not_exportable" }],
          cause: error,
        });
      }
      throw error;
    }
  }

  /**
   * p12, jks or zip. With the private key, the download is a mutation in the audit sense: it
   * is recorded (who took which key, never the password) before the bytes leave.
   */
  async function downloadBundle(
    actor: Actor,
    projectId: string,
    id: string,
    request: BundleRequest,
  ): Promise<DownloadFile> {
    const certificate = await findOrThrow(projectId, id);
    const withKey = request.includePrivateKey ?? certificate.isKeyDownloadable;
    const password = request.password ?? "";
    if (password === "" && (request.format !== "zip" || withKey)) {
      throw validationFailed(
        `A "password" is required for a ${request.format} download${withKey ? " holding a private key" : ""}.`,
        [{ field: "password", reason: "required" }],
      );
    }
    const material = materialOf(certificate);
    const build = (privateKey: Uint8Array | null) =>
      encodeBundle(request.format, { ...material, privateKey, password, now: clock.now() });
    if (!withKey) return build(null);
    const spec = {
      action: "certificate.download_key",
      targetType: "certificate",
      targetId: id,
      projectId,
      details: { format: request.format },
    };
    const privateKey = await exportKey(certificate);
    let file: DownloadFile;
    try {
      file = build(privateKey);
    } finally {
      privateKey.fill(0);
    }
    await audit.record(actor, spec, () => Promise.resolve());
    return file;
  }

  return {
    listCertificates,
    getCertificate,
    downloadPublic,
    downloadBundle,
    importCertificates,
    renewCertificate,
  };
}

export type InventoryService = ReturnType<typeof createInventoryService>;
