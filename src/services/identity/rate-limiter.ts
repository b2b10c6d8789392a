import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import type { Db } from "../../store/db.js";

import { incrementCounter, readCounter } from "./rate-limit.repo.js";

export interface RateWindow {
  /** Hits allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateState {
  limit: number;
  remaining: number;
  /** Epoch ms at which the current window ends. */
  resetAt: number;
  exceeded: boolean;
}

/** Login and bad-credential attempts per source IP (seed 004 §09: 10 per IP per minute). */
export const AUTH_FAILURE_WINDOW: RateWindow = { limit: 10, windowMs: 60_000 };

export const PER_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/**
 * Fixed-window counters kept in the database, so a limit holds across every node of a cluster.
 * A fixed window admits at most 2× the limit around a boundary; for abuse control that is enough
 * and it costs one upsert per request.
 */
export function createRateLimiter(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  function windowOf(window: RateWindow): { start: number; resetAt: number } {
    const now = clock.now().getTime();
    const start = now - (now % window.windowMs);
    return { start, resetAt: start + window.windowMs };
  }

  function state(count: number, window: RateWindow, resetAt: number): RateState {
    return {
      limit: window.limit,
      remaining: Math.max(0, window.limit - count),
      resetAt,
      exceeded: count > window.limit,
    };
  }

  return {
    /** Counts one hit; `exceeded` once the hit goes over the limit. */
    async hit(bucket: string, window: RateWindow): Promise<RateState> {
      const { start, resetAt } = windowOf(window);
      return state(await incrementCounter(db, bucket, start), window, resetAt);
    },

    /** The state without counting (checked before doing expensive work such as scrypt). */
    async peek(bucket: string, window: RateWindow): Promise<RateState> {
      const { start, resetAt } = windowOf(window);
      const count = await readCounter(db, bucket, start);
      return { ...state(count, window, resetAt), exceeded: count >= window.limit };
    },

    retryAfterSeconds(rate: RateState): number {
      return Math.max(1, Math.ceil((rate.resetAt - clock.now().getTime()) / 1000));
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

export function rateLimited(limiter: RateLimiter, rate: RateState, message?: string): AppError {
  return new AppError("rate_limited", {
    ...(message === undefined ? {} : { message }),
    headers: { "retry-after": String(limiter.retryAfterSeconds(rate)) },
  });
}

export function authFailureBucket(sourceIp: string | null): string {
  return `auth_failures:${sourceIp ?? "unknown"}`;
}
