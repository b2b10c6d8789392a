import type { Clock } from "../../lib/clock.js";
import { PAGE_LIMIT_DEFAULT, type Page, type PageRequest } from "../../lib/cursor.js";
import { AppError, conflict, notFound, validationFailed } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { isUniqueViolation, type Db } from "../../store/db.js";
import type { AuditService } from "../audit/audit.service.js";

import type { ApiKeyUsage } from "./api-key-usage.js";
import * as repo from "./api-keys.repo.js";
import type {
  ApiKey,
  ApiKeyFilters,
  ApiKeySummary,
  ApiKeyWithSecret,
  CreateApiKeyInput,
  UpdateApiKeyInput,
} from "./api-keys.types.js";
import { decide } from "./authorization.fns.js";
import { allowlistMatcher, normalizeAllowlist } from "./ip-allowlist.js";
import { isPermission, type Grant, type Permission, PERMISSIONS } from "./permissions.js";
import type { Principal } from "./principal.js";
import type { RequestContext } from "./principals.js";
import { PER_MS, rateLimited, type RateLimiter, type RateState } from "./rate-limiter.js";
import { grants } from "./roles.js";
import { randomToken, sha256Hex } from "./tokens.js";

export const API_KEY_PREFIX = "csk_";
const SHOWN_PREFIX_LENGTH = 12;
const NAME_MAX = 100;
const DAY_MS = 86_400_000;

/** "30d" / "60d" / "never" / an ISO 8601 date-time in the future (seed 001's expiry choices). */
export function parseExpiry(expires: string | undefined, now: Date): Date | null {
  if (expires === undefined || expires === "never") return null;
  const days = /^(\d{1,4})d$/.exec(expires);
  if (days) {
    const n = Number(days[1]);
    if (n >= 1 && n <= 3650) return new Date(now.getTime() + n * DAY_MS);
  } else if (/^\d{4}-\d{2}-\d{2}/.test(expires) && !Number.isNaN(Date.parse(expires))) {
    const at = new Date(expires);
    if (at.getTime() > now.getTime()) return at;
    throw validationFailed("The expiry date is in the past.", [{ field: "expires" }]);
  }
  throw validationFailed('"expires" is "30d", "60d", "never", "<N>d" or an ISO 8601 date.', [
    { field: "expires", value: expires.slice(0, 40) },
  ]);
}

function checkPermissions(list: readonly string[]): Grant[] {
  if (list.length === 0) {
    throw validationFailed("A key needs at least one permission.", [{ field: "permissions" }]);
  }
  for (const permission of list) {
    if (permission !== "*" && !isPermission(permission)) {
      throw validationFailed(`Unknown permission "${permission.slice(0, 60)}".`, [
        { field: "permissions", value: permission.slice(0, 60), allowed: ["*", ...PERMISSIONS] },
      ]);
    }
  }
  return [...new Set(list)] as Grant[];
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === "" || trimmed.length > NAME_MAX) {
    throw validationFailed(`A key name is 1 to ${NAME_MAX} characters.`, [{ field: "name" }]);
  }
  return trimmed;
}

function checkRateLimit(
  rateLimit: CreateApiKeyInput["rateLimit"],
): { requests: number; per: "minute" | "hour" | "day" } | null {
  if (rateLimit == null) return null;
  if (!Number.isInteger(rateLimit.requests) || rateLimit.requests < 1) {
    throw validationFailed("rate_limit.requests is a positive integer.", [
      { field: "rate_limit.requests" },
    ]);
  }
  return { requests: rateLimit.requests, per: rateLimit.per };
}

/**
 * A caller can only hand out what it holds (no privilege escalation through keys): every
 * permission must be allowed to the creator org-wide, or in each project the key is limited to.
 */
function assertMayGrant(
  creator: Principal,
  permissions: readonly Grant[],
  projectIds: readonly string[] | null,
): void {
  const wanted: readonly Permission[] = permissions.includes("*")
    ? PERMISSIONS
    : (permissions as Permission[]);
  if (creator.kind === "api_key" && permissions.includes("*") && !creator.grants.includes("*")) {
    throw new AppError("forbidden", { message: "A key cannot grant '*' unless it holds it." });
  }
  for (const permission of wanted) {
    const scopes = projectIds === null ? [null] : projectIds;
    for (const projectId of scopes) {
      if (decide(creator, { permission, projectId, allowPeer: false }) !== "allow") {
        throw new AppError("forbidden", {
          message: `You cannot grant "${permission}"${projectId ? ` in project ${projectId}` : " across all projects"}.`,
          details: [
            {
              field: "permissions",
              value: permission,
              ...(projectId ? { project_id: projectId } : {}),
            },
          ],
        });
      }
    }
  }
}

export function statusOf(key: ApiKey, now: Date): "active" | "expired" | "revoked" {
  if (key.revokedAt !== null) return "revoked";
  if (key.expiresAt !== null && key.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

/** Who may manage a key: its creator, or anyone holding users:admin. */
function canManage(principal: Principal, key: ApiKey): boolean {
  if (principal.kind === "user" && key.createdBy === principal.userId) return true;
  if (principal.kind === "api_key" && key.createdBy === principal.keyId) return true;
  return principal.kind === "user"
    ? principal.orgRole === "admin"
    : grants(principal.grants, "users:admin");
}

function seesAll(principal: Principal): boolean {
  return principal.kind === "user"
    ? principal.orgRole === "admin" || principal.orgRole === "auditor"
    : grants(principal.grants, "users:admin");
}

function creatorId(principal: Principal): string {
  return principal.kind === "user" ? principal.userId : principal.keyId;
}

export interface ApiKeyAuthentication {
  principal: Principal;
  /** The key's own rate-limit state, for X-RateLimit-* headers; null without a limit. */
  rate: RateState | null;
}

export function createApiKeysService(deps: {
  db: Db;
  clock: Clock;
  rateLimiter: RateLimiter;
  usage: ApiKeyUsage;
  audit: Pick<AuditService, "record">;
}) {
  const { db, clock, rateLimiter, usage, audit } = deps;

  /** What an audit entry says about a key: never its secret. */
  function keyDetails(key: Partial<ApiKey>): Record<string, unknown> {
    return {
      ...(key.name === undefined ? {} : { name: key.name }),
      ...(key.permissions === undefined ? {} : { permissions: key.permissions }),
      ...(key.projectIds === undefined ? {} : { project_ids: key.projectIds }),
      ...(key.rateLimit === undefined ? {} : { rate_limit: key.rateLimit }),
      ...(key.ipAllowlist === undefined ? {} : { ip_allowlist: key.ipAllowlist }),
      ...(key.expiresAt === undefined ? {} : { expires_at: key.expiresAt?.toISOString() ?? null }),
    };
  }

  function newSecret(): { key: string; hash: string; prefix: string } {
    const key = randomToken(API_KEY_PREFIX);
    return { key, hash: sha256Hex(key), prefix: key.slice(0, SHOWN_PREFIX_LENGTH) };
  }

  async function findManaged(principal: Principal, id: string): Promise<repo.ApiKeyRow> {
    const key = await repo.findApiKeyById(db, id);
    // Keys of others are not even acknowledged (404), as for projects.
    if (!key || !(canManage(principal, key) || seesAll(principal))) throw notFound("api_key", id);
    return key;
  }

  async function create(principal: Principal, input: CreateApiKeyInput): Promise<ApiKeyWithSecret> {
    const now = clock.now();
    const permissions = checkPermissions(input.permissions);
    const projectIds = input.projectIds == null ? null : [...new Set(input.projectIds)];
    assertMayGrant(principal, permissions, projectIds);
    const secret = newSecret();
    const row: repo.ApiKeyRow = {
      id: newId("key"),
      name: checkName(input.name),
      description: (input.description ?? "").slice(0, 1000),
      prefix: secret.prefix,
      secretHash: secret.hash,
      permissions,
      projectIds,
      rateLimit: checkRateLimit(input.rateLimit),
      ipAllowlist: normalizeAllowlist(input.ipAllowlist ?? []),
      expiresAt: parseExpiry(input.expires, now),
      revokedAt: null,
      createdBy: creatorId(principal),
      createdAt: now,
      updatedAt: now,
      lastUsedAt: null,
      requestCount: 0,
      errorCount: 0,
    };
    const spec = {
      action: "api_key.create",
      targetType: "api_key",
      targetId: row.id,
      details: keyDetails(row),
    };
    await audit.record(principal.actor, spec, async (trx) => {
      try {
        await repo.insertApiKey(trx, row);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw conflict(`An API key named "${row.name}" already exists.`, [{ field: "name" }]);
        }
        throw error;
      }
    });
    return { apiKey: repo.withoutSecret(row), key: secret.key };
  }

  async function list(
    principal: Principal,
    filters: ApiKeyFilters,
    page: PageRequest,
  ): Promise<Page<ApiKey> & { summary: ApiKeySummary }> {
    await usage.flush();
    const now = clock.now().getTime();
    const createdBy = seesAll(principal) ? undefined : creatorId(principal);
    const [result, summary] = await Promise.all([
      repo.listApiKeys(
        db,
        { ...filters, createdBy, now },
        page.limit ?? PAGE_LIMIT_DEFAULT,
        page.cursor,
      ),
      repo.summarizeApiKeys(db, now, createdBy),
    ]);
    return { ...result, summary };
  }

  async function get(principal: Principal, id: string): Promise<ApiKey> {
    await usage.flush();
    return repo.withoutSecret(await findManaged(principal, id));
  }

  async function update(
    principal: Principal,
    id: string,
    input: UpdateApiKeyInput,
  ): Promise<ApiKey> {
    const key = await findManaged(principal, id);
    if (!canManage(principal, key)) throw new AppError("forbidden");
    const permissions =
      input.permissions === undefined ? undefined : checkPermissions(input.permissions);
    const projectIds =
      input.projectIds === undefined
        ? undefined
        : input.projectIds === null
          ? null
          : [...new Set(input.projectIds)];
    if (permissions !== undefined || projectIds !== undefined) {
      assertMayGrant(
        principal,
        permissions ?? key.permissions,
        projectIds === undefined ? key.projectIds : projectIds,
      );
    }
    const changes = {
      ...(input.name === undefined ? {} : { name: checkName(input.name) }),
      ...(input.description === undefined ? {} : { description: input.description.slice(0, 1000) }),
      ...(permissions === undefined ? {} : { permissions }),
      ...(projectIds === undefined ? {} : { projectIds }),
      ...(input.rateLimit === undefined ? {} : { rateLimit: checkRateLimit(input.rateLimit) }),
      ...(input.ipAllowlist === undefined
        ? {}
        : { ipAllowlist: normalizeAllowlist(input.ipAllowlist) }),
    };
    const spec = {
      action: "api_key.update",
      targetType: "api_key",
      targetId: id,
      details: keyDetails(changes),
    };
    return audit.record(principal.actor, spec, async (trx) => {
      try {
        const updated = await repo.updateApiKey(trx, id, { ...changes, updatedAt: clock.now() });
        if (!updated) throw notFound("api_key", id);
        return repo.withoutSecret(updated);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw conflict(`An API key named "${input.name ?? ""}" already exists.`, [
            { field: "name" },
          ]);
        }
        throw error;
      }
    });
  }

  /** A new secret; the old one stops working at once. A revoked key cannot be regenerated. */
  async function regenerate(principal: Principal, id: string): Promise<ApiKeyWithSecret> {
    const key = await findManaged(principal, id);
    if (!canManage(principal, key)) throw new AppError("forbidden");
    if (key.revokedAt !== null)
      throw conflict("A revoked key cannot be regenerated.", [{ rule: "revoked" }]);
    const secret = newSecret();
    const spec = { action: "api_key.regenerate", targetType: "api_key", targetId: id };
    const updated = await audit.record(principal.actor, spec, async (trx) => {
      const row = await repo.updateApiKey(trx, id, {
        secretHash: secret.hash,
        prefix: secret.prefix,
        updatedAt: clock.now(),
      });
      if (!row) throw notFound("api_key", id);
      return row;
    });
    return { apiKey: repo.withoutSecret(updated), key: secret.key };
  }

  async function revoke(principal: Principal, id: string): Promise<ApiKey> {
    const key = await findManaged(principal, id);
    if (!canManage(principal, key)) throw new AppError("forbidden");
    if (key.revokedAt !== null)
      throw conflict("The key is already revoked.", [{ rule: "revoked" }]);
    const spec = { action: "api_key.revoke", targetType: "api_key", targetId: id };
    return audit.record(principal.actor, spec, async (trx) => {
      const now = clock.now();
      const updated = await repo.updateApiKey(trx, id, { revokedAt: now, updatedAt: now });
      if (!updated) throw notFound("api_key", id);
      return repo.withoutSecret(updated);
    });
  }

  async function remove(principal: Principal, id: string): Promise<void> {
    const key = await findManaged(principal, id);
    if (!canManage(principal, key)) throw new AppError("forbidden");
    const spec = { action: "api_key.delete", targetType: "api_key", targetId: id };
    await audit.record(principal.actor, spec, async (trx) => {
      await repo.deleteApiKey(trx, id);
    });
  }

  /**
   * The principal behind a Bearer key. Unknown keys count as authentication failures of the
   * source address; revoked and expired keys are 401, a source outside the allow-list is 403,
   * and a key over its own rate limit is 429 (seed 001, seed 004 §09).
   */
  async function authenticate(
    secret: string,
    context: RequestContext,
  ): Promise<ApiKeyAuthentication | null> {
    if (!secret.startsWith(API_KEY_PREFIX)) return null;
    const key = await repo.findApiKeyBySecretHash(db, sha256Hex(secret));
    if (!key) return null;
    const now = clock.now();
    const status = statusOf(key, now);
    if (status !== "active") {
      throw new AppError("unauthenticated", { message: `This API key is ${status}.` });
    }
    if (!allowlistMatcher(key.ipAllowlist)(context.sourceIp)) {
      usage.record(key.id, true, now.getTime());
      throw new AppError("forbidden", {
        message: "This API key may not be used from this address.",
        details: [{ rule: "ip_allowlist" }],
      });
    }
    let rate: RateState | null = null;
    if (key.rateLimit) {
      rate = await rateLimiter.hit(`api_key:${key.id}`, {
        limit: key.rateLimit.requests,
        windowMs: PER_MS[key.rateLimit.per],
      });
      if (rate.exceeded) {
        usage.record(key.id, true, now.getTime());
        const error = rateLimited(rateLimiter, rate, "This API key is over its rate limit.");
        Object.assign(error.headers, rateHeaders(rate));
        throw error;
      }
    }
    const principal: Principal = {
      kind: "api_key",
      actor: {
        type: "api_key",
        id: key.id,
        name: key.name,
        requestId: context.requestId,
        sourceIp: context.sourceIp,
        projectScope: key.projectIds,
      },
      keyId: key.id,
      grants: key.permissions,
      projectIds: key.projectIds,
      rateLimit: key.rateLimit,
    };
    return { principal, rate };
  }

  return { create, list, get, update, regenerate, revoke, remove, authenticate };
}

export function rateHeaders(rate: RateState): Record<string, string> {
  return {
    "x-ratelimit-limit": String(rate.limit),
    "x-ratelimit-remaining": String(rate.remaining),
    "x-ratelimit-reset": String(Math.ceil(rate.resetAt / 1000)),
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
