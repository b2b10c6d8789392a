import type { Selectable } from "kysely";

import type { Page } from "../../lib/cursor.js";
import type { Db } from "../../store/db.js";
import { keysetOrder, keysetWhere, toPage, type KeysetSpec } from "../../store/keyset.js";
import type { UsersTable } from "../../store/tables/identity.table.js";

import type { OrgRole } from "./roles.js";
import type { User, UserWithSecret } from "./users.types.js";

const BY_ID: KeysetSpec = { column: null, idColumn: "id", direction: "asc", sortTag: "id:asc" };

function toUser(row: Selectable<UsersTable>): UserWithSecret {
  return {
    id: row.id,
    username: row.username,
    orgRole: row.org_role,
    isDisabled: row.is_disabled === 1,
    mustChangePassword: row.must_change_password === 1,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
    lastLoginAt: row.last_login_at === null ? null : new Date(Number(row.last_login_at)),
    passwordHash: row.password_hash,
  };
}

export function withoutSecret(user: UserWithSecret): User {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { passwordHash, ...rest } = user;
  return rest;
}

export async function insertUser(db: Db, user: UserWithSecret): Promise<void> {
  await db
    .insertInto("users")
    .values({
      id: user.id,
      username: user.username,
      password_hash: user.passwordHash,
      org_role: user.orgRole,
      is_disabled: user.isDisabled ? 1 : 0,
      must_change_password: user.mustChangePassword ? 1 : 0,
      created_at: user.createdAt.getTime(),
      updated_at: user.updatedAt.getTime(),
      last_login_at: null,
    })
    .execute();
}

export async function findUserById(db: Db, id: string): Promise<UserWithSecret | undefined> {
  const row = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  return row && toUser(row);
}

export async function findUserByUsername(
  db: Db,
  username: string,
): Promise<UserWithSecret | undefined> {
  const row = await db
    .selectFrom("users")
    .selectAll()
    .where("username", "=", username.toLowerCase())
    .executeTakeFirst();
  return row && toUser(row);
}

export async function listUsers(
  db: Db,
  limit: number,
  cursor: string | undefined,
): Promise<Page<User>> {
  let query = db.selectFrom("users").selectAll();
  const after = keysetWhere(BY_ID, cursor);
  if (after) query = query.where(after);
  for (const { column, direction } of keysetOrder(BY_ID)) {
    query = query.orderBy(column as "id", direction);
  }
  const rows = await query.limit(limit + 1).execute();
  return toPage(
    rows,
    limit,
    BY_ID,
    (r) => ({ key: null, id: r.id }),
    (r) => withoutSecret(toUser(r)),
  );
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Enabled admins: the last one may not be demoted, disabled or deleted. */
export async function countActiveAdmins(db: Db): Promise<number> {
  const row = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("org_role", "=", "admin")
    .where("is_disabled", "=", 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateUser(
  db: Db,
  id: string,
  changes: {
    orgRole?: OrgRole | undefined;
    isDisabled?: boolean | undefined;
    passwordHash?: string | undefined;
    mustChangePassword?: boolean | undefined;
    lastLoginAt?: Date | undefined;
    updatedAt: Date;
  },
): Promise<UserWithSecret | undefined> {
  const row = await db
    .updateTable("users")
    .set({
      ...(changes.orgRole === undefined ? {} : { org_role: changes.orgRole }),
      ...(changes.isDisabled === undefined ? {} : { is_disabled: changes.isDisabled ? 1 : 0 }),
      ...(changes.passwordHash === undefined ? {} : { password_hash: changes.passwordHash }),
      ...(changes.mustChangePassword === undefined
        ? {}
        : { must_change_password: changes.mustChangePassword ? 1 : 0 }),
      ...(changes.lastLoginAt === undefined
        ? {}
        : { last_login_at: changes.lastLoginAt.getTime() }),
      updated_at: changes.updatedAt.getTime(),
    })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  return row && toUser(row);
}

export async function deleteUser(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom("users").where("id", "=", id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
