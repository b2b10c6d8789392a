import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { Db } from "../../store/db.js";
import type { Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";

import { projectRolesOf } from "./members.repo.js";
import {
  checkPasswordPolicy,
  dummyPasswordHash,
  hashPassword,
  verifyPassword,
} from "./passwords.js";
import type { Principal } from "./principal.js";
import { userPrincipal, type RequestContext } from "./principals.js";
import {
  AUTH_FAILURE_WINDOW,
  authFailureBucket,
  rateLimited,
  type RateLimiter,
} from "./rate-limiter.js";
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, SESSION_TOUCH_INTERVAL_MS } from "./sessions.js";
import * as sessions from "./sessions.repo.js";
import { randomToken, sha256Hex } from "./tokens.js";
import { findUserById, findUserByUsername, updateUser, withoutSecret } from "./users.repo.js";
import type { User } from "./users.types.js";

export interface AuthServiceDeps {
  db: Db;
  clock: Clock;
  rateLimiter: RateLimiter;
  audit: Pick<AuditService, "record" | "recordFailure">;
}

export interface LoginResult {
  /** The cookie value: returned once, stored only as its SHA-256. */
  sessionToken: string;
  sessionId: string;
  expiresAt: Date;
  user: User;
}

/** One message for an unknown user, a wrong password and a disabled account (no enumeration). */
const BAD_CREDENTIALS = "The username or password is wrong.";

export function createAuthService(deps: AuthServiceDeps) {
  const { db, clock, rateLimiter, audit } = deps;

  function anonymous(context: RequestContext): Actor {
    return {
      type: "system",
      id: "anonymous",
      name: "anonymous",
      requestId: context.requestId,
      sourceIp: context.sourceIp,
    };
  }

  async function refuseIfThrottled(sourceIp: string | null): Promise<void> {
    const rate = await rateLimiter.peek(authFailureBucket(sourceIp), AUTH_FAILURE_WINDOW);
    if (rate.exceeded) {
      throw rateLimited(rateLimiter, rate, "Too many failed sign-in attempts; retry later.");
    }
  }

  /**
   * Counts one failed authentication from this address (passwords and API keys alike) and
   * answers 429 instead of 401 once the address is over the limit (seed 004 §09).
   */
  async function recordFailure(sourceIp: string | null, message: string): Promise<never> {
    const rate = await rateLimiter.hit(authFailureBucket(sourceIp), AUTH_FAILURE_WINDOW);
    if (rate.exceeded) {
      throw rateLimited(rateLimiter, rate, "Too many failed authentication attempts; retry later.");
    }
    throw new AppError("unauthenticated", { message });
  }

  async function login(
    input: { username: string; password: string },
    context: RequestContext,
  ): Promise<LoginResult> {
    await refuseIfThrottled(context.sourceIp);
    const user = await findUserByUsername(db, input.username.trim());
    // Verify against a dummy hash for unknown users so both paths cost one scrypt (timing).
    const ok = await verifyPassword(
      input.password,
      user?.passwordHash ?? (await dummyPasswordHash()),
    );
    if (!user || !ok || user.isDisabled) {
      const spec = {
        action: "session.login",
        targetType: "user",
        targetId: user?.id ?? null,
        details: { username: input.username.trim().slice(0, 100) },
      };
      try {
        return await recordFailure(context.sourceIp, BAD_CREDENTIALS);
      } catch (error) {
        await audit.recordFailure(anonymous(context), spec, error);
        throw error;
      }
    }
    const now = clock.now();
    const sessionToken = randomToken();
    const session = {
      id: newId("ses"),
      token_hash: sha256Hex(sessionToken),
      user_id: user.id,
      created_at: now.getTime(),
      last_seen_at: now.getTime(),
      expires_at: now.getTime() + SESSION_ABSOLUTE_MS,
      source_ip: context.sourceIp,
      user_agent: context.userAgent?.slice(0, 300) ?? null,
    };
    const actor: Actor = {
      type: "user",
      id: user.id,
      name: user.username,
      requestId: context.requestId,
      sourceIp: context.sourceIp,
    };
    const spec = {
      action: "session.login",
      targetType: "session",
      targetId: session.id,
      details: { username: user.username },
    };
    await audit.record(actor, spec, async (trx) => {
      await sessions.insertSession(trx, session);
      await updateUser(trx, user.id, { lastLoginAt: now, updatedAt: user.updatedAt });
    });
    return {
      sessionToken,
      sessionId: session.id,
      expiresAt: new Date(session.expires_at),
      user: withoutSecret({ ...user, lastLoginAt: now }),
    };
  }

  /** The principal behind a session cookie, or null when it is unknown, idle or expired. */
  async function authenticateSession(
    sessionToken: string,
    context: RequestContext,
  ): Promise<{ principal: Principal; sessionId: string } | null> {
    const session = await sessions.findSessionByTokenHash(db, sha256Hex(sessionToken));
    if (!session) return null;
    const now = clock.now().getTime();
    if (
      Number(session.expires_at) <= now ||
      Number(session.last_seen_at) + SESSION_IDLE_MS <= now
    ) {
      await sessions.deleteSession(db, session.id);
      return null;
    }
    const user = await findUserById(db, session.user_id);
    if (!user || user.isDisabled) return null;
    if (now - Number(session.last_seen_at) >= SESSION_TOUCH_INTERVAL_MS) {
      await sessions.touchSession(db, session.id, now);
    }
    const roles = await projectRolesOf(db, user.id);
    return {
      principal: userPrincipal(withoutSecret(user), roles, context, sessionToken),
      sessionId: session.id,
    };
  }

  async function logout(sessionToken: string, context: RequestContext): Promise<void> {
    const session = await sessions.findSessionByTokenHash(db, sha256Hex(sessionToken));
    if (!session) return;
    const user = await findUserById(db, session.user_id);
    const actor: Actor = {
      type: "user",
      id: session.user_id,
      name: user?.username ?? session.user_id,
      requestId: context.requestId,
      sourceIp: context.sourceIp,
    };
    const spec = { action: "session.logout", targetType: "session", targetId: session.id };
    await audit.record(actor, spec, (trx) => sessions.deleteSession(trx, session.id));
  }

  /**
   * A user changes their own password: the current one is required, other sessions end, the
   * session in use (if any) survives so the UI stays signed in.
   */
  async function changePassword(
    userId: string,
    input: { currentPassword: string; newPassword: string },
    context: RequestContext & { sessionToken: string | null },
  ): Promise<void> {
    await refuseIfThrottled(context.sourceIp);
    const user = await findUserById(db, userId);
    if (!user) throw new AppError("unauthenticated");
    if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
      await rateLimiter.hit(authFailureBucket(context.sourceIp), AUTH_FAILURE_WINDOW);
      throw new AppError("validation_failed", {
        message: "The current password is wrong.",
        details: [{ field: "current_password", rule: "matches" }],
      });
    }
    checkPasswordPolicy(input.newPassword, user.username, "new_password");
    if (input.newPassword === input.currentPassword) {
      throw new AppError("validation_failed", {
        message: "The new password must differ from the current one.",
        details: [{ field: "new_password", rule: "differs" }],
      });
    }
    const passwordHash = await hashPassword(input.newPassword);
    const actor: Actor = {
      type: "user",
      id: user.id,
      name: user.username,
      requestId: context.requestId,
      sourceIp: context.sourceIp,
    };
    const spec = { action: "user.change_password", targetType: "user", targetId: user.id };
    await audit.record(actor, spec, async (trx) => {
      await updateUser(trx, userId, {
        passwordHash,
        mustChangePassword: false,
        updatedAt: clock.now(),
      });
      const current =
        context.sessionToken === null
          ? undefined
          : await sessions.findSessionByTokenHash(trx, sha256Hex(context.sessionToken));
      await sessions.deleteSessionsOfUser(trx, userId, current?.id);
    });
  }

  async function loadPrincipal(userId: string, context: RequestContext): Promise<Principal | null> {
    const user = await findUserById(db, userId);
    if (!user || user.isDisabled) return null;
    return userPrincipal(withoutSecret(user), await projectRolesOf(db, user.id), context, null);
  }

  return {
    login,
    logout,
    authenticateSession,
    changePassword,
    recordFailure,
    refuseIfThrottled,
    loadPrincipal,
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
