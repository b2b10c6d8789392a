import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import { buildCertificate } from "../../pki/certificate-builder.js";
import { isSignedBy, parseCertificate, type CertificateInfo } from "../../pki/certificate-info.js";
import { issuerFromCertificate } from "../../pki/certificate-issuer.js";
import { capfAuthData, capfProofIsValid } from "../../pki/cisco-wire/index.js";
import type { HashedProof } from "../../pki/cisco-wire/index.js";
import type { KeyUsage } from "../../pki/extensions.js";
import { parsePublicKeyInfo } from "../../pki/key-info.js";
import type { Db } from "../../store/db.js";
import { systemActor, type Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";
import type { CasService } from "../cas/cas.service.js";
import { verifyPassword } from "../identity/passwords.js";
import type { IssuanceService } from "../issuance/issuance.service.js";

import { asAppError } from "./cisco-input.fns.js";
import type { CiscoDevice, DeviceCertificate } from "./cisco.types.js";
import * as repo from "./devices.repo.js";
import { deviceCertificateOf } from "./devices.service.js";
import type { SignersService } from "./signers.service.js";

export interface CapfServiceDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, "record">;
  signers: Pick<SignersService, "projectSigner" | "getSettings">;
  cas: Pick<CasService, "getCa">;
  issuance: Pick<IssuanceService, "issueCertificate">;
}

/** What the phone sent in AUTH_RESPONSE (spec §5.4 step 2). */
export interface CapfCredentials {
  password: string;
  certificate?: Uint8Array | undefined;
  signedData?: Uint8Array | undefined;
  sha2SignedData?: HashedProof | undefined;
}

export type CapfAuthResult =
  | { outcome: "unknown_device" }
  | { outcome: "refused"; reason: string; device: CiscoDevice }
  | { outcome: "ok"; device: CiscoDevice };

const DAY_MS = 86_400_000;
/** Spec §5.6: EKU serverAuth, clientAuth, ipsecEndSystem. */
const LSC_EKU = ["serverAuth", "clientAuth", "1.3.6.1.5.5.7.3.5"];
const LSC_KEY_USAGE: KeyUsage[] = ["digitalSignature", "keyEncipherment"];

/**
 * The CAPF protocol's use cases (spec §5.4–5.6), called by the CAPF server once per step. Every
 * outcome that changes the device is audited under the session's actor.
 */
export function createCapfService(deps: CapfServiceDeps) {
  const { db, clock, audit, signers } = deps;

  /** Whether the certificate the phone presented is one we may trust for this device. */
  async function certificateTrusted(device: CiscoDevice, presented: CertificateInfo) {
    // The recorded LSC or MIC, byte for byte (a MIC we cannot chain without Cisco's roots).
    if (device.certificate && Buffer.compare(device.certificate.der, presented.der) === 0) {
      return true;
    }
    // Or an LSC of this device issued by the project's CAPF issuer: its CA, else its signer.
    if (presented.commonName !== device.name) return false;
    if (presented.notAfter.getTime() <= clock.now().getTime()) return false;
    const settings = await signers.getSettings(null, device.projectId);
    const issuerDer =
      settings.capfIssuerCaId !== null
        ? (await deps.cas.getCa(systemActor(), device.projectId, settings.capfIssuerCaId))
            .certificateDer
        : (await signers.projectSigner(device.projectId, "capf_issuer"))?.certificateDer;
    return issuerDer != null && isSignedBy(presented, parseCertificate(issuerDer));
  }

  function proofValid(device: CiscoDevice, presented: CertificateInfo, creds: CapfCredentials) {
    const authData = capfAuthData(device.name, presented.der);
    const spki = presented.publicKey.spki;
    // Spec §5.5: SHA2_SIGNED_DATA when sent (it is the stronger proof), else the SHA-1 one.
    if (creds.sha2SignedData) {
      return capfProofIsValid(spki, authData, creds.sha2SignedData.signature, "SHA-512");
    }
    return creds.signedData ? capfProofIsValid(spki, authData, creds.signedData, "SHA-1") : false;
  }

  async function authenticate(
    projectId: string,
    deviceName: string,
    creds: CapfCredentials,
  ): Promise<CapfAuthResult> {
    const record = await repo.findDevice(db, projectId, deviceName);
    if (!record) return { outcome: "unknown_device" };
    const { device } = record;
    switch (device.authentication) {
      case "none":
        return { outcome: "ok", device };
      case "password": {
        const ok =
          record.passwordHash !== null &&
          (await verifyPassword(creds.password, record.passwordHash));
        return ok
          ? { outcome: "ok", device }
          : { outcome: "refused", reason: "wrong password", device };
      }
      case "certificate": {
        if (!creds.certificate) return { outcome: "refused", reason: "no certificate", device };
        let presented: CertificateInfo;
        try {
          presented = parseCertificate(creds.certificate);
        } catch {
          return { outcome: "refused", reason: "malformed certificate", device };
        }
        if (!(await certificateTrusted(device, presented))) {
          return { outcome: "refused", reason: "untrusted certificate", device };
        }
        if (!proofValid(device, presented, creds)) {
          return { outcome: "refused", reason: "bad certificate proof", device };
        }
        return { outcome: "ok", device };
      }
    }
  }

  /** The LSC signed by the project's `capf_issuer` signer (spec §5.6). */
  async function issueWithSigner(device: CiscoDevice, spki: Uint8Array, days: number) {
    const issuerSigner = await signers.projectSigner(device.projectId, "capf_issuer");
    if (!issuerSigner) {
      throw new AppError("unprocessable", { message: "The project has no CAPF issuer." });
    }
    const issuer = issuerFromCertificate(issuerSigner.certificateDer, issuerSigner.signer);
    const issuerSubject = parseCertificate(issuerSigner.certificateDer).subject.subject;
    const now = clock.now();
    const notAfter = new Date(now.getTime() + days * DAY_MS);
    const certificate = await buildCertificate(
      {
        // Spec §5.6: CN = device name, O/OU/L/ST/C from the issuer's subject.
        subject: { ...issuerSubject, commonName: device.name },
        publicKeySpki: spki,
        notBefore: now,
        notAfter: issuer.notAfter && issuer.notAfter < notAfter ? issuer.notAfter : notAfter,
        keyUsage: LSC_KEY_USAGE,
        extendedKeyUsage: LSC_EKU,
        // U2 also writes SAN URI = the bare device name; RFC 5280 §4.2.1.6 requires a URI
        // SAN to be an absolute URI, which "SEP…" is not, so the LSC carries none (docs/cisco.md).
      },
      issuer,
    );
    return certificate.der;
  }

  /**
   * The LSC issued by a project CA through issuance, so it passes the project policy and is in
   * the inventory (and revocable) like any other certificate.
   */
  async function issueWithCa(
    actor: Actor,
    device: CiscoDevice,
    spki: Uint8Array,
    caId: string,
    days: number,
  ) {
    const ca = await deps.cas.getCa(actor, device.projectId, caId);
    const caSubject = ca.certificateDer ? parseCertificate(ca.certificateDer).subject.subject : {};
    const issued = await deps.issuance.issueCertificate(actor, {
      projectId: device.projectId,
      caId,
      // The phone proved possession of its key to CAPF itself (spec §5.4), not by a CSR.
      key: { kind: "public_key", spki },
      subject: { ...caSubject, commonName: device.name },
      sans: [],
      validityDays: days,
      keyUsage: LSC_KEY_USAGE,
      extendedKeyUsage: LSC_EKU,
    });
    return issued.certificateDer;
  }

  /** Issues the LSC for the phone's new key (spec §5.6) and records it on the device. */
  async function issueLsc(
    actor: Actor,
    device: CiscoDevice,
    publicKeySpki: Uint8Array,
  ): Promise<DeviceCertificate> {
    const spec = {
      action: "cisco_device.issue_lsc",
      targetType: "cisco_device",
      targetId: device.name,
      projectId: device.projectId,
    };
    let built: Uint8Array;
    try {
      const key = parsePublicKeyInfo(publicKeySpki);
      const expected = device.keyType === "RSA" ? "RSA" : "EC";
      if (key.algorithm !== expected) {
        throw new AppError("validation_failed", {
          message: `The phone sent a ${key.algorithm} key; the device expects ${expected}.`,
        });
      }
      const settings = await signers.getSettings(null, device.projectId);
      built =
        settings.capfIssuerCaId === null
          ? await issueWithSigner(device, publicKeySpki, settings.lscValidityDays)
          : await issueWithCa(
              actor,
              device,
              publicKeySpki,
              settings.capfIssuerCaId,
              settings.lscValidityDays,
            );
    } catch (error) {
      const mapped = asAppError(error);
      await audit.record(actor, spec, () => Promise.reject(mapped as Error)).catch(() => undefined);
      throw mapped;
    }
    const lsc = deviceCertificateOf(parseCertificate(built), "lsc");
    await audit.record(
      actor,
      { ...spec, details: { serial_number: lsc.serialNumber } },
      async (trx) => {
        const record = await repo.findDevice(trx, device.projectId, device.name);
        if (!record) throw new AppError("not_found", { message: `No device "${device.name}".` });
        await repo.saveDevice(trx, {
          passwordHash: record.passwordHash,
          device: {
            ...record.device,
            certificate: lsc,
            // After a successful install U2 sets the operation back to none (spec §5.1).
            operation: "none",
            status: "issued",
            updatedAt: clock.now(),
          },
        });
      },
    );
    return lsc;
  }

  /** Records the end of a fetch, delete or failed operation. */
  async function recordOutcome(
    actor: Actor,
    device: CiscoDevice,
    outcome:
      | { kind: "fetched"; certificate: Uint8Array }
      | { kind: "deleted" }
      | { kind: "failed"; reason: string },
  ): Promise<void> {
    const spec = {
      action: `cisco_device.${outcome.kind === "failed" ? "capf_failure" : outcome.kind === "fetched" ? "fetch_lsc" : "delete_lsc"}`,
      targetType: "cisco_device",
      targetId: device.name,
      projectId: device.projectId,
      details: outcome.kind === "failed" ? { reason: outcome.reason } : {},
    };
    let certificate: DeviceCertificate | null | undefined;
    if (outcome.kind === "fetched") {
      try {
        certificate = deviceCertificateOf(parseCertificate(outcome.certificate), "lsc");
      } catch {
        certificate = undefined;
      }
    }
    await audit.record(actor, spec, async (trx) => {
      const record = await repo.findDevice(trx, device.projectId, device.name);
      if (!record) return;
      const current = record.device;
      const next: CiscoDevice =
        outcome.kind === "failed"
          ? { ...current, status: "failed", updatedAt: clock.now() }
          : {
              ...current,
              certificate: outcome.kind === "deleted" ? null : (certificate ?? current.certificate),
              operation: "none",
              status: outcome.kind,
              updatedAt: clock.now(),
            };
      await repo.saveDevice(trx, { passwordHash: record.passwordHash, device: next });
    });
  }

  /**
   * Audits a session that changed nothing (an unknown device, or operation none), so every CAPF
   * session leaves one entry; sessions that change a device are audited by the change itself.
   */
  async function recordSession(
    actor: Actor,
    projectId: string,
    deviceName: string,
    outcome: "unknown_device" | "no_operation",
  ): Promise<void> {
    const spec = {
      action: "cisco_capf.session",
      targetType: "cisco_device",
      targetId: deviceName.slice(0, 64),
      projectId,
      details: { outcome },
    };
    await audit.record(actor, spec, () => Promise.resolve());
  }

  return { authenticate, issueLsc, recordOutcome, recordSession };
}

export type CapfService = ReturnType<typeof createCapfService>;
