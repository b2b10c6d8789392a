import type { KeyStoreRegistry } from "../../keys/key-store-registry.js";
import type { KeyInfo } from "../../keys/key-store.js";
import type { Clock } from "../../lib/clock.js";
import { conflict, notFound, validationFailed } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import {
  buildCertificate,
  buildSelfSignedCertificate,
  type CertificateTemplate,
} from "../../pki/certificate-builder.js";
import { parseCertificate } from "../../pki/certificate-info.js";
import { parseCsr, type ParsedCsr } from "../../pki/csr.js";
import { parsePublicKeyInfo, requireKeyType } from "../../pki/key-info.js";
import { encodeName } from "../../pki/names.js";
import { encodePem } from "../../pki/pem.js";
import type { KeyType, Signer } from "../../pki/signer.js";
import { isForeignKeyViolation, isUniqueViolation } from "../../store/db.js";
import type { Actor } from "../actor.js";
import { auditRefusals, type AuditAttempt } from "../audit/audit-refusals.js";
import type { AuditService } from "../audit/audit.service.js";
import { unprocessable } from "../cas/ca-errors.fns.js";
import type { IssuingCa } from "../cas/ca-issuer.js";
import type { CasService } from "../cas/cas.service.js";
import { toServiceError, withPkiErrors } from "../cas/pki-failures.js";
import { policyViolationError } from "../profiles/policy.fns.js";
import type { ProfilesService } from "../profiles/profiles.service.js";
import type { Profile } from "../profiles/profiles.types.js";

import { recordFieldsOf, type CertificateRecord } from "./certificate-record.fns.js";
import { hasSuccessor, insertCertificate } from "./certificate-rows.repo.js";
import {
  resolveSans,
  resolveSubject,
  resolveUsages,
  resolveValidityDays,
} from "./issuance-request.fns.js";
import type { IssueCertificateRequest, IssuedCertificate } from "./issuance.types.js";
import { nameConstraintViolations } from "./name-constraints.fns.js";

const DAY_MS = 86_400_000;
/** Backdating absorbs relying parties whose clocks run a little slow (RFC 5280 §4.1.2.5). */
const BACKDATE_MS = 60_000;
/** A fresh 128-bit serial colliding is a 2^-64 event; a few attempts make it a non-event. */
const SERIAL_ATTEMPTS = 3;

export interface IssuanceServiceDeps {
  clock: Clock;
  keys: Pick<KeyStoreRegistry, "get">;
  audit: Pick<AuditService, "record" | "recordFailure">;
  cas: Pick<CasService, "loadIssuingCa">;
  profiles: Pick<ProfilesService, "getProfile" | "checkIssuance">;
}

/** The certified key, its type, and (for generated keys) where it lives and how to sign. */
interface SubjectKey {
  spki: Uint8Array;
  keyType: KeyType;
  generated: KeyInfo | null;
  keyRef: string | null;
  /** A generated software key the profile lets users download. */
  isDownloadable: boolean;
}

/**
 * Issuance (issue 4 §5). `issueCertificate` is the one way a certificate is made here: the REST
 * route, compat adapters, ACME, Cisco CAPF and signing credentials all call it, so every
 * certificate passes the project policy, is stored in the inventory and is audited.
 */
export function createIssuanceService(deps: IssuanceServiceDeps) {
  const { clock, keys, audit } = deps;

  async function resolveIssuer(
    actor: Actor,
    request: IssueCertificateRequest,
  ): Promise<{ profile: Profile | null; ca: IssuingCa | null }> {
    const profile =
      request.profileId === undefined
        ? null
        : await deps.profiles.getProfile(actor, request.projectId, request.profileId);
    if (request.selfSigned) {
      if (request.caId !== undefined) {
        throw validationFailed("A self-signed certificate has no CA; leave ca_id out.", [
          { field: "ca_id" },
        ]);
      }
      if (request.key.kind !== "generate") {
        throw validationFailed("A self-signed certificate needs a key generated here, not a CSR.", [
          { field: "csr" },
        ]);
      }
      return { profile, ca: null };
    }
    if (request.caId !== undefined && profile?.caId && profile.caId !== request.caId) {
      throw validationFailed(`Profile "${profile.name}" issues from another CA.`, [
        { field: "ca_id", profile_ca_id: profile.caId },
      ]);
    }
    const caId = request.caId ?? profile?.caId ?? undefined;
    if (caId === undefined) {
      throw validationFailed("Name a ca_id, a profile_id whose profile has a CA, or self_signed.", [
        { field: "ca_id" },
      ]);
    }
    const ca = await deps.cas.loadIssuingCa(caId, { projectId: request.projectId });
    return { profile, ca };
  }

  function describeKey(
    request: IssueCertificateRequest,
    profile: Profile | null,
    csr: ParsedCsr | null,
  ) {
    switch (request.key.kind) {
      case "csr":
        return { keyType: csr!.keyType, spki: csr!.publicKey.spki };
      case "public_key": {
        const info = parsePublicKeyInfo(request.key.spki);
        return { keyType: requireKeyType(info), spki: info.spki };
      }
      case "generate":
        return {
          keyType: request.key.keyType ?? profile?.defaultKeyType ?? "ECDSA-P256",
          spki: null,
        };
    }
  }

  /**
   * Issues, stores and audits one certificate. Refusals (policy, validation, CA state) are
   * audited as failed `certificate.issue` entries too: an attempt to get a certificate the
   * rules forbid is exactly what an auditor looks for.
   */
  async function issueCertificate(
    actor: Actor,
    request: IssueCertificateRequest,
  ): Promise<IssuedCertificate> {
    const spec = {
      action: "certificate.issue",
      targetType: "certificate",
      projectId: request.projectId,
      details: {
        ca_id: request.caId ?? null,
        profile_id: request.profileId ?? null,
        key_source: request.key.kind,
      },
    };
    return auditRefusals(audit, actor, spec, (attempt) => issueOnce(actor, request, attempt));
  }

  async function issueOnce(
    actor: Actor,
    request: IssueCertificateRequest,
    attempt: AuditAttempt,
  ): Promise<IssuedCertificate> {
    const { profile, ca } = await resolveIssuer(actor, request);
    const source = request.key;
    const csr = source.kind === "csr" ? await withPkiErrors(() => parseCsr(source.csr)) : null;
    const described = await withPkiErrors(() => describeKey(request, profile, csr));
    const useCsrSubject = csr !== null && request.subject === undefined;
    const subject = useCsrSubject
      ? null
      : await withPkiErrors(() => resolveSubject(profile, request.subject));
    const commonName = useCsrSubject ? csr.commonName : (subject?.commonName ?? null);
    const sans = await withPkiErrors(() => resolveSans(request, csr, commonName));
    const validityDays = resolveValidityDays(request, profile);
    await deps.profiles.checkIssuance(request.projectId, profile, {
      keyType: described.keyType,
      validityDays,
      sans,
    });
    const outsideCa = ca ? nameConstraintViolations(sans, ca.nameConstraints) : [];
    if (outsideCa.length > 0) throw policyViolationError(outsideCa);
    const notBefore = new Date(clock.now().getTime() - BACKDATE_MS);
    const notAfter = new Date(notBefore.getTime() + BACKDATE_MS + validityDays * DAY_MS);
    if (ca && ca.certificate.notAfter.getTime() < notAfter.getTime()) {
      throw unprocessable(
        `The certificate would outlive CA "${ca.ca.name}" (valid until ${ca.certificate.notAfter.toISOString()}); ask for fewer validity_days.`,
        { field: "validity_days", max_not_after: ca.certificate.notAfter.toISOString() },
      );
    }
    const usages = resolveUsages(request, profile, csr);

    // Slow work (key generation, signing) happens before the short write transaction.
    const subjectKey = await obtainKey(request, profile, described);
    try {
      const template: CertificateTemplate = {
        subject: useCsrSubject ? { der: csr.subject.der } : { der: encodeName(subject!) },
        publicKeySpki: subjectKey.spki,
        notBefore,
        notAfter,
        extendedKeyUsage: usages.extendedKeyUsage,
        ...(usages.keyUsage ? { keyUsage: usages.keyUsage } : {}),
        subjectAltNames: sans,
        ...(ca
          ? { crlUrls: [ca.urls.crl], ocspUrls: [ca.urls.ocsp], caIssuersUrls: [ca.urls.caIssuers] }
          : {}),
      };
      const selfSigner = ca
        ? null
        : await keys.get(subjectKey.generated!.backend).signer(subjectKey.keyRef!);
      for (let tries = 1; ; tries++) {
        try {
          return await signAndStore(actor, request, attempt, {
            profile,
            ca,
            template,
            selfSigner,
            subjectKey,
          });
        } catch (error) {
          if (!(isUniqueViolation(error) && tries < SERIAL_ATTEMPTS)) throw error;
        }
      }
    } catch (error) {
      if (subjectKey.generated) {
        await keys
          .get(subjectKey.generated.backend)
          .destroy(subjectKey.generated.keyRef)
          .catch(() => undefined);
      }
      if (isForeignKeyViolation(error)) throw notFound("project", request.projectId);
      throw toServiceError(error);
    }
  }

  async function obtainKey(
    request: IssueCertificateRequest,
    profile: Profile | null,
    described: { keyType: KeyType; spki: Uint8Array | null },
  ): Promise<SubjectKey> {
    const source = request.key;
    if (source.kind !== "generate") {
      return {
        spki: described.spki!,
        keyType: described.keyType,
        generated: null,
        keyRef: source.kind === "public_key" ? (source.keyRef ?? null) : null,
        isDownloadable: false,
      };
    }
    // Leaf keys default to software custody: a key the user must install somewhere has to be
    // exportable, which a PKCS#11 token never allows.
    const backend = source.keyBackend ?? "software";
    const isExportable = backend === "software" && (profile?.allowKeyDownload ?? true);
    const generated = await withPkiErrors(async () =>
      keys.get(backend).generate(described.keyType, { label: "certificate key", isExportable }),
    );
    return {
      spki: generated.publicKeySpki,
      keyType: generated.keyType,
      generated,
      keyRef: generated.keyRef,
      isDownloadable: isExportable,
    };
  }

  async function signAndStore(
    actor: Actor,
    request: IssueCertificateRequest,
    attempt: AuditAttempt,
    parts: {
      profile: Profile | null;
      ca: IssuingCa | null;
      template: CertificateTemplate;
      selfSigner: Signer | null;
      subjectKey: SubjectKey;
    },
  ): Promise<IssuedCertificate> {
    const { profile, ca, template, selfSigner, subjectKey } = parts;
    attempt.isRecorded = false;
    const built = ca
      ? await buildCertificate(template, ca.issuer)
      : await buildSelfSignedCertificate(template, selfSigner!);
    const info = parseCertificate(built.der);
    const now = clock.now();
    const record: CertificateRecord = {
      id: newId("cert"),
      projectId: request.projectId,
      caId: ca?.ca.id ?? null,
      profileId: profile?.id ?? null,
      issuerType: ca ? (request.issuerType ?? "issued") : "self_signed",
      status: "active",
      ...recordFieldsOf(info),
      chainPem: ca?.issuedChainPem ?? "",
      keyRef: subjectKey.keyRef,
      isKeyDownloadable: subjectKey.isDownloadable,
      predecessorId: request.predecessorId ?? null,
      createdBy: actor.id,
      createdAt: now,
    };
    const spec = {
      action: "certificate.issue",
      targetType: "certificate",
      targetId: record.id,
      projectId: request.projectId,
      details: {
        common_name: record.commonName,
        serial_number: record.serialNumber,
        ca_id: record.caId,
        profile_id: record.profileId,
        issuer_type: record.issuerType,
        key_type: record.keyType,
        key_source: request.key.kind,
        expires_at: record.expiresAt.toISOString(),
        fingerprint_sha256: record.fingerprintSha256,
      },
    };
    // From here on `record` writes the failure entry itself if the write fails.
    attempt.isRecorded = true;
    await audit.record(actor, spec, async (trx) => {
      if (record.predecessorId !== null && (await hasSuccessor(trx, record.predecessorId))) {
        throw conflict(`Certificate "${record.predecessorId}" was already renewed.`, [
          { reason: "already_renewed" },
        ]);
      }
      await insertCertificate(trx, record);
    });
    return {
      id: record.id,
      projectId: record.projectId,
      caId: record.caId,
      profileId: record.profileId,
      issuerType: record.issuerType,
      status: record.status,
      commonName: record.commonName,
      sans: record.sans,
      subjectDn: record.subjectDn,
      issuerDn: record.issuerDn,
      serialNumber: record.serialNumber,
      keyType: record.keyType,
      fingerprintSha256: record.fingerprintSha256,
      notBefore: record.notBefore,
      expiresAt: record.expiresAt,
      certificateDer: record.certificateDer,
      certificatePem: encodePem("CERTIFICATE", record.certificateDer),
      chainPem: record.chainPem,
      keyRef: record.keyRef,
      isKeyDownloadable: record.isKeyDownloadable,
      predecessorId: record.predecessorId,
      createdAt: record.createdAt,
    };
  }

  return { issueCertificate };
}

export type IssuanceService = ReturnType<typeof createIssuanceService>;
