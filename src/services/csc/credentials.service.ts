import { randomUUID } from "node:crypto";

import { KeyStoreError } from "../../keys/errors.js";
import type { KeyStoreRegistry } from "../../keys/key-store-registry.js";
import { canImport, type KeyInfo } from "../../keys/key-store.js";
import type { Clock } from "../../lib/clock.js";
import { PAGE_LIMIT_DEFAULT, type Page, type PageRequest } from "../../lib/cursor.js";
import { AppError, notFound, validationFailed } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { parseCertificates, type CertificateInfo } from "../../pki/certificate-info.js";
import { buildCsr } from "../../pki/csr-builder.js";
import { isPkiError, toAppError as pkiToAppError } from "../../pki/errors.js";
import type { KeyUsage } from "../../pki/extensions.js";
import { normalizeSubject, type Subject } from "../../pki/names.js";
import { encodePem } from "../../pki/pem.js";
import { isForeignKeyViolation, type Db } from "../../store/db.js";
import type { Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";
import { hashPassword } from "../identity/passwords.js";
import type { UsersService } from "../identity/users.service.js";
import type { IssuanceService } from "../issuance/issuance.service.js";

import { algorithmsForKeyType } from "./algorithms.fns.js";
import {
  assertCertifiesKey,
  readCertificate,
  readChain,
  readPrivateKey,
} from "./credential-certificates.js";
import * as repo from "./csc.repo.js";
import type {
  CreateCredentialInput,
  CreatedCredential,
  SigningCredential,
  SigningCredentialWithSecret,
  UpdateCredentialInput,
} from "./csc.types.js";

export interface CredentialsServiceDeps {
  db: Db;
  clock: Clock;
  keys: Pick<KeyStoreRegistry, "get" | "has" | "defaultBackend" | "forKeyRef">;
  audit: Pick<AuditService, "record">;
  users: Pick<UsersService, "getUser">;
  /** Issuance from a CA here (`ca_id`); absent, only imported certificates are possible. */
  issuance?: Pick<IssuanceService, "issueCertificate"> | undefined;
}

/**
 * Key usages of a signing certificate: digitalSignature and contentCommitment (non-repudiation,
 * RFC 5280 §4.2.1.3), with the documentSigning purpose (RFC 9336).
 */
const SIGNING_KEY_USAGE: KeyUsage[] = ["digitalSignature", "contentCommitment"];
const DOCUMENT_SIGNING_EKU = "1.3.6.1.5.5.7.3.36";

export const PIN_MIN_LENGTH = 4;
export const PIN_MAX_LENGTH = 64;
export const MULTISIGN_MAX = 100_000;

export function withoutSecret(credential: SigningCredentialWithSecret): SigningCredential {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { pinHash, ...rest } = credential;
  return rest;
}

function checkPin(pin: string | undefined, field = "pin"): void {
  if (pin === undefined) return;
  if (pin.length < PIN_MIN_LENGTH || pin.length > PIN_MAX_LENGTH) {
    throw validationFailed(`A PIN has ${PIN_MIN_LENGTH} to ${PIN_MAX_LENGTH} characters.`, [
      { field, rule: "length", min: PIN_MIN_LENGTH, max: PIN_MAX_LENGTH },
    ]);
  }
}

function checkAlgorithms(keyType: SigningCredential["keyType"], wanted: string[] | undefined) {
  const possible = algorithmsForKeyType(keyType);
  if (possible.length === 0) {
    throw validationFailed(`A ${keyType} key cannot sign pre-computed hashes; use RSA or ECDSA.`, [
      { field: "key_type", rule: "digest_signing", allowed: ["RSA-*", "ECDSA-*"] },
    ]);
  }
  if (wanted === undefined) return [...possible];
  const unknown = wanted.filter((oid) => !possible.includes(oid));
  if (unknown.length > 0 || wanted.length === 0) {
    throw validationFailed(`A ${keyType} key can use only these algorithms.`, [
      { field: "allowed_algorithms", rule: "subset", allowed: possible },
    ]);
  }
  return [...new Set(wanted)];
}

function pkiInput<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (isPkiError(error)) throw pkiToAppError(error);
    throw error;
  }
}

function keyError(error: unknown): unknown {
  if (error instanceof KeyStoreError) {
    if (error.code === "backend_unavailable") {
      return validationFailed(error.message, [{ field: "key_backend", rule: "configured" }]);
    }
    if (error.code === "invalid_key" || error.code === "unsupported") {
      return validationFailed(error.message, [{ field: "private_key", rule: "supported_key" }]);
    }
  }
  return error;
}

/**
 * Signing credentials (issue 7 §1): a key in custody, its certificate and chain, one owner and
 * the rules for using it. Keys are created (or imported) and the PIN hashed before the short
 * transaction that writes the row and its audit entry; a failed write destroys the new key.
 */
export function createCredentialsService(deps: CredentialsServiceDeps) {
  const { db, clock, keys, audit } = deps;

  async function obtainKey(input: CreateCredentialInput): Promise<KeyInfo> {
    const backend = input.keyBackend ?? keys.defaultBackend;
    const store = keys.get(backend);
    if (input.privateKey !== undefined) {
      if (!canImport(store)) {
        throw validationFailed(`The ${backend} key backend cannot import private keys.`, [
          { field: "key_backend", rule: "importable" },
        ]);
      }
      const pkcs8 = readPrivateKey(input.privateKey);
      try {
        return await store.importPrivateKey(pkcs8, { label: input.name });
      } finally {
        pkcs8.fill(0);
      }
    }
    return store.generate(input.keyType, { label: input.name });
  }

  function checkCreate(input: CreateCredentialInput): void {
    if (input.authMode === "explicit" && input.pin === undefined) {
      throw validationFailed("An explicit credential needs a PIN.", [
        { field: "pin", rule: "required_for_explicit" },
      ]);
    }
    if (input.authMode === "token" && input.pin !== undefined) {
      throw validationFailed('A "token" credential has no PIN: the access token suffices.', [
        { field: "pin", rule: "absent_for_token" },
      ]);
    }
    checkPin(input.pin);
    if (input.caId !== undefined && input.certificate !== undefined) {
      throw validationFailed('Give either "ca_id" or "certificate", not both.', [
        { field: "ca_id", rule: "exclusive" },
      ]);
    }
    if (input.certificate !== undefined && input.privateKey === undefined) {
      throw validationFailed(
        'An imported certificate needs its key as "private_key"; or create the credential without a certificate and upload it for the returned CSR.',
        [{ field: "private_key", rule: "required_with_certificate" }],
      );
    }
    if (input.privateKey !== undefined && input.certificate === undefined) {
      throw validationFailed('"private_key" comes with its "certificate".', [
        { field: "certificate", rule: "required_with_private_key" },
      ]);
    }
    if (input.caId !== undefined && !deps.issuance) {
      throw validationFailed('Issuing from "ca_id" is not available on this server.', [
        { field: "ca_id", rule: "unsupported" },
      ]);
    }
  }

  /** A certificate for the credential's key from a CA here, through issuance (audited there). */
  async function issueFromCa(
    actor: Actor,
    projectId: string,
    caId: string,
    subject: Subject,
    key: KeyInfo,
  ): Promise<{ certificate: CertificateInfo; chain: CertificateInfo[] }> {
    const issued = await deps.issuance!.issueCertificate(actor, {
      projectId,
      caId,
      key: { kind: "public_key", spki: key.publicKeySpki, keyRef: key.keyRef },
      subject,
      keyUsage: SIGNING_KEY_USAGE,
      extendedKeyUsage: [DOCUMENT_SIGNING_EKU],
    });
    return {
      certificate: readCertificate(issued.certificatePem),
      chain: issued.chainPem.trim() === "" ? [] : parseCertificates(issued.chainPem),
    };
  }

  async function createCredential(
    actor: Actor,
    projectId: string,
    input: CreateCredentialInput,
  ): Promise<CreatedCredential> {
    checkCreate(input);
    await deps.users.getUser(actor, input.ownerUserId).catch((error: unknown) => {
      if (error instanceof AppError && error.code === "not_found") {
        throw validationFailed(`No user "${input.ownerUserId}".`, [
          { field: "owner_user_id", rule: "exists" },
        ]);
      }
      throw error;
    });
    const subject: Subject = pkiInput(() =>
      normalizeSubject({ commonName: input.name, ...(input.subject ?? {}) }),
    );
    let certificate =
      input.certificate === undefined ? undefined : readCertificate(input.certificate);
    let chain = readChain(input.chain ?? []);

    // Slow work first, outside any transaction (STYLE.md §6): key, CSR, PIN hash.
    const key = await obtainKey(input).catch((error: unknown) => {
      throw keyError(error);
    });
    const store = keys.forKeyRef(key.keyRef);
    try {
      const allowedAlgorithms = checkAlgorithms(key.keyType, input.allowedAlgorithms);
      if (certificate) assertCertifiesKey(certificate, key.publicKeySpki);
      const issued =
        input.caId === undefined
          ? null
          : await issueFromCa(actor, projectId, input.caId, subject, key);
      if (issued) {
        certificate = issued.certificate;
        chain = issued.chain;
      }
      const csrPem = certificate
        ? null
        : encodePem(
            "CERTIFICATE REQUEST",
            await buildCsr(
              { subject, keyUsage: ["digitalSignature", "contentCommitment"] },
              await store.signer(key.keyRef),
            ),
          );
      const pinHash = input.pin === undefined ? null : await hashPassword(input.pin);
      const now = clock.now();
      const credential: SigningCredentialWithSecret = {
        id: newId("cred"),
        credentialId: randomUUID(),
        projectId,
        ownerUserId: input.ownerUserId,
        name: input.name,
        description: input.description ?? "",
        keyRef: key.keyRef,
        keyBackend: key.backend,
        keyType: key.keyType,
        certificateDer: certificate?.der ?? null,
        chainDer: chain.map((c) => c.der),
        notAfter: certificate?.notAfter ?? null,
        caId: input.caId ?? null,
        authMode: input.authMode,
        hasPin: pinHash !== null,
        pinHash,
        pinFailedAttempts: 0,
        pinLockedAt: null,
        allowedAlgorithms,
        multisign: input.multisign ?? 1,
        scal: input.scal ?? "1",
        isEnabled: true,
        createdAt: now,
        updatedAt: now,
      };
      const spec = {
        action: "signing_credential.create",
        targetType: "signing_credential",
        targetId: credential.id,
        projectId,
        details: {
          name: credential.name,
          owner_user_id: credential.ownerUserId,
          key_type: credential.keyType,
          key_backend: credential.keyBackend,
          auth_mode: credential.authMode,
          certificate: issued ? "issued" : certificate ? "imported" : "pending",
        },
      };
      await audit.record(actor, spec, async (trx) => {
        try {
          await repo.insertCredential(trx, credential);
        } catch (error) {
          if (isForeignKeyViolation(error)) throw notFound("project", projectId);
          throw error;
        }
      });
      return { credential: withoutSecret(credential), csrPem };
    } catch (error) {
      await store.destroy(key.keyRef).catch(() => undefined);
      throw error;
    }
  }

  /**
   * `ownerOnly`: the user id of a self-service (peer) caller, who sees only the credentials it
   * owns; anything else is absent to it (seed 004 §08).
   */
  async function load(
    projectId: string,
    id: string,
    ownerOnly: string | null = null,
  ): Promise<SigningCredentialWithSecret> {
    const credential = await repo.findCredentialInProject(db, projectId, id);
    if (!credential || (ownerOnly !== null && credential.ownerUserId !== ownerOnly)) {
      throw notFound("signing credential", id);
    }
    return credential;
  }

  async function getCredential(
    _actor: Actor,
    projectId: string,
    id: string,
    ownerOnly: string | null = null,
  ): Promise<SigningCredential> {
    return withoutSecret(await load(projectId, id, ownerOnly));
  }

  async function listCredentials(
    _actor: Actor,
    projectId: string,
    page: PageRequest,
    ownerOnly: string | null = null,
  ): Promise<Page<SigningCredential>> {
    const result = await repo.listCredentialsOfProject(
      db,
      projectId,
      page.limit ?? PAGE_LIMIT_DEFAULT,
      page.cursor,
      ownerOnly,
    );
    return { items: result.items.map(withoutSecret), nextCursor: result.nextCursor };
  }

  async function updateCredential(
    actor: Actor,
    projectId: string,
    id: string,
    input: UpdateCredentialInput,
  ): Promise<SigningCredential> {
    const current = await load(projectId, id);
    checkPin(input.pin);
    if (input.pin !== undefined && current.authMode !== "explicit") {
      throw validationFailed('A "token" credential has no PIN.', [
        { field: "pin", rule: "absent_for_token" },
      ]);
    }
    const pinHash = input.pin === undefined ? current.pinHash : await hashPassword(input.pin);
    const next: SigningCredentialWithSecret = {
      ...current,
      name: input.name ?? current.name,
      description: input.description ?? current.description,
      isEnabled: input.isEnabled ?? current.isEnabled,
      multisign: input.multisign ?? current.multisign,
      allowedAlgorithms:
        input.allowedAlgorithms === undefined
          ? current.allowedAlgorithms
          : checkAlgorithms(current.keyType, input.allowedAlgorithms),
      pinHash,
      hasPin: pinHash !== null,
      // A new PIN set by someone allowed to manage the credential lifts a lock-out.
      ...(input.pin !== undefined ? { pinFailedAttempts: 0, pinLockedAt: null } : {}),
      updatedAt: clock.now(),
    };
    const changed = Object.keys(input).filter(
      (field) => input[field as keyof UpdateCredentialInput] !== undefined,
    );
    const spec = {
      action: "signing_credential.update",
      targetType: "signing_credential",
      targetId: id,
      projectId,
      // Field names only: the PIN itself is never written anywhere but as its hash.
      details: {
        fields: changed,
        ...(input.isEnabled !== undefined ? { enabled: input.isEnabled } : {}),
      },
    };
    await audit.record(actor, spec, (trx) => repo.replaceCredential(trx, next));
    return withoutSecret(next);
  }

  /** Attaches the certificate for the credential's key (after its CSR was signed elsewhere). */
  async function setCertificate(
    actor: Actor,
    projectId: string,
    id: string,
    input: { certificate: string; chain?: string[] | undefined },
  ): Promise<SigningCredential> {
    const current = await load(projectId, id);
    const certificate = readCertificate(input.certificate);
    const chain = readChain(input.chain ?? []);
    const key = await keys.forKeyRef(current.keyRef).publicKey(current.keyRef);
    assertCertifiesKey(certificate, key.publicKeySpki);
    const next: SigningCredentialWithSecret = {
      ...current,
      certificateDer: certificate.der,
      chainDer: chain.map((c) => c.der),
      notAfter: certificate.notAfter,
      updatedAt: clock.now(),
    };
    const spec = {
      action: "signing_credential.set_certificate",
      targetType: "signing_credential",
      targetId: id,
      projectId,
      details: {
        serial_number: certificate.serialNumberHex,
        subject: certificate.subject.text,
        not_after: certificate.notAfter.toISOString(),
      },
    };
    await audit.record(actor, spec, (trx) => repo.replaceCredential(trx, next));
    return withoutSecret(next);
  }

  /** Deletes the credential, then its key (a key without a credential signs nothing). */
  async function deleteCredential(actor: Actor, projectId: string, id: string): Promise<void> {
    const current = await load(projectId, id);
    const spec = {
      action: "signing_credential.delete",
      targetType: "signing_credential",
      targetId: id,
      projectId,
      details: { name: current.name },
    };
    await audit.record(actor, spec, (trx) => repo.deleteCredential(trx, id));
    await keys
      .forKeyRef(current.keyRef)
      .destroy(current.keyRef)
      .catch(() => undefined);
  }

  return {
    createCredential,
    getCredential,
    listCredentials,
    updateCredential,
    setCertificate,
    deleteCredential,
  };
}

export type CredentialsService = ReturnType<typeof createCredentialsService>;
