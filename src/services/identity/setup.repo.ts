import type { Selectable } from "kysely";

import type { Db } from "../../store/db.js";
import type { SetupStateTable } from "../../store/tables/identity.table.js";

export type SetupStateRow = Selectable<SetupStateTable>;

export async function readSetupState(db: Db): Promise<SetupStateRow> {
  return db.selectFrom("setup_state").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
}

/**
 * Moves the wizard on only from the state the caller saw (compare-and-set on the columns that
 * define the step), so two concurrent submissions of one step cannot both succeed.
 */
export async function advanceSetupState(
  db: Db,
  expected: { step: "organization" | "admin" | "project" | "complete" },
  changes: Partial<Omit<SetupStateRow, "id">>,
): Promise<boolean> {
  let query = db
    .updateTable("setup_state")
    .set(changes)
    .where("id", "=", 1)
    .where("completed_at", "is", null);
  if (expected.step === "organization") query = query.where("organization_name", "is", null);
  if (expected.step === "admin") {
    query = query.where("organization_name", "is not", null).where("admin_user_id", "is", null);
  }
  if (expected.step === "project") {
    query = query.where("admin_user_id", "is not", null).where("first_project_id", "is", null);
  }
  if (expected.step === "complete") query = query.where("admin_user_id", "is not", null);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function insertSetupToken(
  db: Db,
  token: { token_hash: string; created_at: number; expires_at: number },
): Promise<void> {
  await db.insertInto("setup_tokens").values(token).execute();
}

export async function findValidSetupToken(
  db: Db,
  tokenHash: string,
  now: number,
): Promise<boolean> {
  const row = await db
    .selectFrom("setup_tokens")
    .select("token_hash")
    .where("token_hash", "=", tokenHash)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteSetupTokens(db: Db): Promise<void> {
  await db.deleteFrom("setup_tokens").execute();
}
