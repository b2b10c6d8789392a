import type { Selectable } from "kysely";

import type { Page } from "../../lib/cursor.js";
import type { KeyUsage } from "../../pki/extensions.js";
import type { Subject } from "../../pki/names.js";
import type { KeyType } from "../../pki/signer.js";
import type { Db } from "../../store/db.js";
import { keysetOrder, keysetWhere, toPage, type KeysetSpec } from "../../store/keyset.js";
import type { ProfilesTable, ProjectPoliciesTable } from "../../store/tables/pki.table.js";

import type { Profile, ProjectPolicy, SanRules } from "./profiles.types.js";

const BY_ID: KeysetSpec = { column: null, idColumn: "id", direction: "asc", sortTag: "id:asc" };

function jsonOrNull<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

function toProfile(row: Selectable<ProfilesTable>): Profile {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    description: row.description,
    caId: row.ca_id,
    allowedKeyTypes: jsonOrNull<KeyType[]>(row.allowed_key_types),
    defaultKeyType: row.default_key_type as KeyType | null,
    validityDays: row.validity_days,
    maxValidityDays: row.max_validity_days,
    keyUsage: JSON.parse(row.key_usage) as KeyUsage[],
    extendedKeyUsage: JSON.parse(row.extended_key_usage) as string[],
    subjectDefaults: JSON.parse(row.subject_defaults) as Subject,
    sanRules: JSON.parse(row.san_rules) as SanRules,
    renewalWindowDays: row.renewal_window_days,
    allowKeyDownload: row.is_key_downloadable === 1,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

function profileColumns(profile: Profile) {
  return {
    name: profile.name,
    description: profile.description,
    ca_id: profile.caId,
    allowed_key_types:
      profile.allowedKeyTypes === null ? null : JSON.stringify(profile.allowedKeyTypes),
    default_key_type: profile.defaultKeyType,
    validity_days: profile.validityDays,
    max_validity_days: profile.maxValidityDays,
    key_usage: JSON.stringify(profile.keyUsage),
    extended_key_usage: JSON.stringify(profile.extendedKeyUsage),
    subject_defaults: JSON.stringify(profile.subjectDefaults),
    san_rules: JSON.stringify(profile.sanRules),
    renewal_window_days: profile.renewalWindowDays,
    is_key_downloadable: profile.allowKeyDownload ? 1 : 0,
    updated_at: profile.updatedAt.getTime(),
  };
}

export async function insertProfile(db: Db, profile: Profile): Promise<void> {
  await db
    .insertInto("profiles")
    .values({
      id: profile.id,
      project_id: profile.projectId,
      created_by: profile.createdBy,
      created_at: profile.createdAt.getTime(),
      ...profileColumns(profile),
    })
    .execute();
}

export async function updateProfile(db: Db, profile: Profile): Promise<void> {
  await db
    .updateTable("profiles")
    .set(profileColumns(profile))
    .where("id", "=", profile.id)
    .execute();
}

export async function deleteProfile(db: Db, projectId: string, id: string): Promise<number> {
  const result = await db
    .deleteFrom("profiles")
    .where("id", "=", id)
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function findProfile(
  db: Db,
  projectId: string,
  id: string,
): Promise<Profile | undefined> {
  const row = await db
    .selectFrom("profiles")
    .selectAll()
    .where("id", "=", id)
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  return row && toProfile(row);
}

export async function listProfiles(
  db: Db,
  projectId: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page<Profile>> {
  let query = db.selectFrom("profiles").selectAll().where("project_id", "=", projectId);
  const after = keysetWhere(BY_ID, cursor);
  if (after) query = query.where(after);
  for (const { column, direction } of keysetOrder(BY_ID)) {
    query = query.orderBy(column as "id", direction);
  }
  const rows = await query.limit(limit + 1).execute();
  return toPage(rows, limit, BY_ID, (r) => ({ key: null, id: r.id }), toProfile);
}

function toPolicy(row: Selectable<ProjectPoliciesTable>): ProjectPolicy {
  return {
    projectId: row.project_id,
    allowedKeyTypes: jsonOrNull<KeyType[]>(row.allowed_key_types),
    maxValidityDays: row.max_validity_days,
    allowedDomains: jsonOrNull<string[]>(row.allowed_domains),
    allowWildcards: row.allow_wildcards === 1,
    requireSan: row.require_san === 1,
    updatedAt: new Date(row.updated_at),
    updatedBy: row.updated_by,
  };
}

export async function findPolicy(db: Db, projectId: string): Promise<ProjectPolicy | undefined> {
  const row = await db
    .selectFrom("project_policies")
    .selectAll()
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  return row && toPolicy(row);
}

/** Inserts or replaces the project's policy (one row per project). */
export async function savePolicy(db: Db, policy: ProjectPolicy): Promise<void> {
  const columns = {
    allowed_key_types:
      policy.allowedKeyTypes === null ? null : JSON.stringify(policy.allowedKeyTypes),
    max_validity_days: policy.maxValidityDays,
    allowed_domains: policy.allowedDomains === null ? null : JSON.stringify(policy.allowedDomains),
    allow_wildcards: policy.allowWildcards ? 1 : 0,
    require_san: policy.requireSan ? 1 : 0,
    updated_by: policy.updatedBy ?? "",
    updated_at: (policy.updatedAt ?? new Date()).getTime(),
  };
  await db
    .insertInto("project_policies")
    .values({ project_id: policy.projectId, ...columns })
    .onConflict((oc) => oc.column("project_id").doUpdateSet(columns))
    .execute();
}
