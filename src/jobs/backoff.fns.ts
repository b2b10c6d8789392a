export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, maxMs: 60 * 60 * 1000 };

/**
 * Delay before the next attempt after `attempt` failures: exponential (base · 2^(attempt-1),
 * capped) with "equal jitter": half of it fixed, half random, so retries of many jobs that
 * failed together (a peer was down) spread out instead of returning in one burst, while the
 * delay still grows. `random` returns [0, 1).
 */
export function retryDelayMs(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}
