import type { Clock } from "../../lib/clock.js";
import { notFound } from "../../lib/errors.js";
import { parseCertificate } from "../../pki/certificate-info.js";
import type { ItlDigest, ItlEntry, SignerVersion } from "../../pki/itl/index.js";
import type { Db } from "../../store/db.js";
import type { Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";
import type { AuditSpec } from "../audit/audit.types.js";

import { asAppError, normalizeDeviceName, singleCertificate } from "./cisco-input.fns.js";
import * as devicesRepo from "./devices.repo.js";
import { checkPemSigner, type PemSignerInput } from "./signer-key.fns.js";
import type { SignersService } from "./signers.service.js";
import type { TrustService } from "./trust.service.js";

/**
 * The ITL and signed-file builders, loaded on first use: they bring pkijs and asn1js (~100 ms and
 * several MiB at start-up, issue 2), which only deployments that serve Cisco phones need.
 */
const loadItl = () => import("../../pki/itl/index.js");

export interface FilesServiceDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, "record">;
  signers: Pick<SignersService, "requireSigner" | "projectSigner">;
  trust: Pick<TrustService, "allEntries">;
}

export interface BuildItlInput {
  certificates: readonly { pem: string; roles: readonly string[] }[];
  /** Seed 000's inline signer; when absent the project's SAST signer signs. */
  signer?: PemSignerInput | undefined;
  digest?: ItlDigest | undefined;
  signerVersion?: SignerVersion | undefined;
  fileName?: string | undefined;
}

export interface BuiltFile {
  fileName: string;
  bytes: Uint8Array;
}

export interface EncryptConfigInput {
  deviceName: string;
  configXml: string;
  digest?: ItlDigest | undefined;
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** Signed ITL files and encrypted configs (spec §2, §3), and the files phones fetch (issue 6 §6). */
export function createFilesService(deps: FilesServiceDeps) {
  const { db, clock, audit, signers, trust } = deps;

  /**
   * Signing is slow (and may be an HSM call), so it runs outside any transaction; the audit entry
   * (success, or failure with the error code) is written after it.
   */
  async function audited<T>(actor: Actor, spec: AuditSpec, work: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await work();
    } catch (error) {
      const mapped = asAppError(error);
      await audit.record(actor, spec, () => Promise.reject(mapped as Error)).catch(() => undefined);
      throw mapped;
    }
    await audit.record(actor, spec, () => Promise.resolve());
    return result;
  }

  function buildItl(actor: Actor, projectId: string, input: BuildItlInput): Promise<BuiltFile> {
    const fileName = input.fileName ?? "ITLFile.tlv";
    const spec = {
      action: "cisco_itl.build",
      targetType: "cisco_itl",
      targetId: fileName,
      projectId,
      details: {
        certificates: input.certificates.length,
        signer: input.signer ? "inline" : "project_sast",
        digest: input.digest ?? "SHA-1",
      },
    };
    return audited(actor, spec, async () => {
      const { buildItlFile, itlEntriesFor } = await loadItl();
      const certificates = input.certificates.map((entry, index) => ({
        certificate: singleCertificate(entry.pem, `certificates[${index}].pem`).der,
        roles: entry.roles,
      }));
      const entries = itlEntriesFor(certificates);
      const { signer, certificateDer } = input.signer
        ? (() => {
            const checked = checkPemSigner(input.signer, "signer");
            return { signer: checked.signer, certificateDer: checked.certificate.der };
          })()
        : await signers.requireSigner(projectId, "sast");
      const bytes = await buildItlFile({
        signer,
        signerCertificate: certificateDer,
        entries,
        timestamp: seconds(clock.now()),
        fileName,
        ...(input.digest ? { digest: input.digest } : {}),
        ...(input.signerVersion ? { signerVersion: input.signerVersion } : {}),
      });
      return { fileName, bytes };
    });
  }

  async function encryptConfig(
    actor: Actor,
    projectId: string,
    input: EncryptConfigInput,
  ): Promise<{ encrypted: BuiltFile; stub: BuiltFile; certificateHash: string }> {
    const name = normalizeDeviceName(input.deviceName);
    const spec = {
      action: "cisco_config.encrypt",
      targetType: "cisco_device",
      targetId: name,
      projectId,
    };
    let deviceId = "";
    const files = await audited(actor, spec, async () => {
      const record = await devicesRepo.findDevice(db, projectId, name);
      if (!record) throw notFound("device", name);
      const certificate = record.device.certificate;
      // Spec §3.2: the AES key is wrapped with the phone's RSA LSC, else its MIC.
      if (!certificate || !isRsa(certificate.der)) {
        throw notFound(`RSA LSC or MIC of device "${name}"`);
      }
      deviceId = record.device.id;
      const tftp = await signers.requireSigner(projectId, "tftp");
      const { buildEncryptedConfig } = await loadItl();
      return buildEncryptedConfig({
        signer: tftp.signer,
        signerCertificate: tftp.certificateDer,
        deviceCertificate: certificate.der,
        config: new TextEncoder().encode(input.configXml),
        configFileName: `${name}.cnf.xml`,
        timestamp: seconds(clock.now()),
        ...(input.digest ? { digest: input.digest } : {}),
      });
    });
    // Kept for the provisioning path (§3.4: from now on the stub and .enc.sgn are served).
    await devicesRepo.saveDeviceConfig(db, deviceId, {
      encrypted: files.encrypted,
      stub: files.stub,
      updatedAt: clock.now(),
    });
    return {
      encrypted: { fileName: files.encryptedFileName, bytes: files.encrypted },
      stub: { fileName: files.stubFileName, bytes: files.stub },
      certificateHash: files.certificateHash,
    };
  }

  /**
   * The project's current `ITLFile.tlv`: every trust-list entry with its roles, plus the TFTP
   * signer, signed by the SAST signer, rebuilt on each request so a change to the trust list or a
   * signer shows at once. Its timestamp is that of the newest input (entry or signer), so the
   * same inputs give the same bytes. Null without a SAST signer.
   */
  async function currentItl(projectId: string): Promise<Uint8Array | null> {
    const sast = await signers.projectSigner(projectId, "sast");
    if (!sast) return null;
    const entries = await trust.allEntries(projectId);
    const { buildItlFile, itlEntriesFor } = await loadItl();
    const itlEntries: ItlEntry[] = itlEntriesFor(
      entries.map((entry) => ({ certificate: entry.certificateDer, roles: entry.roles })),
    );
    const tftp = await signers.projectSigner(projectId, "tftp");
    const tftpListed =
      tftp && itlEntries.some((e) => sameBytes(e.certificate, tftp.certificateDer));
    if (tftp && !tftpListed) itlEntries.push({ certificate: tftp.certificateDer, role: "TFTP" });
    const newest = Math.max(
      sast.createdAt.getTime(),
      tftp?.createdAt.getTime() ?? 0,
      ...entries.map((entry) => entry.createdAt.getTime()),
    );
    try {
      return await buildItlFile({
        signer: sast.signer,
        signerCertificate: sast.certificateDer,
        entries: itlEntries,
        timestamp: Math.floor(newest / 1000),
      });
    } catch (error) {
      throw asAppError(error);
    }
  }

  /** A file as a phone requests it from the provisioning path, or null (404). */
  async function provisioningFile(projectId: string, fileName: string): Promise<Uint8Array | null> {
    if (fileName === "ITLFile.tlv") return currentItl(projectId);
    const match = /^(SEP[0-9A-F]{12})\.cnf\.xml\.(enc\.sgn|sgn)$/.exec(fileName);
    if (!match) return null;
    const stored = await devicesRepo.findDeviceConfig(db, projectId, match[1]!);
    if (!stored) return null;
    return match[2] === "enc.sgn" ? stored.encrypted : stored.stub;
  }

  return { buildItl, encryptConfig, currentItl, provisioningFile };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

function isRsa(der: Uint8Array): boolean {
  return parseCertificate(der).publicKey.algorithm === "RSA";
}

export type FilesService = ReturnType<typeof createFilesService>;
