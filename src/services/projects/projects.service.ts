import type { Clock } from "../../lib/clock.js";
import { PAGE_LIMIT_DEFAULT, type Page, type PageRequest } from "../../lib/cursor.js";
import { conflict, notFound, validationFailed } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { isUniqueViolation, type Db } from "../../store/db.js";
import type { Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";

import * as repo from "./projects.repo.js";
import type { CreateProjectInput, Project, UpdateProjectInput } from "./projects.types.js";

/**
 * Another domain's rows that keep a project alive (CAs, certificates…). Each domain registers one
 * when its tables exist, so deleting a project never orphans them.
 */
export interface ProjectDependents {
  /** Plural noun for the message, e.g. "certificates". */
  kind: string;
  count(db: Db, projectId: string): Promise<number>;
}

export interface ProjectsServiceDeps {
  db: Db;
  clock: Clock;
  dependents: readonly ProjectDependents[];
  audit: Pick<AuditService, "record">;
}

const NAME_MAX = 100;
const DESCRIPTION_MAX = 1000;

function normalizeName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === "" || trimmed.length > NAME_MAX) {
    throw validationFailed(`A project name is 1 to ${NAME_MAX} characters.`, [{ field: "name" }]);
  }
  return trimmed;
}

function nameTaken(name: string) {
  return conflict(`A project named "${name}" already exists.`, [{ field: "name", value: name }]);
}

export function createProjectsService(deps: ProjectsServiceDeps) {
  const { db, clock, audit } = deps;

  async function getProject(_actor: Actor, id: string): Promise<Project> {
    const project = await repo.findProjectById(db, id);
    if (!project) throw notFound("project", id);
    return project;
  }

  function createProject(actor: Actor, input: CreateProjectInput): Promise<Project> {
    const spec = { action: "project.create", targetType: "project", details: { name: input.name } };
    return audit.record(
      actor,
      spec,
      async (trx) => {
        const now = clock.now();
        const project: Project = {
          id: newId("prj"),
          name: normalizeName(input.name),
          description: (input.description ?? "").slice(0, DESCRIPTION_MAX),
          createdAt: now,
          updatedAt: now,
        };
        try {
          await repo.insertProject(trx, project);
        } catch (error) {
          if (isUniqueViolation(error)) throw nameTaken(project.name);
          throw error;
        }
        return project;
      },
      (project) => ({ targetId: project.id, projectId: project.id }),
    );
  }

  function listProjects(actor: Actor, page: PageRequest): Promise<Page<Project>> {
    return repo.listProjects(db, page.limit ?? PAGE_LIMIT_DEFAULT, page.cursor, actor.projectScope);
  }

  function updateProject(actor: Actor, id: string, input: UpdateProjectInput): Promise<Project> {
    const spec = {
      action: "project.update",
      targetType: "project",
      targetId: id,
      projectId: id,
      details: { name: input.name, description: input.description },
    };
    return audit.record(actor, spec, async (trx) => {
      const name = input.name === undefined ? undefined : normalizeName(input.name);
      try {
        const project = await repo.updateProject(trx, id, {
          name,
          description: input.description?.slice(0, DESCRIPTION_MAX),
          updatedAt: clock.now(),
        });
        if (!project) throw notFound("project", id);
        return project;
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(name ?? "");
        throw error;
      }
    });
  }

  async function deleteProject(actor: Actor, id: string): Promise<void> {
    const spec = { action: "project.delete", targetType: "project", targetId: id, projectId: id };
    await audit.record(actor, spec, async (trx) => {
      if (!(await repo.findProjectById(trx, id))) throw notFound("project", id);
      const held: string[] = [];
      for (const dependent of deps.dependents) {
        const count = await dependent.count(trx, id);
        if (count > 0) held.push(`${count} ${dependent.kind}`);
      }
      if (held.length > 0) {
        throw conflict(
          `Project "${id}" still holds ${held.join(" and ")}; delete or move them first.`,
          [{ reason: "project_not_empty", holds: held }],
        );
      }
      await repo.deleteProject(trx, id);
    });
  }

  return { getProject, createProject, listProjects, updateProject, deleteProject };
}

export type ProjectsService = ReturnType<typeof createProjectsService>;
