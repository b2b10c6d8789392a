import type { Selectable } from "kysely";

import type { Page } from "../../lib/cursor.js";
import type { Db } from "../../store/db.js";
import { keysetOrder, keysetWhere, toPage, type KeysetSpec } from "../../store/keyset.js";
import type { ProjectsTable } from "../../store/tables/projects.table.js";

import type { Project } from "./projects.types.js";

const BY_ID: KeysetSpec = { column: null, idColumn: "id", direction: "asc", sortTag: "id:asc" };

function toProject(row: Selectable<ProjectsTable>): Project {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export async function insertProject(db: Db, project: Project): Promise<void> {
  await db
    .insertInto("projects")
    .values({
      id: project.id,
      name: project.name,
      description: project.description,
      created_at: project.createdAt.getTime(),
      updated_at: project.updatedAt.getTime(),
    })
    .execute();
}

export async function findProjectById(db: Db, id: string): Promise<Project | undefined> {
  const row = await db.selectFrom("projects").selectAll().where("id", "=", id).executeTakeFirst();
  return row && toProject(row);
}

export async function listProjects(
  db: Db,
  limit: number,
  cursor: string | undefined,
  /** The projects the caller may see; null or undefined for all. */
  scope?: readonly string[] | null,
): Promise<Page<Project>> {
  let query = db.selectFrom("projects").selectAll();
  if (scope != null) {
    if (scope.length === 0) return { items: [], nextCursor: null };
    query = query.where("id", "in", [...scope]);
  }
  const after = keysetWhere(BY_ID, cursor);
  if (after) query = query.where(after);
  for (const { column, direction } of keysetOrder(BY_ID)) {
    query = query.orderBy(column as "id", direction);
  }
  const rows = await query.limit(limit + 1).execute();
  return toPage(rows, limit, BY_ID, (r) => ({ key: null, id: r.id }), toProject);
}

export async function updateProject(
  db: Db,
  id: string,
  changes: { name?: string | undefined; description?: string | undefined; updatedAt: Date },
): Promise<Project | undefined> {
  const row = await db
    .updateTable("projects")
    .set((eb) => ({
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(changes.description === undefined ? {} : { description: changes.description }),
      updated_at: changes.updatedAt.getTime(),
      version: eb("version", "+", 1),
    }))
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  return row && toProject(row);
}

export async function deleteProject(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom("projects").where("id", "=", id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
