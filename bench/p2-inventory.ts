/**
 * P2, the inventory at scale (issue 4 §9): a generator fills the certificates table (and the
 * name index `q` uses) to each size in CERTSMITH_BENCH_P2_SIZES (default "10000,1000000"; add
 * 10000000 for the 10M goal), then times five typical list queries, in-process through the
 * inventory repo (the exact SQL the API runs, without HTTP), on SQLite and PostgreSQL.
 *
 * Figures (one JSON line each, see README.md): `p2_<query>_p50` and `p2_<query>_p99` in ms per
 * size, and `p2_<query>_p99_ratio`: p99 at the largest size ÷ p99 at the smallest (goal ≤ 3 for
 * 10M vs 10k, and p99 < 50 ms at 10M).
 */
import { performance } from "node:perf_hooks";

import { sql } from "kysely";

import { encodeCursor } from "../src/lib/cursor.js";
import { keysetFor, listCertificates } from "../src/services/inventory/inventory.repo.js";
import type {
  CertificateFilter,
  CertificateSort,
  SortOrder,
} from "../src/services/inventory/inventory.types.js";
import { migrateToLatest, openStore, type Db } from "../src/store/db.js";

import { benchDatabases, storageFor, type BenchDatabase } from "./support/databases.js";
import { emit, envInteger, note, round } from "./support/emit.js";

const SIZES = (process.env.CERTSMITH_BENCH_P2_SIZES ?? "10000,1000000")
  .split(",")
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isSafeInteger(n) && n > 0)
  .sort((a, b) => a - b);
const RUNS = envInteger("CERTSMITH_BENCH_P2_RUNS", 200);
const WARM_UP = 20;
const BATCH = 100_000;
const DAY = 86_400_000;
const PROJECT = "prj_bench_inventory";
const CAS = ["ca_bench_0", "ca_bench_1", "ca_bench_2", "ca_bench_3"];
const PROFILES = ["prf_bench_0", "prf_bench_1", "prf_bench_2", "prf_bench_3", "prf_bench_4"];
/** One clock for the whole run, so generated expiries and "now" in queries agree. */
const NOW = Date.now();

interface Query {
  name: string;
  filter: CertificateFilter;
  sort: CertificateSort;
  order: SortOrder;
  /** Start this deep into the result (a cursor taken once, untimed), else the first page. */
  deepFraction?: number;
}

const QUERIES: Query[] = [
  { name: "newest_first_page", filter: {}, sort: "created_at", order: "desc" },
  {
    name: "active_expiring_30d",
    filter: { statuses: ["active"], expiringWithinDays: 30 },
    sort: "expires_at",
    order: "asc",
  },
  {
    name: "acme_by_ca_by_name",
    filter: { issuerTypes: ["acme"], caIds: [CAS[1]!] },
    sort: "common_name",
    order: "asc",
  },
  { name: "q_name_prefix", filter: { q: "host-123" }, sort: "created_at", order: "desc" },
  {
    name: "deep_cursor_by_expiry",
    filter: {},
    sort: "expires_at",
    order: "asc",
    deepFraction: 0.9,
  },
];

/** Row expressions per dialect; `i` is the row number. Pseudo-random spreads come from `i`. */
function generatorSql(database: BenchDatabase, from: number, to: number) {
  const pg = database === "postgres";
  const pad = (width: number) => (pg ? `lpad(i::text, ${width}, '0')` : `printf('%0${width}d', i)`);
  const hex = (width: number, salt: number) =>
    pg
      ? `substr(md5((i + ${salt})::text) || md5((i * 31 + ${salt})::text), 1, ${width})`
      : `printf('%0${width}x', i * 2654435761 + ${salt})`;
  const der = pg ? `decode('3003020101', 'hex')` : `x'3003020101'`;
  const cn = `'host-' || i || '.svc' || (i % 1000) || '.example.com'`;
  const expiresAt = `${NOW - 30 * DAY} + ((i * 7919) % 430) * ${DAY} + (i % 86400) * 1000`;
  const createdAt = `${NOW - 2 * 365 * DAY} + i * 60`;
  const pick = (list: string[]) =>
    `CASE i % ${list.length} ${list.map((v, k) => `WHEN ${k} THEN '${v}'`).join(" ")} END`;
  const select = `
    SELECT 'cert_' || ${pad(14)}, '${PROJECT}',
      ${pick(CAS)},
      CASE WHEN i % 10 < 7 THEN ${pick(PROFILES)} ELSE NULL END,
      CASE WHEN i % 10 < 7 THEN 'issued' WHEN i % 10 < 9 THEN 'acme' ELSE 'imported' END,
      CASE WHEN i % 100 < 90 THEN 'active' WHEN i % 100 < 94 THEN 'revoked'
           WHEN i % 100 < 97 THEN 'renewal_failed' ELSE 'superseded' END,
      ${cn},
      '[{"type":"dns","value":"' || ${cn} || '"}]',
      'CN=' || ${cn}, 'CN=Bench Issuing CA', NULL,
      ${hex(32, 1)}, ${hex(64, 2)}, ${hex(40, 3)},
      'ECDSA-P256', 256,
      ${NOW - 400 * DAY} + i * 1000,
      ${expiresAt},
      ${der}, '', NULL, 0, NULL, NULL, NULL, NULL, 'bench',
      ${createdAt}, ${createdAt}
    FROM seq`;
  const seq = pg
    ? `seq AS (SELECT generate_series(${from}::bigint, ${to}::bigint) AS i)`
    : `RECURSIVE seq(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM seq WHERE i < ${to})`;
  const columns = `(id, project_id, ca_id, profile_id, issuer_type, status, common_name, sans,
    subject_dn, issuer_dn, issuer_key_id, serial_number, fingerprint_sha256, fingerprint_sha1,
    key_type, key_size, not_before, expires_at, certificate_der, chain_pem, key_ref,
    is_key_downloadable, revoked_at, revocation_reason, invalidity_date, predecessor_id,
    created_by, created_at, updated_at)`;
  return {
    certificates: `INSERT INTO certificates ${columns} WITH ${seq} ${select}`,
    // The same name, sort keys and id as the certificate row (as insertCertificate writes them).
    names: `INSERT INTO certificate_names
        (certificate_id, project_id, name, created_at, expires_at, common_name)
      WITH ${seq} SELECT 'cert_' || ${pad(14)}, '${PROJECT}', ${cn}, ${createdAt}, ${expiresAt}, ${cn}
      FROM seq`,
  };
}

async function seedParents(db: Db): Promise<void> {
  await db
    .insertInto("projects")
    .values({ id: PROJECT, name: "bench", description: "", created_at: NOW, updated_at: NOW })
    .execute();
  for (const id of CAS) {
    await db
      .insertInto("cas")
      .values({
        id,
        project_id: PROJECT,
        name: id,
        type: "external",
        status: "active",
        parent_ca_id: null,
        key_backend: null,
        key_ref: null,
        key_type: "ECDSA-P256",
        certificate_der: null,
        csr_der: null,
        chain_pem: "",
        subject_dn: `CN=${id}`,
        serial_number: null,
        subject_key_id: null,
        not_before: null,
        not_after: null,
        path_length: null,
        name_constraints: null,
        settings: "{}",
        created_by: "bench",
        created_at: NOW,
        updated_at: NOW,
      })
      .execute();
  }
  for (const id of PROFILES) {
    await db
      .insertInto("profiles")
      .values({
        id,
        project_id: PROJECT,
        name: id,
        description: "",
        ca_id: CAS[0]!,
        allowed_key_types: null,
        default_key_type: null,
        validity_days: 90,
        max_validity_days: null,
        key_usage: "[]",
        extended_key_usage: "[]",
        subject_defaults: "{}",
        san_rules: "{}",
        renewal_window_days: 30,
        is_key_downloadable: 0,
        created_by: "bench",
        created_at: NOW,
        updated_at: NOW,
      })
      .execute();
  }
}

/** Adds rows `from..to` in batches; returns the seconds it took. */
async function fill(db: Db, database: BenchDatabase, from: number, to: number): Promise<number> {
  const started = performance.now();
  for (let start = from; start <= to; start += BATCH) {
    const end = Math.min(to, start + BATCH - 1);
    const statements = generatorSql(database, start, end);
    await db.transaction().execute(async (trx) => {
      await sql.raw(statements.certificates).execute(trx);
      await sql.raw(statements.names).execute(trx);
    });
    if ((end - from + 1) % 1_000_000 === 0) note(`${database}: ${end} rows`);
  }
  // Planner statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` (SQLite) keep them.
  await sql.raw("ANALYZE").execute(db);
  return (performance.now() - started) / 1000;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A cursor `fraction` deep into the query's order: taken once with OFFSET, outside the timing. */
async function deepCursor(db: Db, query: Query, size: number): Promise<string> {
  const column = query.sort;
  const offset = Math.floor(size * (query.deepFraction ?? 0));
  const row = await db
    .selectFrom("certificates")
    .select(["id", column])
    .where("project_id", "=", PROJECT)
    .orderBy(column, query.order)
    .orderBy("id", query.order)
    .offset(offset)
    .limit(1)
    .executeTakeFirstOrThrow();
  const key = (row as Record<string, string | number>)[column]!;
  return encodeCursor({ sort: `${query.sort}:${query.order}`, key, id: row.id });
}

async function time(db: Db, query: Query, size: number): Promise<{ p50: number; p99: number }> {
  const spec = keysetFor(query.sort, query.order);
  const cursor = query.deepFraction ? await deepCursor(db, query, size) : undefined;
  const now = new Date(NOW);
  const samples: number[] = [];
  for (let run = 0; run < WARM_UP + RUNS; run++) {
    const started = performance.now();
    const page = await listCertificates(db, PROJECT, query.filter, spec, 50, cursor, now);
    const elapsed = performance.now() - started;
    if (page.items.length === 0) throw new Error(`${query.name} returned nothing at ${size} rows`);
    if (run >= WARM_UP) samples.push(elapsed);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function measure(database: BenchDatabase): Promise<void> {
  const storage = await storageFor(database);
  const target = await storage.fresh();
  const store = openStore({
    url: target.databaseUrl,
    kind: database,
    sqlitePath: database === "sqlite" ? target.databaseUrl.replace(/^sqlite:/, "") : null,
    poolSize: 4,
  });
  try {
    await migrateToLatest(store.db);
    await seedParents(store.db);
    const p99s = new Map<string, number[]>();
    let filled = 0;
    for (const size of SIZES) {
      note(`${database}: filling to ${size} rows`);
      const seconds = await fill(store.db, database, filled + 1, size);
      emit({
        metric: "p2_fill_rows_per_second",
        value: round((size - filled) / seconds, 0),
        unit: "rows/s",
        database,
        rows: size,
      });
      filled = size;
      for (const query of QUERIES) {
        const { p50, p99 } = await time(store.db, query, size);
        const common = { database, rows: size, runs: RUNS, limit: 50 };
        emit({ metric: `p2_${query.name}_p50`, value: round(p50, 2), unit: "ms", ...common });
        emit({ metric: `p2_${query.name}_p99`, value: round(p99, 2), unit: "ms", ...common });
        p99s.set(query.name, [...(p99s.get(query.name) ?? []), p99]);
      }
    }
    if (SIZES.length > 1) {
      for (const [name, values] of p99s) {
        emit({
          metric: `p2_${name}_p99_ratio`,
          value: round(values[values.length - 1]! / values[0]!, 2),
          unit: "ratio",
          database,
          rows: `${SIZES[SIZES.length - 1]}/${SIZES[0]}`,
        });
      }
    }
  } finally {
    await store.close();
    await target.remove();
    await storage.close();
  }
}

for (const database of benchDatabases()) await measure(database);
