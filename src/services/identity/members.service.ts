import type { Clock } from "../../lib/clock.js";
import { conflict, notFound, validationFailed } from "../../lib/errors.js";
import { isForeignKeyViolation, isUniqueViolation, type Db } from "../../store/db.js";
import type { Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";

import * as repo from "./members.repo.js";
import { PROJECT_ROLES, type ProjectRole } from "./roles.js";
import { findUserById } from "./users.repo.js";
import type { ProjectMember } from "./users.types.js";

function checkRole(role: ProjectRole): void {
  if (!PROJECT_ROLES.includes(role)) {
    throw validationFailed("Unknown project role.", [{ field: "role", allowed: PROJECT_ROLES }]);
  }
}

/** Project membership. The route's access check has already established the project is visible. */
export function createMembersService(deps: {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, "record">;
}) {
  const { db, clock, audit } = deps;

  async function requireProject(projectId: string): Promise<void> {
    if (!(await repo.projectExists(db, projectId))) throw notFound("project", projectId);
  }

  async function listMembers(_actor: Actor, projectId: string): Promise<ProjectMember[]> {
    await requireProject(projectId);
    return repo.listMembers(db, projectId);
  }

  async function addMember(
    actor: Actor,
    projectId: string,
    input: { userId: string; role: ProjectRole },
  ): Promise<ProjectMember> {
    checkRole(input.role);
    await requireProject(projectId);
    const spec = {
      action: "member.add",
      targetType: "user",
      targetId: input.userId,
      projectId,
      details: { role: input.role },
    };
    return audit.record(actor, spec, async (trx) => {
      const user = await findUserById(trx, input.userId);
      if (!user) throw notFound("user", input.userId);
      if (user.orgRole === "peer") {
        throw validationFailed("Peer accounts cannot be project members.", [{ field: "user_id" }]);
      }
      try {
        await repo.insertMember(trx, {
          projectId,
          userId: user.id,
          role: input.role,
          createdAt: clock.now(),
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw conflict(`"${user.username}" is already a member of this project.`, [
            { field: "user_id" },
          ]);
        }
        if (isForeignKeyViolation(error)) throw notFound("project", projectId);
        throw error;
      }
      const member = await repo.findMember(trx, projectId, user.id);
      if (!member) throw notFound("member", user.id);
      return member;
    });
  }

  async function updateMember(
    actor: Actor,
    projectId: string,
    userId: string,
    role: ProjectRole,
  ): Promise<ProjectMember> {
    checkRole(role);
    const spec = {
      action: "member.update",
      targetType: "user",
      targetId: userId,
      projectId,
      details: { role },
    };
    return audit.record(actor, spec, async (trx) => {
      const member = await repo.findMember(trx, projectId, userId);
      if (!member) throw notFound("member", userId);
      if (
        member.role === "owner" &&
        role !== "owner" &&
        (await repo.countOwners(trx, projectId)) <= 1
      ) {
        throw conflict("A project keeps at least one owner.", [{ rule: "last_owner" }]);
      }
      await repo.updateMemberRole(trx, projectId, userId, role);
      return { ...member, role };
    });
  }

  async function removeMember(actor: Actor, projectId: string, userId: string): Promise<void> {
    const spec = { action: "member.remove", targetType: "user", targetId: userId, projectId };
    await audit.record(actor, spec, async (trx) => {
      const member = await repo.findMember(trx, projectId, userId);
      if (!member) throw notFound("member", userId);
      if (member.role === "owner" && (await repo.countOwners(trx, projectId)) <= 1) {
        throw conflict("A project keeps at least one owner.", [{ rule: "last_owner" }]);
      }
      await repo.deleteMember(trx, projectId, userId);
    });
  }

  return { listMembers, addMember, updateMember, removeMember };
}

export type MembersService = ReturnType<typeof createMembersService>;
