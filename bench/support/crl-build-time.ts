import { performance } from "node:perf_hooks";

import pino from "pino";

import { createApp } from "../../src/app/create-app.js";
import { loadConfig } from "../../src/config/load.js";
import { createCrlPublisher } from "../../src/services/revocation/crl-publisher.js";
import { createSignerCache } from "../../src/services/revocation/signer-cache.js";

import type { ServerStorage } from "./databases.js";
import { round } from "./emit.js";

/**
 * Builds and stores the CA's full CRL `runs` times through the same publisher the jobs use
 * (read every revoked row in batches, encode, sign, store), forced each time, in this process
 * against the server's storage. Timing a `GET /pki/{caId}/crl` instead is not a build time:
 * the server's refresh job may have built the CRL already.
 */
export async function measureCrlBuilds(place: ServerStorage, caId: string, runs: number) {
  const config = loadConfig({
    flags: { "data-dir": place.dataDir, "database-url": place.databaseUrl, role: "api" },
    env: {},
  });
  const app = await createApp(config, { logger: pino({ level: "silent" }) });
  try {
    const publisher = createCrlPublisher({
      db: app.store.db,
      clock: { now: () => new Date() },
      signers: createSignerCache(app.keys),
    });
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      await publisher.publish(caId, () => true);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return {
      medianMs: round(times[Math.floor(times.length / 2)]!),
      minMs: round(times[0]!),
      maxMs: round(times[times.length - 1]!),
    };
  } finally {
    await app.close();
  }
}
