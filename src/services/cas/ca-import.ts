import { createPrivateKey } from "node:crypto";

import type { KeyStoreRegistry } from "../../keys/key-store-registry.js";
import { canImport } from "../../keys/key-store.js";
import type { Clock } from "../../lib/clock.js";
import { AppError, badRequest, conflict, notFound } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { sameSpki } from "../../pki/certificate-builder.js";
import { isSignedBy, parseCertificates, type CertificateInfo } from "../../pki/certificate-info.js";
import { parseCsr } from "../../pki/csr.js";
import { publicKeyOfPrivateKey } from "../../pki/private-key.js";
import { isForeignKeyViolation, isUniqueViolation, type Db } from "../../store/db.js";
import type { Actor } from "../actor.js";
import { auditRefusals, type AuditAttempt } from "../audit/audit-refusals.js";
import type { AuditService } from "../audit/audit.service.js";

import { linkedChainPem } from "./ca-chain.fns.js";
import { unprocessable } from "./ca-errors.fns.js";
import * as repo from "./cas.repo.js";
import type { Ca, ImportCaInput } from "./cas.types.js";
import { toServiceError, withPkiErrors } from "./pki-failures.js";

export interface CaImportDeps {
  db: Db;
  clock: Clock;
  keys: Pick<KeyStoreRegistry, "get" | "defaultBackend">;
  audit: Pick<AuditService, "record" | "recordFailure">;
}

/** Certificate text (PEM, or base64 DER) → the CA certificate and any certificates after it. */
function readCertificates(text: string, field: string): CertificateInfo[] {
  const trimmed = text.trim();
  const input = trimmed.startsWith("-----") ? trimmed : Buffer.from(trimmed, "base64");
  const certificates = parseCertificates(input);
  if (certificates.length === 0) throw badRequest(`"${field}" holds no certificate.`, [{ field }]);
  return certificates;
}

function requireCa(certificate: CertificateInfo): void {
  if (!certificate.isCa) {
    throw unprocessable(
      `"${certificate.subject.text}" is not a CA certificate (basicConstraints cA is not set).`,
      { field: "certificate" },
    );
  }
}

/** Any private key PEM OpenSSL writes (PKCS#8, encrypted PKCS#8, legacy RSA/EC) → PKCS#8 DER. */
function readPrivateKey(pem: string, password: string | undefined): Uint8Array {
  try {
    const key = createPrivateKey({
      key: pem,
      format: "pem",
      ...(password === undefined ? {} : { passphrase: password }),
    });
    return new Uint8Array(key.export({ type: "pkcs8", format: "der" }));
  } catch (cause) {
    throw new AppError("bad_request", {
      message:
        "The private key cannot be read: it is not a PEM private key, or its password is missing or wrong.",
      details: [{ field: "private_key" }],
      cause,
    });
  }
}

/**
 * Bringing existing CAs in: a CA certificate with its key (it then issues like any CA here),
 * a certificate alone (an external issuer the inventory links certificates to), and the signed
 * certificate of an intermediate whose CSR was exported.
 */
export function createCaImport(deps: CaImportDeps) {
  const { db, clock, keys, audit } = deps;

  function importCa(actor: Actor, projectId: string, input: ImportCaInput): Promise<Ca> {
    const spec = {
      action: "ca.import",
      targetType: "ca",
      projectId,
      details: { name: input.name, has_key: input.privateKey !== undefined },
    };
    return auditRefusals(audit, actor, spec, (attempt) =>
      importCaOnce(actor, projectId, input, attempt),
    );
  }

  async function importCaOnce(
    actor: Actor,
    projectId: string,
    input: ImportCaInput,
    attempt: AuditAttempt,
  ): Promise<Ca> {
    const certificates = await withPkiErrors(() =>
      readCertificates(input.certificate, "certificate"),
    );
    const certificate = certificates[0]!;
    const above = input.chain
      ? await withPkiErrors(() => readCertificates(input.chain!, "chain"))
      : [];
    const chain = [...certificates.slice(1), ...above];
    requireCa(certificate);
    const chainPem = linkedChainPem(certificate, chain);
    if (await repo.caNameTaken(db, projectId, input.name)) {
      throw conflict(`A CA named "${input.name}" already exists in this project.`, [
        { field: "name" },
      ]);
    }
    const keyType = certificate.publicKey.keyType;
    let keyRef: string | null = null;
    let backend: Ca["keyBackend"] = null;
    if (input.privateKey !== undefined) {
      if (!keyType) {
        throw unprocessable(
          `The CA key (${certificate.publicKey.algorithm} ${certificate.publicKey.sizeBits}) cannot sign here; use RSA-2048/3072/4096, ECDSA-P256/P384/P521 or Ed25519.`,
          { field: "certificate" },
        );
      }
      const pkcs8 = readPrivateKey(input.privateKey, input.privateKeyPassword);
      try {
        const spki = await withPkiErrors(() => publicKeyOfPrivateKey(pkcs8));
        if (!sameSpki(spki, certificate.publicKey.spki)) {
          throw unprocessable("The private key does not belong to the CA certificate.", {
            field: "private_key",
          });
        }
        backend = input.keyBackend ?? keys.defaultBackend;
        const store = await withPkiErrors(() => keys.get(backend!));
        if (!canImport(store)) {
          throw unprocessable(`The ${backend} key backend cannot import keys; use software.`, {
            field: "key_backend",
          });
        }
        const imported = await withPkiErrors(() =>
          store.importPrivateKey(pkcs8, { label: `ca ${input.name}` }),
        );
        keyRef = imported.keyRef;
      } finally {
        pkcs8.fill(0);
      }
    }
    const isRoot = certificate.isSelfIssued && isSignedBy(certificate, certificate);
    const now = clock.now();
    const ca: Ca = {
      id: newId("ca"),
      projectId,
      name: input.name,
      type: keyRef === null ? "external" : isRoot ? "root" : "intermediate",
      status: "active",
      parentCaId: null,
      keyBackend: backend,
      keyRef,
      keyType: keyType ?? `${certificate.publicKey.algorithm}-${certificate.publicKey.sizeBits}`,
      certificateDer: certificate.der,
      csrDer: null,
      chainPem,
      subjectDn: certificate.subject.text,
      serialNumber: certificate.serialNumberHex,
      subjectKeyId: certificate.subjectKeyIdentifier,
      notBefore: certificate.notBefore,
      notAfter: certificate.notAfter,
      pathLength: certificate.pathLength,
      nameConstraints: certificate.nameConstraints,
      settings: {},
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
    };
    const spec = {
      action: "ca.import",
      targetType: "ca",
      targetId: ca.id,
      projectId,
      details: {
        name: ca.name,
        type: ca.type,
        has_key: keyRef !== null,
        subject: ca.subjectDn,
        serial_number: ca.serialNumber,
        fingerprint_sha256: certificate.fingerprintSha256,
      },
    };
    try {
      attempt.isRecorded = true;
      return await audit.record(actor, spec, async (trx) => {
        await repo.insertCa(trx, ca);
        return ca;
      });
    } catch (error) {
      if (keyRef !== null)
        await keys
          .get(backend!)
          .destroy(keyRef)
          .catch(() => undefined);
      if (isUniqueViolation(error)) {
        throw conflict(`A CA named "${input.name}" already exists in this project.`, [
          { field: "name" },
        ]);
      }
      if (isForeignKeyViolation(error)) throw notFound("project", projectId);
      throw toServiceError(error);
    }
  }

  /** Completes an intermediate whose CSR was exported, with the certificate its issuer signed. */
  function uploadCaCertificate(
    actor: Actor,
    projectId: string,
    caId: string,
    input: { certificate: string; chain?: string | undefined },
  ): Promise<Ca> {
    const spec = { action: "ca.upload_certificate", targetType: "ca", targetId: caId, projectId };
    return auditRefusals(audit, actor, spec, (attempt) =>
      uploadOnce(actor, projectId, caId, input, attempt),
    );
  }

  async function uploadOnce(
    actor: Actor,
    projectId: string,
    caId: string,
    input: { certificate: string; chain?: string | undefined },
    attempt: AuditAttempt,
  ): Promise<Ca> {
    const ca = await repo.findCa(db, projectId, caId);
    if (!ca) throw notFound("CA", caId);
    if (ca.status !== "pending_certificate" || ca.csrDer === null) {
      throw conflict(`CA "${ca.name}" already has its certificate.`, [
        { rule: "ca_status", status: ca.status },
      ]);
    }
    const csrDer = ca.csrDer;
    const certificates = await withPkiErrors(() =>
      readCertificates(input.certificate, "certificate"),
    );
    const certificate = certificates[0]!;
    const above = input.chain
      ? await withPkiErrors(() => readCertificates(input.chain!, "chain"))
      : [];
    const chain = [...certificates.slice(1), ...above];
    const requested = parseCsr(csrDer);
    if (!sameSpki(requested.publicKey.spki, certificate.publicKey.spki)) {
      throw unprocessable(
        `The certificate is not for CA "${ca.name}"'s key; upload the certificate issued for its CSR.`,
        { field: "certificate" },
      );
    }
    requireCa(certificate);
    const chainPem = linkedChainPem(certificate, chain);
    const spec = {
      action: "ca.upload_certificate",
      targetType: "ca",
      targetId: ca.id,
      projectId,
      details: {
        subject: certificate.subject.text,
        serial_number: certificate.serialNumberHex,
        fingerprint_sha256: certificate.fingerprintSha256,
      },
    };
    attempt.isRecorded = true;
    return audit.record(actor, spec, async (trx) => {
      const updatedAt = clock.now();
      const values = {
        certificateDer: certificate.der,
        chainPem,
        subjectDn: certificate.subject.text,
        serialNumber: certificate.serialNumberHex,
        subjectKeyId: certificate.subjectKeyIdentifier,
        notBefore: certificate.notBefore,
        notAfter: certificate.notAfter,
        pathLength: certificate.pathLength,
        nameConstraints: certificate.nameConstraints,
        updatedAt,
      };
      if ((await repo.setCaCertificate(trx, ca.id, values)) !== 1) {
        throw conflict(`CA "${ca.name}" already has its certificate.`, [{ rule: "ca_status" }]);
      }
      return { ...ca, ...values, status: "active" as const, updatedAt };
    });
  }

  return { importCa, uploadCaCertificate };
}
