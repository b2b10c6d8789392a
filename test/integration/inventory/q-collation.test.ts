import { randomBytes } from "node:crypto";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { keysetFor, listCertificates } from "../../../src/services/inventory/inventory.repo.js";
import { insertCertificate } from "../../../src/services/issuance/certificate-rows.repo.js";
import { migrateToLatest, openStore, type Store } from "../../../src/store/db.js";
import { DIALECTS } from "../../support/dialects.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-store.js";

/**
 * A PostgreSQL database whose default collation ignores punctuation at the first level, as
 * glibc's en_US.UTF-8 (a common default) does; ICU's "shifted" alternate handling gives the same
 * ordering without needing an OS locale.
 */
async function punctuationBlindPostgres(): Promise<TestDatabase> {
  const adminUrl = inject("postgresAdminUrl");
  if (!adminUrl) throw new Error("the PostgreSQL test cluster is not running");
  const name = `t_icu_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(
    `CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US-u-ka-shifted' LOCALE 'C'`,
  );
  await admin.end();
  const url = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  return {
    dialect: "postgres",
    config: { url, kind: "postgres", sqlitePath: null, poolSize: 2 },
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

const NAMES = ["a-b.example", "a-c.example", "a.example", "ab.example", "a_b.example", "b.example"];

describe.each(DIALECTS)("inventory q prefix on a linguistic collation (%s)", (dialect) => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    database =
      dialect === "postgres" ? await punctuationBlindPostgres() : await createTestDatabase(dialect);
    store = openStore(database.config);
    await migrateToLatest(store.db);
    const now = Date.now();
    await store.db
      .insertInto("projects")
      .values({ id: "prj_q", name: "q", description: "", created_at: now, updated_at: now })
      .execute();
    for (const [i, name] of NAMES.entries()) {
      await insertCertificate(store.db, {
        id: `cert_q${i}`,
        projectId: "prj_q",
        caId: null,
        profileId: null,
        issuerType: "imported",
        status: "active",
        commonName: name,
        sans: [{ type: "dns", value: name }],
        subjectDn: `CN=${name}`,
        issuerDn: "CN=Elsewhere",
        issuerKeyId: null,
        serialNumber: `0${i}`,
        fingerprintSha256: randomBytes(32).toString("hex"),
        fingerprintSha1: randomBytes(20).toString("hex"),
        keyType: "ECDSA-P256",
        keySize: 256,
        notBefore: new Date(now),
        expiresAt: new Date(now + 86_400_000),
        certificateDer: new Uint8Array([0x30, 0x00]),
        chainPem: "",
        keyRef: null,
        isKeyDownloadable: false,
        predecessorId: null,
        createdBy: "usr_q",
        createdAt: new Date(now),
      });
    }
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it("finds exactly the names that start with q, punctuation included", async () => {
    const search = async (q: string) => {
      const page = await listCertificates(
        store.db,
        "prj_q",
        { q },
        keysetFor("common_name", "asc"),
        50,
        undefined,
        new Date(),
      );
      return page.items.map((c) => c.commonName);
    };
    expect(await search("a-")).toEqual(["a-b.example", "a-c.example"]);
    expect(await search("a.")).toEqual(["a.example"]);
    expect(await search("a_")).toEqual(["a_b.example"]);
    expect(await search("ab")).toEqual(["ab.example"]);
    expect(await search("A-C")).toEqual(["a-c.example"]);
  });
});
