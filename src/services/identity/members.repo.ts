import type { Db } from "../../store/db.js";

import type { ProjectRole } from "./roles.js";
import type { ProjectMember } from "./users.types.js";

/** Project id → role for one user (what the authorization hook needs per request). */
export async function projectRolesOf(db: Db, userId: string): Promise<Map<string, ProjectRole>> {
  const rows = await db
    .selectFrom("project_members")
    .select(["project_id", "role"])
    .where("user_id", "=", userId)
    .execute();
  return new Map(rows.map((r) => [r.project_id, r.role]));
}

export async function listMembers(db: Db, projectId: string): Promise<ProjectMember[]> {
  const rows = await db
    .selectFrom("project_members")
    .innerJoin("users", "users.id", "project_members.user_id")
    .select([
      "project_members.project_id",
      "project_members.user_id",
      "users.username",
      "project_members.role",
      "project_members.created_at",
    ])
    .where("project_members.project_id", "=", projectId)
    .orderBy("users.username")
    .execute();
  return rows.map((r) => ({
    projectId: r.project_id,
    userId: r.user_id,
    username: r.username,
    role: r.role,
    createdAt: new Date(Number(r.created_at)),
  }));
}

export async function findMember(
  db: Db,
  projectId: string,
  userId: string,
): Promise<ProjectMember | undefined> {
  const members = await listMembers(db, projectId);
  return members.find((m) => m.userId === userId);
}

export async function insertMember(
  db: Db,
  member: { projectId: string; userId: string; role: ProjectRole; createdAt: Date },
): Promise<void> {
  await db
    .insertInto("project_members")
    .values({
      project_id: member.projectId,
      user_id: member.userId,
      role: member.role,
      created_at: member.createdAt.getTime(),
    })
    .execute();
}

export async function updateMemberRole(
  db: Db,
  projectId: string,
  userId: string,
  role: ProjectRole,
): Promise<boolean> {
  const result = await db
    .updateTable("project_members")
    .set({ role })
    .where("project_id", "=", projectId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteMember(db: Db, projectId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom("project_members")
    .where("project_id", "=", projectId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function countOwners(db: Db, projectId: string): Promise<number> {
  const row = await db
    .selectFrom("project_members")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("project_id", "=", projectId)
    .where("role", "=", "owner")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function projectExists(db: Db, projectId: string): Promise<boolean> {
  const row = await db
    .selectFrom("projects")
    .select("id")
    .where("id", "=", projectId)
    .executeTakeFirst();
  return row !== undefined;
}
