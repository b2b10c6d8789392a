import type { Selectable } from "kysely";

import type { KeyBackendName } from "../../keys/key-store.js";
import type { Page } from "../../lib/cursor.js";
import type { KeyType } from "../../pki/signer.js";
import type { Db } from "../../store/db.js";
import { keysetOrder, keysetWhere, toPage, type KeysetSpec } from "../../store/keyset.js";
import type {
  CscConfigTable,
  CscCredentialsTable,
  CscSadsTable,
  CscTokensTable,
} from "../../store/tables/csc.table.js";

import type { CscConfig, SigningCredentialWithSecret } from "./csc.types.js";

const BY_ID: KeysetSpec = {
  column: null,
  idColumn: "csc_credentials.id",
  direction: "asc",
  sortTag: "id:asc",
};

function toCredential(row: Selectable<CscCredentialsTable>): SigningCredentialWithSecret {
  return {
    id: row.id,
    credentialId: row.credential_id,
    projectId: row.project_id,
    ownerUserId: row.owner_user_id,
    name: row.name,
    description: row.description,
    keyRef: row.key_ref,
    keyBackend: row.key_ref.split(":")[0] as KeyBackendName,
    keyType: row.key_type as KeyType,
    certificateDer: row.certificate_der === null ? null : new Uint8Array(row.certificate_der),
    chainDer: (JSON.parse(row.chain) as string[]).map((b64) => Buffer.from(b64, "base64")),
    notAfter: row.not_after === null ? null : new Date(Number(row.not_after)),
    caId: row.ca_id,
    authMode: row.auth_mode,
    hasPin: row.pin_hash !== null,
    pinHash: row.pin_hash,
    pinFailedAttempts: row.pin_failed_attempts,
    pinLockedAt: row.pin_locked_at === null ? null : new Date(Number(row.pin_locked_at)),
    allowedAlgorithms: JSON.parse(row.allowed_algorithms) as string[],
    multisign: row.multisign,
    scal: row.scal === "2" ? "2" : "1",
    isEnabled: row.is_enabled === 1,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}

export function credentialRow(
  credential: SigningCredentialWithSecret,
): Selectable<CscCredentialsTable> {
  return {
    id: credential.id,
    credential_id: credential.credentialId,
    project_id: credential.projectId,
    owner_user_id: credential.ownerUserId,
    name: credential.name,
    description: credential.description,
    key_ref: credential.keyRef,
    key_type: credential.keyType,
    certificate_der:
      credential.certificateDer === null ? null : Buffer.from(credential.certificateDer),
    chain: JSON.stringify(credential.chainDer.map((der) => Buffer.from(der).toString("base64"))),
    not_after: credential.notAfter?.getTime() ?? null,
    ca_id: credential.caId,
    auth_mode: credential.authMode,
    pin_hash: credential.pinHash,
    pin_failed_attempts: credential.pinFailedAttempts,
    pin_locked_at: credential.pinLockedAt?.getTime() ?? null,
    allowed_algorithms: JSON.stringify(credential.allowedAlgorithms),
    multisign: credential.multisign,
    scal: credential.scal,
    is_enabled: credential.isEnabled ? 1 : 0,
    created_at: credential.createdAt.getTime(),
    updated_at: credential.updatedAt.getTime(),
  };
}

export async function insertCredential(db: Db, credential: SigningCredentialWithSecret) {
  await db.insertInto("csc_credentials").values(credentialRow(credential)).execute();
}

export async function replaceCredential(db: Db, credential: SigningCredentialWithSecret) {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { id, credential_id, project_id, created_at, ...changes } = credentialRow(credential);
  await db.updateTable("csc_credentials").set(changes).where("id", "=", id).execute();
}

export async function deleteCredential(db: Db, id: string): Promise<void> {
  await db.deleteFrom("csc_credentials").where("id", "=", id).execute();
}

export async function findCredentialInProject(
  db: Db,
  projectId: string,
  id: string,
): Promise<SigningCredentialWithSecret | undefined> {
  const row = await db
    .selectFrom("csc_credentials")
    .selectAll()
    .where("project_id", "=", projectId)
    .where("id", "=", id)
    .executeTakeFirst();
  return row && toCredential(row);
}

export async function findCredentialByCredentialId(
  db: Db,
  credentialId: string,
): Promise<SigningCredentialWithSecret | undefined> {
  const row = await db
    .selectFrom("csc_credentials")
    .selectAll()
    .where("credential_id", "=", credentialId)
    .executeTakeFirst();
  return row && toCredential(row);
}

export async function listCredentialsOfProject(
  db: Db,
  projectId: string,
  limit: number,
  cursor: string | undefined,
  /** Only this owner's credentials (peers see their own). */
  ownerUserId: string | null,
): Promise<Page<SigningCredentialWithSecret>> {
  let query = db.selectFrom("csc_credentials").selectAll().where("project_id", "=", projectId);
  if (ownerUserId !== null) query = query.where("owner_user_id", "=", ownerUserId);
  const after = keysetWhere(BY_ID, cursor);
  if (after) query = query.where(after);
  for (const { column, direction } of keysetOrder(BY_ID)) {
    query = query.orderBy(column as "id", direction);
  }
  const rows = await query.limit(limit + 1).execute();
  return toPage(rows, limit, BY_ID, (r) => ({ key: null, id: r.id }), toCredential);
}

/** Credentials a `/csc/v2` caller may use: by owner, or by projects (null: every project). */
export async function listCredentialsFor(
  db: Db,
  filter: { ownerUserId?: string | undefined; projectIds?: readonly string[] | null },
  limit: number,
): Promise<SigningCredentialWithSecret[]> {
  let query = db.selectFrom("csc_credentials").selectAll();
  if (filter.ownerUserId !== undefined) {
    query = query.where("owner_user_id", "=", filter.ownerUserId);
  }
  if (filter.projectIds != null) {
    if (filter.projectIds.length === 0) return [];
    query = query.where("project_id", "in", [...filter.projectIds]);
  }
  const rows = await query.orderBy("id", "asc").limit(limit).execute();
  return rows.map(toCredential);
}

/**
 * Takes one PIN attempt before the PIN is checked, in one statement, so concurrent guesses can
 * never exceed `max` between lock-outs. Returns the attempts now used, or null when the
 * credential is locked or out of attempts.
 */
export async function reservePinAttempt(db: Db, id: string, max: number): Promise<number | null> {
  const row = await db
    .updateTable("csc_credentials")
    .set((eb) => ({ pin_failed_attempts: eb("pin_failed_attempts", "+", 1) }))
    .where("id", "=", id)
    .where("pin_locked_at", "is", null)
    .where("pin_failed_attempts", "<", max)
    .returning("pin_failed_attempts")
    .executeTakeFirst();
  return row ? Number(row.pin_failed_attempts) : null;
}

/** Locks the credential after its last allowed wrong PIN. */
export async function lockPin(db: Db, id: string, at: number): Promise<void> {
  await db
    .updateTable("csc_credentials")
    .set({ pin_locked_at: at })
    .where("id", "=", id)
    .where("pin_locked_at", "is", null)
    .execute();
}

/** A right PIN: the attempt taken for it and earlier failures no longer count. */
export async function resetPinFailures(db: Db, id: string): Promise<void> {
  await db
    .updateTable("csc_credentials")
    .set({ pin_failed_attempts: 0 })
    .where("id", "=", id)
    .where("pin_failed_attempts", ">", 0)
    .execute();
}

// --- service tokens (auth/login) ---

export async function insertToken(db: Db, row: Selectable<CscTokensTable>): Promise<void> {
  await db.insertInto("csc_tokens").values(row).execute();
}

export interface TokenWithUser {
  token: Selectable<CscTokensTable>;
  username: string;
  isUserDisabled: boolean;
}

/** The token and, joined, the state of its user (a disabled user's tokens stop working). */
export async function findToken(db: Db, tokenHash: string): Promise<TokenWithUser | undefined> {
  const row = await db
    .selectFrom("csc_tokens")
    .innerJoin("users", "users.id", "csc_tokens.user_id")
    .selectAll("csc_tokens")
    .select(["users.username", "users.is_disabled"])
    .where("csc_tokens.token_hash", "=", tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const { username, is_disabled, ...token } = row;
  return { token, username, isUserDisabled: is_disabled === 1 };
}

export async function revokeToken(db: Db, tokenHash: string, at: number): Promise<void> {
  await db
    .updateTable("csc_tokens")
    .set({ revoked_at: at })
    .where("token_hash", "=", tokenHash)
    .where("revoked_at", "is", null)
    .execute();
}

export async function revokeGrant(db: Db, grantId: string, at: number): Promise<void> {
  await db
    .updateTable("csc_tokens")
    .set({ revoked_at: at })
    .where("grant_id", "=", grantId)
    .where("revoked_at", "is", null)
    .execute();
}

/** Removes expired tokens and SADs; returns how many rows went. */
export async function deleteExpired(db: Db, before: number): Promise<number> {
  const tokens = await db
    .deleteFrom("csc_tokens")
    .where("expires_at", "<", before)
    .executeTakeFirst();
  const sads = await db.deleteFrom("csc_sads").where("expires_at", "<", before).executeTakeFirst();
  return Number(tokens.numDeletedRows) + Number(sads.numDeletedRows);
}

// --- SADs (credentials/authorize) ---

export type SadRow = Selectable<CscSadsTable>;

export async function insertSad(db: Db, row: SadRow): Promise<void> {
  await db.insertInto("csc_sads").values(row).execute();
}

export async function findSad(db: Db, sadHash: string): Promise<SadRow | undefined> {
  return db.selectFrom("csc_sads").selectAll().where("sad_hash", "=", sadHash).executeTakeFirst();
}

/**
 * Takes `count` signatures off the SAD in one statement, so concurrent calls with the same SAD
 * can never sign more than it authorized. Returns false when it no longer covers them.
 */
export async function consumeSad(
  db: Db,
  sadHash: string,
  count: number,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable("csc_sads")
    .set((eb) => ({ remaining_signatures: eb("remaining_signatures", "-", count) }))
    .where("sad_hash", "=", sadHash)
    .where("remaining_signatures", ">=", count)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  // A used-up SAD is gone for good (csc-api-v2.md §2: invalidate it at zero).
  await db
    .deleteFrom("csc_sads")
    .where("sad_hash", "=", sadHash)
    .where("remaining_signatures", "<=", 0)
    .execute();
  return true;
}

/** Extends a transaction: a new SAD value and expiry; the old value stops working at once. */
export async function replaceSad(
  db: Db,
  oldHash: string,
  changes: { sadHash: string; expiresAt: number; hashes: string | null; hashOid: string | null },
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable("csc_sads")
    .set({
      sad_hash: changes.sadHash,
      expires_at: changes.expiresAt,
      hashes: changes.hashes,
      hash_algorithm_oid: changes.hashOid,
    })
    .where("sad_hash", "=", oldHash)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// --- service configuration (seed 001's CSC Configuration tab) ---

type ConfigRow = Omit<Selectable<CscConfigTable>, "logo">;

function toConfig(row: ConfigRow): CscConfig {
  return {
    name: row.name,
    region: row.region,
    lang: row.lang,
    description: row.description,
    authTypes: JSON.parse(row.auth_types) as string[],
    // The logo and its type are written together; the bytes are read only when served.
    hasLogo: row.logo_content_type !== null,
    logoContentType: row.logo_content_type,
    updatedAt: new Date(Number(row.updated_at)),
  };
}

export async function getConfig(db: Db): Promise<CscConfig> {
  const row = await db
    .selectFrom("csc_config")
    .select([
      "id",
      "name",
      "region",
      "lang",
      "description",
      "auth_types",
      "logo_content_type",
      "updated_at",
    ])
    .where("id", "=", 1)
    .executeTakeFirstOrThrow();
  return toConfig(row);
}

export async function getLogo(
  db: Db,
): Promise<{ bytes: Uint8Array; contentType: string } | undefined> {
  const row = await db
    .selectFrom("csc_config")
    .select(["logo", "logo_content_type"])
    .where("id", "=", 1)
    .executeTakeFirst();
  if (!row?.logo || !row.logo_content_type) return undefined;
  return { bytes: new Uint8Array(row.logo), contentType: row.logo_content_type };
}

export async function updateConfig(
  db: Db,
  changes: Partial<Omit<Selectable<CscConfigTable>, "id">>,
): Promise<void> {
  await db.updateTable("csc_config").set(changes).where("id", "=", 1).execute();
}
