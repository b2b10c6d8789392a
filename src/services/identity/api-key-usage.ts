import type { Db } from "../../store/db.js";

import { addUsage } from "./api-keys.repo.js";

interface Pending {
  requests: number;
  errors: number;
  lastUsedAt: number;
}

/**
 * Per-key request and error counters, summed in memory and written about once a second: one
 * UPDATE per active key per second instead of one per request. A crash loses at most the last
 * second of counts, which is acceptable for usage statistics (never for rate limits, which are
 * counted in the database per request).
 */
export function createApiKeyUsage(deps: {
  db: Db;
  flushIntervalMs?: number;
  onError: (error: unknown) => void;
}) {
  const pending = new Map<string, Pending>();
  let flushing: Promise<void> = Promise.resolve();

  function record(keyId: string, isError: boolean, at: number): void {
    const entry = pending.get(keyId) ?? { requests: 0, errors: 0, lastUsedAt: at };
    entry.requests += 1;
    if (isError) entry.errors += 1;
    entry.lastUsedAt = Math.max(entry.lastUsedAt, at);
    pending.set(keyId, entry);
  }

  function flush(): Promise<void> {
    flushing = flushing.then(async () => {
      const batch = [...pending.entries()];
      pending.clear();
      for (const [id, usage] of batch) {
        try {
          await addUsage(deps.db, id, usage);
        } catch (error) {
          deps.onError(error);
        }
      }
    });
    return flushing;
  }

  const timer = setInterval(() => void flush(), deps.flushIntervalMs ?? 1000);
  timer.unref();

  return {
    record,
    flush,
    async close(): Promise<void> {
      clearInterval(timer);
      await flush();
    },
  };
}

export type ApiKeyUsage = ReturnType<typeof createApiKeyUsage>;
