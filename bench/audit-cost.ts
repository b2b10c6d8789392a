/**
 * The cost of auditing a mutation (issue 3, closing note): the same small write — insert one
 * project row in its own transaction — with and without `audit.record()` around it, on SQLite and
 * PostgreSQL, in-process against a migrated store (no HTTP, so the audit share is not diluted).
 *
 * Figures (one JSON line each, see README.md):
 * - `audit_unaudited_mutation_ms`, `audit_audited_mutation_ms`: mean latency of one mutation, run
 *   one after the other, over CERTSMITH_BENCH_AUDIT_MUTATIONS (2000) mutations after a warm-up.
 * - `audit_overhead_ratio`: audited ÷ unaudited.
 * - `audit_unaudited_mutations_per_second`, `audit_audited_mutations_per_second`: throughput with
 *   CERTSMITH_BENCH_CONNECTIONS (10) concurrent writers. Audited writers all take turns on the one
 *   head row (that is what keeps the chain linear), so this shows what that serialisation costs.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";

import { systemClock } from "../src/lib/clock.js";
import { newId } from "../src/lib/ids.js";
import { systemActor } from "../src/services/actor.js";
import { createAuditService, type AuditService } from "../src/services/audit/audit.service.js";
import { migrateToLatest, openStore, type Db } from "../src/store/db.js";

import { benchDatabases, storageFor, type BenchDatabase } from "./support/databases.js";
import { emit, envInteger, note, round } from "./support/emit.js";

const MUTATIONS = envInteger("CERTSMITH_BENCH_AUDIT_MUTATIONS", 2000);
const WARM_UP = 200;
const CONCURRENCY = envInteger("CERTSMITH_BENCH_CONNECTIONS", 10);

type Mutation = (i: number) => Promise<unknown>;

function insertProject(db: Db, label: string, i: number) {
  const now = Date.now();
  return db
    .insertInto("projects")
    .values({
      id: newId("prj"),
      name: `${label}-${i}`,
      description: "",
      created_at: now,
      updated_at: now,
    })
    .execute();
}

function mutations(db: Db, audit: AuditService, label: string): Record<string, Mutation> {
  const actor = systemActor("req-bench", "127.0.0.1");
  return {
    unaudited: (i) => db.transaction().execute((trx) => insertProject(trx, `${label}-u`, i)),
    audited: (i) =>
      audit.record(
        actor,
        { action: "project.create", targetType: "project", details: { name: `${label}-a-${i}` } },
        (trx) => insertProject(trx, `${label}-a`, i),
      ),
  };
}

/**
 * Mean ms per mutation for each kind, measured in alternating blocks so that drift (a warming
 * cache, a growing table, a busy host) falls on both kinds alike.
 */
async function sequentialMs(kinds: Record<string, Mutation>): Promise<Record<string, number>> {
  const names = Object.keys(kinds);
  const spent = Object.fromEntries(names.map((name) => [name, 0]));
  let i = 0;
  for (const name of names) for (let w = 0; w < WARM_UP; w++) await kinds[name]!(i++);
  const block = 100;
  for (let done = 0; done < MUTATIONS; done += block) {
    for (const name of names) {
      const start = performance.now();
      for (let b = 0; b < Math.min(block, MUTATIONS - done); b++) await kinds[name]!(i++);
      spent[name]! += performance.now() - start;
    }
  }
  return Object.fromEntries(names.map((name) => [name, spent[name]! / MUTATIONS]));
}

async function concurrentPerSecond(run: Mutation, offset: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < MUTATIONS) await run(offset + next++);
    }),
  );
  return MUTATIONS / ((performance.now() - start) / 1000);
}

async function measure(database: BenchDatabase): Promise<void> {
  const storage = await storageFor(database);
  const fresh = await storage.fresh();
  const sqlitePath = database === "sqlite" ? path.join(fresh.dataDir, "certsmith.db") : null;
  const store = openStore({
    url: fresh.databaseUrl,
    kind: database,
    sqlitePath,
    poolSize: CONCURRENCY,
  });
  try {
    await migrateToLatest(store.db);
    const audit = createAuditService({ db: store.db, clock: systemClock });
    const run = mutations(store.db, audit, database);
    note(`${database}: ${MUTATIONS} sequential mutations each, unaudited then audited`);
    const { unaudited = 0, audited = 0 } = await sequentialMs(run);
    const qualifiers = { database, mutations: MUTATIONS };
    emit({
      metric: "audit_unaudited_mutation_ms",
      value: round(unaudited, 3),
      unit: "ms",
      ...qualifiers,
    });
    emit({
      metric: "audit_audited_mutation_ms",
      value: round(audited, 3),
      unit: "ms",
      ...qualifiers,
    });
    emit({
      metric: "audit_overhead_ratio",
      value: round(audited / unaudited, 2),
      unit: "x",
      ...qualifiers,
    });

    note(`${database}: ${MUTATIONS} mutations by ${CONCURRENCY} concurrent writers`);
    const offset = 2 * (MUTATIONS + WARM_UP);
    const concurrent = { ...qualifiers, concurrency: CONCURRENCY };
    emit({
      metric: "audit_unaudited_mutations_per_second",
      value: round(await concurrentPerSecond(run.unaudited!, offset)),
      unit: "1/s",
      ...concurrent,
    });
    emit({
      metric: "audit_audited_mutations_per_second",
      value: round(await concurrentPerSecond(run.audited!, offset)),
      unit: "1/s",
      ...concurrent,
    });
    const chain = await audit.verifyChain(systemActor());
    if (!chain.isValid)
      throw new Error(`the chain broke during the bench: ${JSON.stringify(chain)}`);
  } finally {
    await store.close();
    await fresh.remove();
    await storage.close();
  }
}

for (const database of benchDatabases()) await measure(database);
