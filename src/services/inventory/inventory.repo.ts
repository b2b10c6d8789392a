import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type Selectable,
  type SqlBool,
} from "kysely";

import { decodeCursor, type Page } from "../../lib/cursor.js";
import type { Database } from "../../store/database.js";
import type { Db } from "../../store/db.js";
import { keysetOrder, keysetWhere, toPage, type KeysetSpec } from "../../store/keyset.js";
import type { CertificatesTable } from "../../store/tables/pki.table.js";

import { effectiveStatus, hexQuery, serialCandidates } from "./inventory.fns.js";
import type {
  CertificateFilter,
  CertificateSort,
  InventoryCertificate,
  InventoryCertificateDetail,
  SortOrder,
  StoredCertificateStatus,
  TypedSan,
} from "./inventory.types.js";

const DAY_MS = 86_400_000;
/** Above every character a name can hold, so [q, q + MAX) is "starts with q" in byte order. */
const MAX_CHAR = "\u{10FFFF}";

/** Every column but the DER: list pages never carry certificate bodies. */
const LIST_COLUMNS = [
  "c.id",
  "c.project_id",
  "c.ca_id",
  "c.profile_id",
  "c.issuer_type",
  "c.status",
  "c.common_name",
  "c.sans",
  "c.subject_dn",
  "c.issuer_dn",
  "c.serial_number",
  "c.fingerprint_sha256",
  "c.fingerprint_sha1",
  "c.key_type",
  "c.key_size",
  "c.not_before",
  "c.expires_at",
  "c.key_ref",
  "c.is_key_downloadable",
  "c.revoked_at",
  "c.revocation_reason",
  "c.predecessor_id",
  "c.created_at",
  "c.updated_at",
] as const;

type ListRow = Omit<
  Selectable<CertificatesTable>,
  "certificate_der" | "chain_pem" | "issuer_key_id" | "invalidity_date" | "created_by"
>;

function toCertificate(row: ListRow, now: Date): InventoryCertificate {
  const expiresAt = new Date(Number(row.expires_at));
  return {
    id: row.id,
    projectId: row.project_id,
    caId: row.ca_id,
    profileId: row.profile_id,
    issuerType: row.issuer_type,
    status: effectiveStatus(row.status, expiresAt, now),
    commonName: row.common_name,
    sans: JSON.parse(row.sans) as TypedSan[],
    subjectDn: row.subject_dn,
    issuerDn: row.issuer_dn,
    serialNumber: row.serial_number,
    fingerprintSha256: row.fingerprint_sha256,
    fingerprintSha1: row.fingerprint_sha1,
    keyType: row.key_type,
    keySize: row.key_size,
    notBefore: new Date(Number(row.not_before)),
    expiresAt,
    hasPrivateKey: row.key_ref !== null,
    isKeyDownloadable: row.key_ref !== null && row.is_key_downloadable === 1,
    revokedAt: row.revoked_at === null ? null : new Date(Number(row.revoked_at)),
    revocationReason: row.revocation_reason,
    predecessorId: row.predecessor_id,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}

export async function countCertificates(db: Db, projectId: string): Promise<number> {
  const row = await db
    .selectFrom("certificates")
    .select((eb) => eb.fn.countAll<number | string>().as("count"))
    .where("project_id", "=", projectId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Ids of the project's certificates with these SHA-256 fingerprints (re-imports). */
export async function findIdsByFingerprint(
  db: Db,
  projectId: string,
  fingerprints: readonly string[],
): Promise<Map<string, string>> {
  if (fingerprints.length === 0) return new Map();
  const rows = await db
    .selectFrom("certificates")
    .select(["id", "fingerprint_sha256"])
    .where("project_id", "=", projectId)
    .where("fingerprint_sha256", "in", [...fingerprints])
    .execute();
  return new Map(rows.map((r) => [r.fingerprint_sha256, r.id]));
}

export async function findCertificate(
  db: Db,
  projectId: string,
  id: string,
  now: Date,
): Promise<InventoryCertificateDetail | undefined> {
  const row = await db
    .selectFrom("certificates as c")
    .select([...LIST_COLUMNS, "c.certificate_der", "c.chain_pem"])
    .where("c.project_id", "=", projectId)
    .where("c.id", "=", id)
    .executeTakeFirst();
  if (!row) return undefined;
  const successors = await db
    .selectFrom("certificates")
    .select("id")
    .where("project_id", "=", projectId)
    .where("predecessor_id", "=", id)
    .orderBy("id")
    .execute();
  return {
    ...toCertificate(row, now),
    certificateDer: new Uint8Array(row.certificate_der),
    chainPem: row.chain_pem,
    successorIds: successors.map((s) => s.id),
    keyRef: row.key_ref,
  };
}

/** The project's certificates with these ids, in the order given. */
export async function findCertificatesByIds(
  db: Db,
  projectId: string,
  ids: readonly string[],
  now: Date,
): Promise<InventoryCertificate[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom("certificates as c")
    .select(LIST_COLUMNS)
    .where("c.project_id", "=", projectId)
    .where("c.id", "in", [...ids])
    .execute();
  const byId = new Map(rows.map((r) => [r.id, toCertificate(r, now)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** A CA of the project whose subject key identifier is `keyId` (the AKI of an import). */
export async function findCaByKeyId(
  db: Db,
  projectId: string,
  keyId: string,
): Promise<{ id: string; certificateDer: Uint8Array; chainPem: string }[]> {
  const rows = await db
    .selectFrom("cas")
    .select(["id", "certificate_der", "chain_pem"])
    .where("project_id", "=", projectId)
    .where("subject_key_id", "=", keyId)
    .where("certificate_der", "is not", null)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    certificateDer: new Uint8Array(r.certificate_der!),
    chainPem: r.chain_pem,
  }));
}

export async function markSuperseded(db: Db, id: string, now: Date): Promise<void> {
  await db
    .updateTable("certificates")
    .set({ status: "superseded", updated_at: now.getTime() })
    .where("id", "=", id)
    .where("status", "in", ["active", "renewal_failed"])
    .execute();
}

export async function setKeyDownloadable(db: Db, id: string, value: boolean): Promise<void> {
  await db
    .updateTable("certificates")
    .set({ is_key_downloadable: value ? 1 : 0 })
    .where("id", "=", id)
    .execute();
}

const SORT_COLUMN: Record<CertificateSort, string> = {
  expires_at: "c.expires_at",
  created_at: "c.created_at",
  common_name: "c.common_name",
};

export function keysetFor(sort: CertificateSort, order: SortOrder): KeysetSpec {
  return {
    column: SORT_COLUMN[sort],
    idColumn: "c.id",
    direction: order,
    sortTag: `${sort}:${order}`,
  };
}

type Eb = ExpressionBuilder<Database & { c: CertificatesTable }, "c">;

/** The OR of the requested statuses, with "expired" and liveness computed from `now`. */
function statusCondition(eb: Eb, statuses: readonly string[], now: number): Expression<SqlBool> {
  const live = statuses.filter(
    (s): s is Exclude<StoredCertificateStatus, "revoked"> =>
      s === "active" || s === "renewal_failed" || s === "superseded",
  );
  const alternatives: Expression<SqlBool>[] = [];
  if (live.length > 0) {
    alternatives.push(eb.and([eb("c.status", "in", live), eb("c.expires_at", ">=", now)]));
  }
  if (statuses.includes("revoked")) alternatives.push(eb("c.status", "=", "revoked"));
  if (statuses.includes("expired")) {
    alternatives.push(eb.and([eb("c.status", "<>", "revoked"), eb("c.expires_at", "<", now)]));
  }
  return eb.or(alternatives);
}

/** The project's certificate_names rows (`n`) that start with `q`, case-insensitively. */
function namesStartingWith(db: Db, projectId: string, q: string) {
  const name = q.trim().toLowerCase();
  return db
    .selectFrom("certificate_names as n")
    .where("n.project_id", "=", projectId)
    .where("n.name", ">=", name)
    .where("n.name", "<", name + MAX_CHAR);
}

/**
 * `q`: a name prefix from certificate_names (index range scan), or an exact serial number or
 * fingerprint. A UNION of index lookups, rather than an OR across tables, keeps every branch on
 * its own index.
 */
function queryCondition(eb: Eb, db: Db, projectId: string, q: string): Expression<SqlBool> {
  const byName = namesStartingWith(db, projectId, q).select("n.certificate_id as id");
  const hex = hexQuery(q);
  if (hex === null) return eb("c.id", "in", byName);
  const serials = serialCandidates(hex);
  const byHex = db
    .selectFrom("certificates")
    .select("id")
    .where("project_id", "=", projectId)
    .where((h) =>
      h.or([
        h("serial_number", "in", serials),
        h("fingerprint_sha256", "=", hex),
        h("fingerprint_sha1", "=", hex),
      ]),
    );
  return eb("c.id", "in", byName.union(byHex));
}

/**
 * The search box case: a name prefix and nothing else. A prefix can match thousands of
 * certificates (`host-1` at 10M rows: 1.1M of them); the page is then chosen from
 * certificate_names_search_idx alone — matching names with their certificate's sort key,
 * de-duplicated, resumed after the cursor, in page order — and only those ids are read from
 * `certificates`. Serials and fingerprints (a hex `q`) and other filters take the general path.
 */
function namePageIds(
  db: Db,
  projectId: string,
  filter: CertificateFilter,
  spec: KeysetSpec,
  limit: number,
  cursor: string | undefined,
) {
  const q = filter.q?.trim() ?? "";
  const isNameOnly =
    q !== "" &&
    hexQuery(q) === null &&
    spec.column !== null &&
    !filter.statuses?.length &&
    filter.expiringWithinDays === undefined &&
    !filter.issuerTypes?.length &&
    !filter.caIds?.length &&
    !filter.profileIds?.length;
  if (!isNameOnly) return null;
  // certificate_names carries the same sort keys under the same column names.
  const names: KeysetSpec = {
    ...spec,
    column: spec.column!.replace(/^c\./, "n."),
    idColumn: "n.certificate_id",
  };
  let page = namesStartingWith(db, projectId, q)
    .select(["n.certificate_id", sql.ref(names.column!).as("sort_key")])
    .distinct();
  const after = keysetWhere(names, cursor);
  if (after) page = page.where(after);
  for (const { column, direction } of keysetOrder(names)) {
    page = page.orderBy(sql.ref(column), direction);
  }
  return db.selectFrom(page.limit(limit + 1).as("page")).select("page.certificate_id");
}

export async function listCertificates(
  db: Db,
  projectId: string,
  filter: CertificateFilter,
  spec: KeysetSpec,
  limit: number,
  cursor: string | undefined,
  now: Date,
): Promise<Page<InventoryCertificate>> {
  const nowMs = now.getTime();
  let query = db
    .selectFrom("certificates as c")
    .select(LIST_COLUMNS)
    .where("c.project_id", "=", projectId);
  if (filter.statuses?.length) {
    const statuses = filter.statuses;
    query = query.where((eb) => statusCondition(eb, statuses, nowMs));
  }
  if (filter.expiringWithinDays !== undefined) {
    query = query
      .where("c.expires_at", ">=", nowMs)
      .where("c.expires_at", "<=", nowMs + filter.expiringWithinDays * DAY_MS);
  }
  if (filter.issuerTypes?.length)
    query = query.where("c.issuer_type", "in", [...filter.issuerTypes]);
  if (filter.caIds?.length) query = query.where("c.ca_id", "in", [...filter.caIds]);
  if (filter.profileIds?.length) query = query.where("c.profile_id", "in", [...filter.profileIds]);
  const namePage = namePageIds(db, projectId, filter, spec, limit, cursor);
  if (namePage) {
    query = query.where("c.id", "in", namePage);
  } else if (filter.q !== undefined && filter.q.trim() !== "") {
    const q = filter.q;
    query = query.where((eb) => queryCondition(eb, db, projectId, q));
  }
  const after = keysetWhere(spec, cursor);
  if (after) query = query.where(after);
  if (cursor !== undefined && spec.column !== null) {
    // The keyset condition is an OR (key beyond, or key equal and id beyond), which neither
    // SQLite nor PostgreSQL turns into an index range start; this redundant bound on the sort
    // key alone does, so a deep page seeks instead of scanning the pages before it.
    const { key } = decodeCursor(cursor, spec.sortTag);
    query = query.where(sql.ref(spec.column), spec.direction === "asc" ? ">=" : "<=", key ?? null);
  }
  for (const { column, direction } of keysetOrder(spec)) {
    query = query.orderBy(sql.ref(column), direction);
  }
  const rows = await query.limit(limit + 1).execute();
  const keyColumn = spec.column?.slice(2) as keyof ListRow | undefined;
  return toPage(
    rows,
    limit,
    spec,
    (r) => ({ key: keyColumn ? (r[keyColumn] as string | number) : null, id: r.id }),
    (r) => toCertificate(r, now),
  );
}
