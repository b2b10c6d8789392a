import type { KeyStoreRegistry } from "../../keys/key-store-registry.js";
import { canImport } from "../../keys/key-store.js";
import type { Clock } from "../../lib/clock.js";
import { AppError, notFound, validationFailed } from "../../lib/errors.js";
import { parseCertificate } from "../../pki/certificate-info.js";
import { issuerFromCertificate } from "../../pki/certificate-issuer.js";
import type { Signer } from "../../pki/signer.js";
import type { Db } from "../../store/db.js";
import type { Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";
import type { CasService } from "../cas/cas.service.js";

import { asAppError } from "./cisco-input.fns.js";
import type { CiscoSettings, SignerInfo, SignerPurpose } from "./cisco.types.js";
import { checkPemSigner, type PemSignerInput } from "./signer-key.fns.js";
import * as repo from "./signers.repo.js";

export interface SignersServiceDeps {
  db: Db;
  clock: Clock;
  keys: KeyStoreRegistry;
  audit: Pick<AuditService, "record">;
  cas: Pick<CasService, "getCa">;
}

/** U2's default LSC lifetime (spec §5.6), allowed 1–3560 days. */
export const DEFAULT_LSC_VALIDITY_DAYS = 365;

export interface ProjectSigner {
  signer: Signer;
  certificateDer: Uint8Array;
  /** When this signer was set: a new signer means new signed files. */
  createdAt: Date;
}

const PURPOSE_WORDS: Record<SignerPurpose, string> = {
  sast: "SAST signer (signs ITL files)",
  tftp: "TFTP signer (signs .sgn and .enc.sgn files)",
  capf_issuer: "CAPF issuer (signs LSCs)",
};

function infoOf(record: repo.SignerRecord): SignerInfo {
  const certificate = parseCertificate(record.certificateDer);
  return {
    purpose: record.purpose,
    certificateDer: record.certificateDer,
    subject: certificate.subject.text,
    serialNumber: certificate.serialNumberHex,
    notValidAfter: certificate.notAfter,
    createdAt: record.createdAt,
  };
}

/**
 * The project's signing certificates (spec §2.3 SAST, §3.1 TFTP, §5.6 CAPF issuer). Their keys
 * go into key custody on upload; only the opaque key ref is stored here.
 */
export function createSignersService(deps: SignersServiceDeps) {
  const { db, clock, keys, audit } = deps;

  async function setSigner(
    actor: Actor,
    projectId: string,
    purpose: SignerPurpose,
    input: PemSignerInput,
  ): Promise<SignerInfo> {
    const checked = checkPemSigner(input, "signer");
    const { certificate } = checked;
    if (purpose !== "capf_issuer" && certificate.publicKey.algorithm !== "RSA") {
      // Spec §2.3 and §3.1: phones verify ITL and .sgn signatures with RSA only.
      throw validationFailed(`The ${PURPOSE_WORDS[purpose]} must be an RSA certificate.`, [
        { field: "certificate_pem" },
      ]);
    }
    if (purpose === "capf_issuer") {
      try {
        issuerFromCertificate(certificate.der, checked.signer);
      } catch (error) {
        throw asAppError(error);
      }
    }
    const store = keys.get(keys.defaultBackend);
    if (!canImport(store)) {
      throw new AppError("unprocessable", {
        message: `The ${store.backend} key backend cannot import keys; use the software backend for Cisco signers.`,
      });
    }
    const pkcs8 = checked.privateKey.export({ type: "pkcs8", format: "der" });
    const key = await store.importPrivateKey(new Uint8Array(pkcs8), {
      label: `cisco ${purpose} ${projectId}`,
    });
    pkcs8.fill(0);
    const spec = {
      action: "cisco_signer.set",
      targetType: "cisco_signer",
      targetId: purpose,
      projectId,
      details: { subject: certificate.subject.text, serial_number: certificate.serialNumberHex },
    };
    let previous: repo.SignerRecord | undefined;
    const record: repo.SignerRecord = {
      projectId,
      purpose,
      certificateDer: certificate.der,
      keyRef: key.keyRef,
      createdAt: clock.now(),
    };
    try {
      await audit.record(actor, spec, async (trx) => {
        previous = await repo.findSigner(trx, projectId, purpose);
        await repo.putSigner(trx, record);
      });
    } catch (error) {
      await store.destroy(key.keyRef);
      throw error;
    }
    // The old key is destroyed only once nothing refers to it any more.
    if (previous) await keys.forKeyRef(previous.keyRef).destroy(previous.keyRef);
    return infoOf(record);
  }

  async function removeSigner(actor: Actor, projectId: string, purpose: SignerPurpose) {
    const spec = {
      action: "cisco_signer.delete",
      targetType: "cisco_signer",
      targetId: purpose,
      projectId,
    };
    let previous: repo.SignerRecord | undefined;
    await audit.record(actor, spec, async (trx) => {
      previous = await repo.findSigner(trx, projectId, purpose);
      if (!previous) throw notFound("signer", purpose);
      await repo.removeSigner(trx, projectId, purpose);
    });
    if (previous) await keys.forKeyRef(previous.keyRef).destroy(previous.keyRef);
  }

  async function listSigners(_actor: Actor, projectId: string): Promise<SignerInfo[]> {
    return (await repo.listSigners(db, projectId)).map(infoOf);
  }

  /** The signer of `purpose`, or null when the project has none. */
  async function projectSigner(
    projectId: string,
    purpose: SignerPurpose,
  ): Promise<ProjectSigner | null> {
    const record = await repo.findSigner(db, projectId, purpose);
    if (!record) return null;
    const signer = await keys.forKeyRef(record.keyRef).signer(record.keyRef);
    return { signer, certificateDer: record.certificateDer, createdAt: record.createdAt };
  }

  /** Like `projectSigner`, but a 404 naming what to configure when it is missing. */
  async function requireSigner(projectId: string, purpose: SignerPurpose): Promise<ProjectSigner> {
    const found = await projectSigner(projectId, purpose);
    if (!found) {
      throw notFound(
        `${PURPOSE_WORDS[purpose]}; configure one with PUT /api/v1/projects/${projectId}/cisco/signers/${purpose}`,
      );
    }
    return found;
  }

  async function getSettings(_actor: Actor | null, projectId: string): Promise<CiscoSettings> {
    return (
      (await repo.findSettings(db, projectId)) ?? {
        projectId,
        capfIssuerCaId: null,
        lscValidityDays: DEFAULT_LSC_VALIDITY_DAYS,
      }
    );
  }

  async function updateSettings(
    actor: Actor,
    projectId: string,
    input: { lscValidityDays?: number | undefined; capfIssuerCaId?: string | null | undefined },
  ): Promise<CiscoSettings> {
    const spec = {
      action: "cisco_settings.update",
      targetType: "cisco_settings",
      targetId: projectId,
      projectId,
      details: {
        lsc_validity_days: input.lscValidityDays,
        capf_issuer_ca_id: input.capfIssuerCaId,
      },
    };
    if (
      input.lscValidityDays !== undefined &&
      (input.lscValidityDays < 1 || input.lscValidityDays > 3560)
    ) {
      throw validationFailed("lsc_validity_days is 1 to 3560 (spec §5.6).", [
        { field: "lsc_validity_days" },
      ]);
    }
    if (input.capfIssuerCaId) {
      // The CA must be this project's, active and able to sign (checked again at issuance).
      const ca = await deps.cas.getCa(actor, projectId, input.capfIssuerCaId);
      if (!ca.certificateDer) {
        throw validationFailed(`CA "${ca.id}" has no certificate yet.`, [
          { field: "capf_issuer_ca_id" },
        ]);
      }
    }
    return audit.record(actor, spec, async (trx) => {
      const current = (await repo.findSettings(trx, projectId)) ?? {
        projectId,
        capfIssuerCaId: null,
        lscValidityDays: DEFAULT_LSC_VALIDITY_DAYS,
      };
      const next: CiscoSettings = {
        projectId,
        capfIssuerCaId:
          input.capfIssuerCaId === undefined ? current.capfIssuerCaId : input.capfIssuerCaId,
        lscValidityDays: input.lscValidityDays ?? current.lscValidityDays,
      };
      await repo.putSettings(trx, next, clock.now());
      return next;
    });
  }

  return {
    setSigner,
    removeSigner,
    listSigners,
    projectSigner,
    requireSigner,
    getSettings,
    updateSettings,
  };
}

export type SignersService = ReturnType<typeof createSignersService>;
