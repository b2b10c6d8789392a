import { randomBytes } from "node:crypto";

import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { keysetFor, listCertificates } from "../../../src/services/inventory/inventory.repo.js";
import type {
  CertificateSort,
  SortOrder,
} from "../../../src/services/inventory/inventory.types.js";
import { insertCertificate } from "../../../src/services/issuance/certificate-rows.repo.js";
import { migrateToLatest, openStore, type Store } from "../../../src/store/db.js";
import { DIALECTS } from "../../support/dialects.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-store.js";

/**
 * On PostgreSQL, a database whose default collation ignores punctuation at the first level, as
 * glibc's en_US.UTF-8 (a common default) does; ICU's "shifted" alternate handling gives the same
 * ordering without needing an OS locale.
 */
const PUNCTUATION_BLIND = {
  postgresCreateOptions:
    "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US-u-ka-shifted' LOCALE 'C'",
};

const NAMES = ["a-b.example", "a-c.example", "a.example", "ab.example", "a_b.example", "b.example"];
/** Certificates whose CN and a second SAN both start with "svc-": found once each. */
const SERVICES = Array.from({ length: 7 }, (_, i) => `svc-${i}.example`);
const DAY = 86_400_000;

describe.each(DIALECTS)("inventory q name search on a linguistic collation (%s)", (dialect) => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    database = await createTestDatabase(dialect, PUNCTUATION_BLIND);
    store = openStore(database.config);
    await migrateToLatest(store.db);
    const now = Date.now();
    await store.db
      .insertInto("projects")
      .values({ id: "prj_q", name: "q", description: "", created_at: now, updated_at: now })
      .execute();
    const all = [...NAMES, ...SERVICES];
    for (const [i, name] of all.entries()) {
      const sans = [{ type: "dns", value: name }];
      if (name.startsWith("svc-")) sans.push({ type: "dns", value: `svc-alias-${i}.example` });
      await insertCertificate(store.db, {
        // Ids sort against creation order, and expiries tie in pairs, so id breaks the ties.
        id: `cert_q${String(99 - i).padStart(2, "0")}`,
        projectId: "prj_q",
        caId: null,
        profileId: null,
        issuerType: "imported",
        status: "active",
        commonName: name,
        sans,
        subjectDn: `CN=${name}`,
        issuerDn: "CN=Elsewhere",
        issuerKeyId: null,
        serialNumber: `0${i}`,
        fingerprintSha256: randomBytes(32).toString("hex"),
        fingerprintSha1: randomBytes(20).toString("hex"),
        keyType: "ECDSA-P256",
        keySize: 256,
        notBefore: new Date(now),
        expiresAt: new Date(now + (1 + Math.floor(i / 2)) * DAY),
        certificateDer: new Uint8Array([0x30, 0x00]),
        chainPem: "",
        keyRef: null,
        isKeyDownloadable: false,
        predecessorId: null,
        createdBy: "usr_q",
        createdAt: new Date(now - (all.length - i) * 1000),
      });
    }
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it("runs on a database whose default order ignores punctuation (PostgreSQL)", async () => {
    // Code-point order puts "a-c" before "ab" ('-' < 'b'); the shifted collation compares "ac".
    const { rows } = await sql<{
      is_before: boolean | number;
    }>`SELECT 'a-c.example' < 'ab.example' AS is_before`.execute(store.db);
    expect(Boolean(rows[0]!.is_before)).toBe(dialect === "sqlite");
  });

  it("pages a prefix matching several names per certificate, once each, in every order", async () => {
    const byId = new Map<string, { created: number; expires: number; name: string }>();
    const everything = await listCertificates(
      store.db,
      "prj_q",
      {},
      keysetFor("created_at", "asc"),
      500,
      undefined,
      new Date(),
    );
    for (const c of everything.items) {
      byId.set(c.id, {
        created: c.createdAt.getTime(),
        expires: c.expiresAt.getTime(),
        name: c.commonName,
      });
    }
    const services = [...byId].filter(([, c]) => c.name.startsWith("svc-"));
    for (const sort of ["created_at", "expires_at", "common_name"] as CertificateSort[]) {
      for (const order of ["asc", "desc"] as SortOrder[]) {
        const keyOf = (c: { created: number; expires: number; name: string }) =>
          sort === "created_at" ? c.created : sort === "expires_at" ? c.expires : c.name;
        const expected = [...services]
          .sort(([idA, a], [idB, b]) => {
            const [ka, kb] = [keyOf(a), keyOf(b)];
            const byKey = ka < kb ? -1 : ka > kb ? 1 : idA < idB ? -1 : idA > idB ? 1 : 0;
            return order === "asc" ? byKey : -byKey;
          })
          .map(([id]) => id);
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await listCertificates(
            store.db,
            "prj_q",
            { q: "SVC-" },
            keysetFor(sort, order),
            2,
            cursor,
            new Date(),
          );
          // Full pages: a certificate found by two names takes one place, not two.
          if (page.nextCursor !== null) expect(page.items).toHaveLength(2);
          seen.push(...page.items.map((c) => c.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor !== undefined);
        expect(seen, `${sort} ${order}`).toEqual(expected);
      }
    }
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
