import { randomBytes } from "node:crypto";

import { ecdsaDerToRaw } from "../../keys/ecdsa-der.js";
import { KeyStoreError } from "../../keys/errors.js";
import type { KeyStoreRegistry } from "../../keys/key-store-registry.js";
import type { Clock } from "../../lib/clock.js";
import { ulid } from "../../lib/ids.js";
import { parseCertificate, type CertificateInfo } from "../../pki/certificate-info.js";
import type { Db } from "../../store/db.js";
import type { AuditService } from "../audit/audit.service.js";
import { verifyPassword } from "../identity/passwords.js";
import { sha256Hex } from "../identity/tokens.js";

import {
  digestLength,
  ECDSA_ORDER_BYTES,
  isPlainEcdsa,
  requireHashOid,
  schemeFor,
} from "./algorithms.fns.js";
import type { CscAuthentication } from "./csc-auth.service.js";
import { cscError, invalidParameter, invalidRequest, missingString } from "./csc-errors.js";
import * as repo from "./csc.repo.js";
import type { CscCaller, SigningCredential, SigningCredentialWithSecret } from "./csc.types.js";

export interface CscSigningServiceDeps {
  db: Db;
  clock: Clock;
  keys: Pick<KeyStoreRegistry, "forKeyRef">;
  audit: Pick<AuditService, "record">;
}

/** A SAD is short-lived (csc-api-v2.md §4.6 says "default 3600"; we keep it to minutes). */
export const SAD_TTL_MS = 5 * 60_000;
/** Wrong PINs in a row before the credential locks (§4.6 leaves the policy to the RSSP). */
export const PIN_MAX_ATTEMPTS = 5;
/** `credentials/list` has no paging in v2: a caller gets at most this many. */
export const LIST_MAX = 1000;

export type CertificateStatus = "valid" | "expired" | "not_yet_valid" | "missing";

/** A credential with its parsed certificate, as `credentials/list` and `info` describe it. */
export interface CredentialView {
  credential: SigningCredential;
  certificate: CertificateInfo | null;
  chain: CertificateInfo[];
  certificateStatus: CertificateStatus;
  /** Enabled, unlocked and with a currently valid certificate: it can sign now. */
  canSign: boolean;
}

export interface AuthorizeInput {
  credentialId: string;
  numSignatures: number;
  /** Decoded digests the SAD is bound to (SCAL 2), with their hash OID. */
  hashes?: Buffer[] | undefined;
  hashAlgorithmOid?: string | undefined;
  /** The PIN, and whether it came as v2 `authData` (changes the error code, §4.6). */
  pin?: string | undefined;
  pinFromAuthData: boolean;
}

export interface SignHashInput {
  credentialId: string;
  sad?: string | undefined;
  hashes: Buffer[];
  signAlgo: string;
  hashAlgorithmOid?: string | undefined;
  signAlgoParams?: Uint8Array | undefined;
}

function callerTag(caller: CscCaller): string {
  return caller.kind === "user" ? `user:${caller.userId}` : `api_key:${caller.keyId}`;
}

function canUse(caller: CscCaller, credential: SigningCredential): boolean {
  if (caller.kind === "user") return credential.ownerUserId === caller.userId;
  return caller.projectIds === null || caller.projectIds.includes(credential.projectId);
}

function hashesJson(hashes: Buffer[] | undefined): string | null {
  return hashes === undefined ? null : JSON.stringify(hashes.map((h) => h.toString("base64")));
}

/**
 * The signing side of `/csc/v2` (csc-api-v2.md §4.4–§4.10): which credentials a caller sees,
 * credential authorization (PIN → SAD), and `signHash`. Signing happens before the short
 * transaction that spends the SAD and writes the audit entry, and the signatures are returned
 * only if that spend succeeds, so a SAD can never cover more signatures than it authorized.
 */
export function createCscSigningService(deps: CscSigningServiceDeps) {
  const { db, clock, keys, audit } = deps;

  function view(credential: SigningCredential, now: Date): CredentialView {
    const certificate = credential.certificateDer
      ? parseCertificate(credential.certificateDer)
      : null;
    let certificateStatus: CertificateStatus = "missing";
    if (certificate) {
      certificateStatus =
        certificate.notAfter <= now
          ? "expired"
          : certificate.notBefore > now
            ? "not_yet_valid"
            : "valid";
    }
    return {
      credential,
      certificate,
      chain: credential.chainDer.map((der) => parseCertificate(der)),
      certificateStatus,
      canSign:
        credential.isEnabled && credential.pinLockedAt === null && certificateStatus === "valid",
    };
  }

  async function visibleCredential(
    caller: CscCaller,
    credentialId: string,
  ): Promise<SigningCredentialWithSecret> {
    const credential = await repo.findCredentialByCredentialId(db, credentialId);
    // Another user's credential is indistinguishable from one that does not exist.
    if (!credential || !canUse(caller, credential)) throw invalidParameter("credentialID");
    return credential;
  }

  /** `credentials/list` (§4.4). */
  async function listCredentials(
    caller: CscCaller,
    options: { userId?: string | undefined; onlyValid: boolean },
  ): Promise<CredentialView[]> {
    if (caller.kind === "user" && options.userId !== undefined) {
      // A user-specific authorization fixes the user (§2).
      throw invalidRequest("userID parameter MUST be null");
    }
    const credentials = await repo.listCredentialsFor(
      db,
      caller.kind === "user"
        ? { ownerUserId: caller.userId }
        : { ownerUserId: options.userId, projectIds: caller.projectIds },
      LIST_MAX,
    );
    const now = clock.now();
    const views = credentials.map((c) => view(c, now));
    return options.onlyValid ? views.filter((v) => v.canSign) : views;
  }

  /** `credentials/info` (§4.5). */
  async function describeCredential(caller: CscCaller, credentialId: string) {
    return view(await visibleCredential(caller, credentialId), clock.now());
  }

  function assertUsable(credential: SigningCredential): void {
    if (!credential.isEnabled || credential.certificateDer === null) {
      throw invalidRequest("The credential identified by credentialID is disabled");
    }
  }

  function checkBoundHashes(
    hashes: Buffer[] | undefined,
    hashOid: string | undefined,
    credential: SigningCredential,
  ): void {
    if (hashes === undefined) {
      if (credential.scal === "2")
        throw invalidRequest("Missing (or invalid type) array parameter hash");
      return;
    }
    if (hashOid === undefined) throw missingString("hashAlgorithmOID");
    const length = digestLength(requireHashOid(hashOid));
    if (hashes.length === 0) throw invalidRequest("Empty hash array");
    if (hashes.some((h) => h.length !== length))
      throw invalidRequest("Invalid digest value length");
  }

  /** Records a wrong PIN (audited), locking the credential when it used the last attempt. */
  async function pinFailure(
    authentication: CscAuthentication,
    credential: SigningCredentialWithSecret,
    attempts: number,
  ): Promise<boolean> {
    const locks = attempts >= PIN_MAX_ATTEMPTS;
    const spec = {
      action: "signing_credential.pin_failure",
      targetType: "signing_credential",
      targetId: credential.id,
      projectId: credential.projectId,
      details: { failed_attempts: attempts, locked: locks },
    };
    await audit.record(authentication.actor, spec, async (trx) => {
      if (locks) await repo.lockPin(trx, credential.id, clock.now().getTime());
    });
    return locks;
  }

  /**
   * Checks the PIN of an explicit credential. The attempt is counted before the (slow) check,
   * so a burst of parallel guesses gets no more tries than the limit (§4.6 lock-out).
   */
  async function checkPin(
    authentication: CscAuthentication,
    credential: SigningCredentialWithSecret,
    input: AuthorizeInput,
  ): Promise<void> {
    const attempts = await repo.reservePinAttempt(db, credential.id, PIN_MAX_ATTEMPTS);
    if (attempts === null) throw invalidRequest("PIN locked");
    const ok =
      input.pin !== undefined &&
      credential.pinHash !== null &&
      (await verifyPassword(input.pin, credential.pinHash));
    if (ok) return;
    if (await pinFailure(authentication, credential, attempts)) throw invalidRequest("PIN locked");
    throw input.pinFromAuthData
      ? cscError("invalid_authentication_data", "The authentication data is invalid")
      : cscError("invalid_pin", "The PIN is invalid");
  }

  /** `credentials/authorize` (§4.6): checks the PIN and returns a SAD for `numSignatures`. */
  async function authorize(
    authentication: CscAuthentication,
    input: AuthorizeInput,
  ): Promise<{ sad: string; expiresInSeconds: number }> {
    const credential = await visibleCredential(authentication.caller, input.credentialId);
    assertUsable(credential);
    if (!Number.isSafeInteger(input.numSignatures) || input.numSignatures < 1) {
      throw invalidRequest("Invalid value for parameter numSignatures");
    }
    if (input.numSignatures > credential.multisign) {
      throw invalidRequest("Numbers of signatures is too high");
    }
    checkBoundHashes(input.hashes, input.hashAlgorithmOid, credential);
    if (credential.authMode === "explicit") await checkPin(authentication, credential, input);
    const sad = randomBytes(32).toString("base64url");
    const now = clock.now().getTime();
    const spec = {
      action: "signing_credential.authorize",
      targetType: "signing_credential",
      targetId: credential.id,
      projectId: credential.projectId,
      details: {
        credential_id: credential.credentialId,
        num_signatures: input.numSignatures,
        bound_to_hashes: input.hashes !== undefined,
      },
    };
    await audit.record(authentication.actor, spec, async (trx) => {
      if (credential.authMode === "explicit") await repo.resetPinFailures(trx, credential.id);
      await repo.insertSad(trx, {
        sad_hash: sha256Hex(sad),
        transaction_id: ulid(),
        credential_pk: credential.id,
        caller: callerTag(authentication.caller),
        remaining_signatures: input.numSignatures,
        hash_algorithm_oid: input.hashes === undefined ? null : (input.hashAlgorithmOid ?? null),
        hashes: hashesJson(input.hashes),
        created_at: now,
        expires_at: now + SAD_TTL_MS,
      });
    });
    return { sad, expiresInSeconds: SAD_TTL_MS / 1000 };
  }

  /** The SAD row for this caller and credential, or the spec's error for why it is unusable. */
  async function loadSad(
    caller: CscCaller,
    credential: SigningCredential,
    sad: string,
  ): Promise<repo.SadRow> {
    const row = await repo.findSad(db, sha256Hex(sad));
    if (!row || row.credential_pk !== credential.id || row.caller !== callerTag(caller)) {
      throw invalidParameter("SAD");
    }
    if (Number(row.expires_at) <= clock.now().getTime()) throw invalidRequest("SAD expired");
    return row;
  }

  /** `credentials/extendTransaction` (§4.9): a fresh SAD value, the same remaining count. */
  async function extendTransaction(
    authentication: CscAuthentication,
    input: {
      credentialId: string;
      sad: string;
      hashes?: Buffer[] | undefined;
      hashAlgorithmOid?: string | undefined;
    },
  ): Promise<{ sad: string; expiresInSeconds: number }> {
    const credential = await visibleCredential(authentication.caller, input.credentialId);
    assertUsable(credential);
    const row = await loadSad(authentication.caller, credential, input.sad);
    checkBoundHashes(input.hashes, input.hashAlgorithmOid, credential);
    const sad = randomBytes(32).toString("base64url");
    const now = clock.now().getTime();
    const spec = {
      action: "signing_credential.extend_transaction",
      targetType: "signing_credential",
      targetId: credential.id,
      projectId: credential.projectId,
      details: { credential_id: credential.credentialId, remaining: row.remaining_signatures },
    };
    await audit.record(authentication.actor, spec, async (trx) => {
      const replaced = await repo.replaceSad(
        trx,
        row.sad_hash,
        {
          sadHash: sha256Hex(sad),
          expiresAt: now + SAD_TTL_MS,
          hashes: input.hashes === undefined ? row.hashes : hashesJson(input.hashes),
          hashOid:
            input.hashes === undefined ? row.hash_algorithm_oid : (input.hashAlgorithmOid ?? null),
        },
        now,
      );
      if (!replaced) throw invalidRequest("SAD expired");
    });
    return { sad, expiresInSeconds: SAD_TTL_MS / 1000 };
  }

  function checkSadCovers(row: repo.SadRow, hashes: Buffer[], hashOid: string | null): void {
    if (hashes.length > row.remaining_signatures) {
      throw invalidRequest("Numbers of signatures is too high");
    }
    if (row.hashes === null) return;
    if (row.hash_algorithm_oid !== null && hashOid !== null && hashOid !== row.hash_algorithm_oid) {
      throw invalidRequest("Hash is not authorized by the SAD");
    }
    const allowed = new Set(JSON.parse(row.hashes) as string[]);
    if (hashes.some((h) => !allowed.has(h.toString("base64")))) {
      throw invalidRequest("Hash is not authorized by the SAD");
    }
  }

  /** `signatures/signHash` (§4.10, §6): one signature per digest, in input order. */
  async function signHash(
    authentication: CscAuthentication,
    input: SignHashInput,
  ): Promise<Uint8Array[]> {
    const credential = await visibleCredential(authentication.caller, input.credentialId);
    assertUsable(credential);
    const certificate = parseCertificate(credential.certificateDer!);
    const now = clock.now();
    if (certificate.notAfter <= now || certificate.notBefore > now) {
      const { organization, commonName } = certificate.subject.subject;
      const state = certificate.notAfter <= now ? "expired" : "not yet valid";
      throw invalidRequest(
        `Signing certificate 'O=${organization ?? ""},CN=${commonName ?? ""}' is ${state}`,
      );
    }
    if (!credential.allowedAlgorithms.includes(input.signAlgo)) throw invalidParameter("signAlgo");
    const scheme = schemeFor(input);
    if (input.hashes.length === 0) throw invalidRequest("Empty hash array");
    const length = digestLength(scheme.hash);
    if (input.hashes.some((h) => h.length !== length)) {
      throw invalidRequest("Invalid digest value length");
    }
    const hashOid = input.hashAlgorithmOid ?? null;
    let sadRow: repo.SadRow | null = null;
    if (input.sad !== undefined) {
      sadRow = await loadSad(authentication.caller, credential, input.sad);
      checkSadCovers(sadRow, input.hashes, hashOid);
    } else if (credential.authMode !== "token") {
      // Only seal credentials accept the access token alone (§2 seals (b), §9 profile).
      throw missingString("SAD");
    }

    const store = keys.forKeyRef(credential.keyRef);
    const signatures = await store
      .signDigests(credential.keyRef, input.hashes, scheme)
      .catch((error: unknown) => {
        if (error instanceof KeyStoreError && error.code === "invalid_digest") {
          throw invalidRequest("Invalid digest value length");
        }
        if (error instanceof KeyStoreError && error.code === "backend_unavailable") {
          // The HSM holding this key is not configured or failed: retry later, not a bad request.
          throw cscError(
            "temporarily_unavailable",
            "The key store of this credential is unavailable",
            503,
          );
        }
        throw error;
      });

    const spec = {
      action: "signing_credential.sign",
      targetType: "signing_credential",
      targetId: credential.id,
      projectId: credential.projectId,
      // Counts and algorithms only: never the digests, the SAD or a token.
      details: {
        credential_id: credential.credentialId,
        hashes: input.hashes.length,
        sign_algo: input.signAlgo,
        hash_algorithm: scheme.hash,
        authorized_by: sadRow ? "sad" : "access_token",
      },
    };
    await audit.record(authentication.actor, spec, async (trx) => {
      if (
        sadRow &&
        !(await repo.consumeSad(trx, sadRow.sad_hash, input.hashes.length, now.getTime()))
      ) {
        // Another call spent the SAD meanwhile, or it expired while we signed.
        throw invalidParameter("SAD");
      }
    });
    if (!isPlainEcdsa(input.signAlgo)) return signatures;
    // BSI plain ECDSA: r‖s, each left-padded to the order length (csc-api-v2.md §6.2).
    const orderBytes = ECDSA_ORDER_BYTES[credential.keyType]!;
    return signatures.map((der) => ecdsaDerToRaw(der, orderBytes));
  }

  return { listCredentials, describeCredential, authorize, extendTransaction, signHash };
}

export type CscSigningService = ReturnType<typeof createCscSigningService>;
