import type { KeyStoreRegistry } from "../../keys/key-store-registry.js";
import type { Clock } from "../../lib/clock.js";
import { conflict, notFound, validationFailed } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import {
  buildCertificate,
  buildSelfSignedCertificate,
  type BuiltCertificate,
} from "../../pki/certificate-builder.js";
import { parseCertificate } from "../../pki/certificate-info.js";
import { buildCsr } from "../../pki/csr-builder.js";
import { parseCsr } from "../../pki/csr.js";
import { normalizeSubject } from "../../pki/names.js";
import { isForeignKeyViolation, isUniqueViolation, type Db } from "../../store/db.js";
import type { Actor } from "../actor.js";
import { auditRefusals, type AuditAttempt } from "../audit/audit-refusals.js";
import type { AuditService } from "../audit/audit.service.js";
import { recordFieldsOf } from "../issuance/certificate-record.fns.js";
import { insertCertificate } from "../issuance/certificate-rows.repo.js";

import { unprocessable } from "./ca-errors.fns.js";
import type { IssuingCa } from "./ca-issuer.js";
import * as repo from "./cas.repo.js";
import type { Ca, CreateCaInput } from "./cas.types.js";
import { toServiceError, withPkiErrors } from "./pki-failures.js";

const DAY_MS = 86_400_000;
const DEFAULT_VALIDITY_DAYS = { root: 3650, intermediate: 1825 } as const;

export interface CaCreationDeps {
  db: Db;
  clock: Clock;
  keys: Pick<KeyStoreRegistry, "get" | "defaultBackend">;
  audit: Pick<AuditService, "record" | "recordFailure">;
  loadIssuingCa(caId: string, options: { projectId: string }): Promise<IssuingCa>;
}

function nameTaken(name: string): Error {
  return conflict(`A CA named "${name}" already exists in this project.`, [{ field: "name" }]);
}

/**
 * Creating a CA: a root (self-signed), an intermediate signed by a CA of the same project, or
 * an intermediate whose CSR is exported (`pending_certificate` until its certificate is
 * uploaded). The key is generated first, outside any transaction (STYLE.md §6), and destroyed
 * again if the CA cannot be stored.
 */
export function createCaCreation(deps: CaCreationDeps) {
  const { db, clock, keys, audit } = deps;

  function createCa(actor: Actor, projectId: string, input: CreateCaInput): Promise<Ca> {
    const spec = {
      action: "ca.create",
      targetType: "ca",
      projectId,
      details: { name: input.name, type: input.type, parent_ca_id: input.parentCaId ?? null },
    };
    return auditRefusals(audit, actor, spec, (attempt) =>
      createCaOnce(actor, projectId, input, attempt),
    );
  }

  async function createCaOnce(
    actor: Actor,
    projectId: string,
    input: CreateCaInput,
    attempt: AuditAttempt,
  ): Promise<Ca> {
    const subject = await withPkiErrors(() => normalizeSubject(input.subject));
    if (!subject.commonName) {
      throw validationFailed("A CA needs a subject common_name.", [
        { field: "subject.common_name" },
      ]);
    }
    if (input.type === "root" && input.parentCaId !== undefined) {
      throw validationFailed("A root CA has no parent; leave parent_ca_id out.", [
        { field: "parent_ca_id" },
      ]);
    }
    if (await repo.caNameTaken(db, projectId, input.name)) throw nameTaken(input.name);
    const parent =
      input.parentCaId === undefined
        ? null
        : await deps.loadIssuingCa(input.parentCaId, { projectId });
    const keyType = input.keyType ?? "ECDSA-P256";
    const backend = input.keyBackend ?? keys.defaultBackend;
    const validityDays = input.validityDays ?? DEFAULT_VALIDITY_DAYS[input.type];
    const notBefore = clock.now();
    const notAfter = new Date(notBefore.getTime() + validityDays * DAY_MS);
    if (parent && parent.certificate.notAfter.getTime() < notAfter.getTime()) {
      throw unprocessable(
        `The CA would outlive its parent "${parent.ca.name}" (valid until ${parent.certificate.notAfter.toISOString()}); choose fewer validity_days.`,
        { field: "validity_days", max_not_after: parent.certificate.notAfter.toISOString() },
      );
    }
    const pathLength = input.pathLength ?? null;
    const nameConstraints = input.nameConstraints ?? null;

    const store = await withPkiErrors(() => keys.get(backend));
    const key = await withPkiErrors(() => store.generate(keyType, { label: `ca ${input.name}` }));
    try {
      const signer = await store.signer(key.keyRef);
      const template = {
        subject,
        notBefore,
        notAfter,
        isCa: true,
        pathLength,
        ...(nameConstraints ? { nameConstraints } : {}),
      };
      let built: BuiltCertificate | null = null;
      let csrDer: Uint8Array | null = null;
      if (input.type === "root") {
        built = await buildSelfSignedCertificate(template, signer);
      } else if (parent) {
        built = await buildCertificate(
          {
            ...template,
            publicKeySpki: key.publicKeySpki,
            crlUrls: [parent.urls.crl],
            ocspUrls: [parent.urls.ocsp],
            caIssuersUrls: [parent.urls.caIssuers],
          },
          parent.issuer,
        );
      } else {
        csrDer = await buildCsr({ subject, isCa: true, pathLength }, signer);
      }
      const info = built ? parseCertificate(built.der) : null;
      const now = clock.now();
      const ca: Ca = {
        id: newId("ca"),
        projectId,
        name: input.name,
        type: input.type,
        status: built ? "active" : "pending_certificate",
        parentCaId: parent?.ca.id ?? null,
        keyBackend: backend,
        keyRef: key.keyRef,
        keyType,
        certificateDer: built?.der ?? null,
        csrDer,
        chainPem: parent ? parent.issuedChainPem : "",
        subjectDn: info ? info.subject.text : parseCsr(csrDer!).subject.text,
        serialNumber: info?.serialNumberHex ?? null,
        subjectKeyId: info?.subjectKeyIdentifier ?? null,
        notBefore: info?.notBefore ?? null,
        notAfter: info?.notAfter ?? null,
        pathLength,
        nameConstraints,
        settings: {},
        createdBy: actor.id,
        createdAt: now,
        updatedAt: now,
      };
      const spec = {
        action: "ca.create",
        targetType: "ca",
        targetId: ca.id,
        projectId,
        details: {
          name: ca.name,
          type: ca.type,
          parent_ca_id: ca.parentCaId,
          key_type: keyType,
          key_backend: backend,
          status: ca.status,
          serial_number: ca.serialNumber,
        },
      };
      attempt.isRecorded = true;
      return await audit.record(actor, spec, async (trx) => {
        await repo.insertCa(trx, ca);
        // An intermediate signed here is also a certificate its parent issued: the row gives
        // it a serial that parent never reuses, and lets the parent's CRL/OCSP revoke it.
        if (parent && info) {
          await insertCertificate(trx, {
            id: newId("cert"),
            projectId,
            caId: parent.ca.id,
            profileId: null,
            issuerType: "issued",
            status: "active",
            ...recordFieldsOf(info),
            chainPem: parent.issuedChainPem,
            keyRef: null,
            isKeyDownloadable: false,
            predecessorId: null,
            createdBy: actor.id,
            createdAt: now,
          });
        }
        return ca;
      });
    } catch (error) {
      await store.destroy(key.keyRef).catch(() => undefined);
      if (isUniqueViolation(error)) throw nameTaken(input.name);
      if (isForeignKeyViolation(error)) throw notFound("project", projectId);
      throw toServiceError(error);
    }
  }

  return { createCa };
}
