import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import { ulid } from "../../lib/ids.js";
import type { Db } from "../../store/db.js";
import type { Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";
import { API_KEY_PREFIX, type ApiKeysService } from "../identity/api-keys.service.js";
import type { AuthService } from "../identity/auth.service.js";
import { dummyPasswordHash, verifyPassword } from "../identity/passwords.js";
import type { Principal } from "../identity/principal.js";
import type { RequestContext } from "../identity/principals.js";
import { grants } from "../identity/roles.js";
import { randomToken, sha256Hex } from "../identity/tokens.js";
import { findUserByUsername } from "../identity/users.repo.js";

import { cscError, invalidRequest } from "./csc-errors.js";
import * as repo from "./csc.repo.js";
import type { CscCaller } from "./csc.types.js";

export interface CscAuthServiceDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, "record">;
  auth: Pick<AuthService, "refuseIfThrottled" | "recordFailure">;
  apiKeys: Pick<ApiKeysService, "authenticate">;
}

/** csc-api-v2.md §4.2: `expires_in` defaults to 3600 s; refresh tokens live "long". */
export const ACCESS_TOKEN_TTL_MS = 3_600_000;
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3_600_000;
const ACCESS_PREFIX = "csca_";
const REFRESH_PREFIX = "cscr_";

export interface LoginResult {
  accessToken: string;
  refreshToken: string | null;
  expiresInSeconds: number;
}

/** An authenticated `/csc/v2` caller, with the native principal when it is an API key. */
export interface CscAuthentication {
  caller: CscCaller;
  actor: Actor;
  /** Set for API keys, so the HTTP layer counts the key's usage like on the native API. */
  principal: Principal | null;
}

/**
 * Service authorization for `/csc/v2` (csc-api-v2.md §2, §4.2, §4.3): HTTP Basic with a
 * Certsmith user's password gives an access token (and with `rememberMe` a refresh token);
 * API keys holding `signing:use` act as service tokens for machines. Tokens are 256 random bits,
 * stored only as SHA-256.
 */
export function createCscAuthService(deps: CscAuthServiceDeps) {
  const { db, clock, audit } = deps;

  function actorFor(user: { id: string; username: string }, context: RequestContext): Actor {
    return {
      type: "user",
      id: user.id,
      name: user.username,
      requestId: context.requestId,
      sourceIp: context.sourceIp,
    };
  }

  /** A failed login counts against the address like any other (seed 004 §09), then 400. */
  async function failLogin(context: RequestContext): Promise<never> {
    try {
      await deps.auth.recordFailure(context.sourceIp, "login failed");
    } catch (error) {
      if (error instanceof AppError && error.code === "rate_limited") throw error;
    }
    throw cscError("authentication_error", "An error occurred during authentication process");
  }

  async function issue(
    user: { id: string; username: string },
    context: RequestContext,
    options: { grantId: string; withRefresh: boolean; action: string },
  ): Promise<LoginResult> {
    const now = clock.now().getTime();
    const accessToken = randomToken(ACCESS_PREFIX);
    const refreshToken = options.withRefresh ? randomToken(REFRESH_PREFIX) : null;
    const spec = {
      action: options.action,
      targetType: "user",
      targetId: user.id,
      details: { remember_me: options.withRefresh },
    };
    await audit.record(actorFor(user, context), spec, async (trx) => {
      const base = {
        grant_id: options.grantId,
        user_id: user.id,
        created_at: now,
        revoked_at: null,
      };
      await repo.insertToken(trx, {
        ...base,
        token_hash: sha256Hex(accessToken),
        kind: "access",
        expires_at: now + ACCESS_TOKEN_TTL_MS,
      });
      if (refreshToken !== null) {
        await repo.insertToken(trx, {
          ...base,
          token_hash: sha256Hex(refreshToken),
          kind: "refresh",
          expires_at: now + REFRESH_TOKEN_TTL_MS,
        });
      }
    });
    return { accessToken, refreshToken, expiresInSeconds: ACCESS_TOKEN_TTL_MS / 1000 };
  }

  /** `auth/login` with HTTP Basic credentials. */
  async function login(
    credentials: { username: string; password: string },
    rememberMe: boolean,
    context: RequestContext,
  ): Promise<LoginResult> {
    await deps.auth.refuseIfThrottled(context.sourceIp);
    const user = await findUserByUsername(db, credentials.username.trim());
    // The same scrypt cost for unknown users, so timing does not reveal who exists.
    const ok = await verifyPassword(
      credentials.password,
      user?.passwordHash ?? (await dummyPasswordHash()),
    );
    if (!user || !ok || user.isDisabled || user.mustChangePassword) return failLogin(context);
    return issue(user, context, {
      grantId: ulid(),
      withRefresh: rememberMe,
      action: "csc_token.login",
    });
  }

  /** `auth/login` with a refresh token instead of Basic: a new access token, same grant. */
  async function refresh(refreshToken: string, context: RequestContext): Promise<LoginResult> {
    const found = await repo.findToken(db, sha256Hex(refreshToken));
    const now = clock.now().getTime();
    if (
      !found ||
      found.token.kind !== "refresh" ||
      found.token.revoked_at !== null ||
      Number(found.token.expires_at) <= now ||
      found.isUserDisabled
    ) {
      throw invalidRequest("Invalid refresh_token");
    }
    const user = { id: found.token.user_id, username: found.username };
    const result = await issue(user, context, {
      grantId: found.token.grant_id,
      withRefresh: false,
      action: "csc_token.refresh",
    });
    return { ...result, refreshToken: null };
  }

  /**
   * The caller behind `Authorization: Bearer`. Unknown tokens are 401 `invalid_token`, revoked or
   * expired ones 401 `expired_token` (csc-api-v2.md §3), each with RFC 6750's header.
   */
  async function authenticate(bearer: string, context: RequestContext): Promise<CscAuthentication> {
    if (bearer.startsWith(API_KEY_PREFIX)) {
      const result = await deps.apiKeys.authenticate(bearer, context).catch((error: unknown) => {
        if (error instanceof AppError && error.status === 401) throw tokenError("expired_token");
        throw error;
      });
      if (!result) throw tokenError("invalid_token");
      const principal = result.principal;
      if (principal.kind !== "api_key" || !grants(principal.grants, "signing:use")) {
        throw cscError("access_denied", "The API key lacks the signing:use permission", 403);
      }
      return {
        caller: {
          kind: "api_key",
          keyId: principal.keyId,
          name: principal.actor.name,
          projectIds: principal.projectIds,
        },
        actor: principal.actor,
        principal,
      };
    }
    const found = await repo.findToken(db, sha256Hex(bearer));
    if (!found || found.token.kind !== "access") throw tokenError("invalid_token");
    if (
      found.token.revoked_at !== null ||
      Number(found.token.expires_at) <= clock.now().getTime() ||
      found.isUserDisabled
    ) {
      throw tokenError("expired_token");
    }
    const user = { id: found.token.user_id, username: found.username };
    return {
      caller: { kind: "user", userId: user.id, username: user.username },
      actor: actorFor(user, context),
      principal: null,
    };
  }

  /**
   * `auth/revoke` (§4.3): a refresh token takes every token of its grant with it; an access
   * token goes alone. Only the caller's own tokens can be revoked.
   */
  async function revoke(
    authentication: CscAuthentication,
    token: string,
    hint: "access_token" | "refresh_token" | undefined,
  ): Promise<void> {
    const found = await repo.findToken(db, sha256Hex(token));
    const { caller } = authentication;
    const kind = hint === "refresh_token" ? "refresh" : hint === "access_token" ? "access" : null;
    if (
      !found ||
      caller.kind !== "user" ||
      found.token.user_id !== caller.userId ||
      (kind !== null && found.token.kind !== kind)
    ) {
      throw invalidRequest("Invalid string parameter token");
    }
    const now = clock.now().getTime();
    const spec = {
      action: "csc_token.revoke",
      targetType: "user",
      targetId: caller.userId,
      details: { token_kind: found.token.kind },
    };
    await audit.record(authentication.actor, spec, (trx) =>
      found.token.kind === "refresh"
        ? repo.revokeGrant(trx, found.token.grant_id, now)
        : repo.revokeToken(trx, found.token.token_hash, now),
    );
  }

  return { login, refresh, authenticate, revoke };
}

function tokenError(code: "invalid_token" | "expired_token"): AppError {
  const error = cscError(
    code,
    code === "invalid_token"
      ? "The access token is not valid"
      : "The access token has expired or was revoked",
    401,
  );
  // RFC 6750 §3: tell the client which scheme and why.
  // RFC 6750 §3.1 has one code for unknown, expired and revoked tokens alike.
  error.headers["www-authenticate"] = 'Bearer error="invalid_token"';
  return error;
}

export type CscAuthService = ReturnType<typeof createCscAuthService>;
