import type { Clock } from "../../lib/clock.js";
import { PAGE_LIMIT_DEFAULT, type Page, type PageRequest } from "../../lib/cursor.js";
import { conflict, notFound, validationFailed } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { isUniqueViolation, type Db } from "../../store/db.js";
import type { Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";

import { checkPasswordPolicy, hashPassword } from "./passwords.js";
import { ORG_ROLES } from "./roles.js";
import { deleteSessionsOfUser } from "./sessions.repo.js";
import * as repo from "./users.repo.js";
import type { CreateUserInput, UpdateUserInput, User } from "./users.types.js";

const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{1,63}$/;

export function normalizeUsername(username: string): string {
  const normalized = username.trim().toLowerCase();
  if (!USERNAME_PATTERN.test(normalized)) {
    throw validationFailed(
      "A username is 2 to 64 characters: letters, digits, '.', '_', '@' or '-', starting with a letter or digit.",
      [{ field: "username", rule: "pattern" }],
    );
  }
  return normalized;
}

function lastAdmin(): never {
  throw conflict("This is the last active admin; make another admin first.", [
    { rule: "last_admin" },
  ]);
}

export interface UsersServiceDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, "record">;
}

/** Organisation accounts. Every change is audited in the transaction that makes it. */
export function createUsersService(deps: UsersServiceDeps) {
  const { db, clock, audit } = deps;

  async function createUser(actor: Actor, input: CreateUserInput): Promise<User> {
    const username = normalizeUsername(input.username);
    if (!ORG_ROLES.includes(input.orgRole)) {
      throw validationFailed("Unknown role.", [{ field: "role", allowed: ORG_ROLES }]);
    }
    checkPasswordPolicy(input.password, username);
    // scrypt runs before the transaction: never hold the audit lock for a slow hash.
    const passwordHash = await hashPassword(input.password);
    const spec = {
      action: "user.create",
      targetType: "user",
      details: { username, role: input.orgRole },
    };
    return audit.record(
      actor,
      spec,
      async (trx) => {
        const now = clock.now();
        const user = {
          id: newId("usr"),
          username,
          orgRole: input.orgRole,
          isDisabled: false,
          mustChangePassword: input.mustChangePassword ?? true,
          createdAt: now,
          updatedAt: now,
          lastLoginAt: null,
          passwordHash,
        };
        try {
          await repo.insertUser(trx, user);
        } catch (error) {
          if (isUniqueViolation(error)) {
            throw conflict(`A user named "${username}" already exists.`, [{ field: "username" }]);
          }
          throw error;
        }
        return repo.withoutSecret(user);
      },
      (user) => ({ targetId: user.id }),
    );
  }

  async function getUser(_actor: Actor, id: string): Promise<User> {
    const user = await repo.findUserById(db, id);
    if (!user) throw notFound("user", id);
    return repo.withoutSecret(user);
  }

  /** By username, as seed 003's admin reset names its user. */
  async function getUserByUsername(_actor: Actor, username: string): Promise<User> {
    const user = await repo.findUserByUsername(db, username.trim());
    if (!user) throw notFound("user", username.trim().slice(0, 100));
    return repo.withoutSecret(user);
  }

  function listUsers(_actor: Actor, page: PageRequest): Promise<Page<User>> {
    return repo.listUsers(db, page.limit ?? PAGE_LIMIT_DEFAULT, page.cursor);
  }

  function updateUser(actor: Actor, id: string, input: UpdateUserInput): Promise<User> {
    const spec = {
      action: "user.update",
      targetType: "user",
      targetId: id,
      details: {
        ...(input.orgRole === undefined ? {} : { role: input.orgRole }),
        ...(input.isDisabled === undefined ? {} : { disabled: input.isDisabled }),
      },
    };
    return audit.record(actor, spec, async (trx) => {
      const user = await repo.findUserById(trx, id);
      if (!user) throw notFound("user", id);
      const losesAdmin =
        user.orgRole === "admin" &&
        !user.isDisabled &&
        ((input.orgRole !== undefined && input.orgRole !== "admin") || input.isDisabled === true);
      if (losesAdmin && (await repo.countActiveAdmins(trx)) <= 1) lastAdmin();
      if (input.isDisabled === true && actor.id === id) {
        throw conflict("You cannot disable your own account.", [{ rule: "self" }]);
      }
      const updated = await repo.updateUser(trx, id, { ...input, updatedAt: clock.now() });
      if (!updated) throw notFound("user", id);
      if (input.isDisabled === true) await deleteSessionsOfUser(trx, id);
      return repo.withoutSecret(updated);
    });
  }

  async function deleteUser(actor: Actor, id: string): Promise<void> {
    const spec = { action: "user.delete", targetType: "user", targetId: id };
    await audit.record(actor, spec, async (trx) => {
      const user = await repo.findUserById(trx, id);
      if (!user) throw notFound("user", id);
      if (actor.id === id) {
        throw conflict("You cannot delete your own account.", [{ rule: "self" }]);
      }
      if (
        user.orgRole === "admin" &&
        !user.isDisabled &&
        (await repo.countActiveAdmins(trx)) <= 1
      ) {
        lastAdmin();
      }
      await repo.deleteUser(trx, id);
    });
  }

  /**
   * An admin sets a temporary password: the user must change it at next login, and every session
   * of that user ends now.
   */
  async function resetPassword(actor: Actor, id: string, newPassword: string): Promise<User> {
    const user = await repo.findUserById(db, id);
    if (!user) throw notFound("user", id);
    checkPasswordPolicy(newPassword, user.username, "new_password");
    const passwordHash = await hashPassword(newPassword);
    const spec = { action: "user.reset_password", targetType: "user", targetId: id };
    return audit.record(actor, spec, async (trx) => {
      const updated = await repo.updateUser(trx, id, {
        passwordHash,
        mustChangePassword: true,
        updatedAt: clock.now(),
      });
      if (!updated) throw notFound("user", id);
      await deleteSessionsOfUser(trx, id);
      return repo.withoutSecret(updated);
    });
  }

  return {
    createUser,
    getUser,
    getUserByUsername,
    listUsers,
    updateUser,
    deleteUser,
    resetPassword,
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
