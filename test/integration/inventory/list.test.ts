import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { newId } from "../../../src/lib/ids.js";
import { parseCertificate } from "../../../src/pki/certificate-info.js";
import type { IssuerType } from "../../../src/services/inventory/inventory.types.js";
import { recordFieldsOf } from "../../../src/services/issuance/certificate-record.fns.js";
import { insertCertificate } from "../../../src/services/issuance/certificate-rows.repo.js";
import { DIALECTS } from "../../support/dialects.js";
import { createProject } from "../../support/identity.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";

import { certificatesUrl, createTestIssuer, importPem, type TestIssuer } from "./support.js";

interface Item {
  id: string;
  status: string;
  common_name: string;
  issuer_type: string;
  expires_at: string;
  created_at: string;
  serial_number: string;
  fingerprint_sha256: string;
  fingerprint_sha1: string;
}

describe.each(DIALECTS)("certificate list (%s)", (dialect) => {
  let t: TestApp;
  let projectId: string;
  let issuer: TestIssuer;
  const ids: Record<string, string> = {};
  let caId: string;
  let profileId: string;

  /** Rows only issuance makes (issued/acme, with CA and profile): written through the repo. */
  async function insertIssued(name: string, issuerType: IssuerType, withCa: boolean) {
    const leaf = await issuer.leaf(name, { days: 200 });
    const id = newId("cert");
    await insertCertificate(t.app.store.db, {
      ...recordFieldsOf(parseCertificate(leaf.der)),
      id,
      projectId,
      caId: withCa ? caId : null,
      profileId: withCa ? profileId : null,
      issuerType,
      status: "active",
      chainPem: "",
      keyRef: null,
      isKeyDownloadable: false,
      predecessorId: null,
      createdBy: "system",
      createdAt: new Date(),
    });
    return id;
  }

  async function seedCaAndProfile() {
    const now = Date.now();
    caId = newId("ca");
    profileId = newId("prf");
    const db = t.app.store.db;
    await db
      .insertInto("cas")
      .values({
        id: caId,
        project_id: projectId,
        name: "list-ca",
        type: "external",
        status: "active",
        parent_ca_id: null,
        key_backend: null,
        key_ref: null,
        key_type: "ECDSA-P256",
        certificate_der: Buffer.from(issuer.rootDer),
        csr_der: null,
        chain_pem: "",
        subject_dn: "CN=Inventory Test Root",
        serial_number: null,
        subject_key_id: null,
        not_before: null,
        not_after: null,
        path_length: null,
        name_constraints: null,
        settings: "{}",
        created_by: "system:test",
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto("profiles")
      .values({
        id: profileId,
        project_id: projectId,
        name: "web",
        description: "",
        ca_id: caId,
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
        created_by: "system:test",
        created_at: now,
        updated_at: now,
      })
      .execute();
  }

  beforeAll(async () => {
    t = await createTestApp(dialect);
    projectId = await createProject(t, "list");
    issuer = await createTestIssuer();
    await seedCaAndProfile();
    for (const [name, days] of [
      ["expired.example.com", -5],
      ["soon.example.com", 3],
      ["ten.example.com", 10],
      ["month.example.com", 25],
      ["later.example.com", 45],
      ["revoked.example.com", 20],
      ["failing.example.com", 15],
      ["alpha.example.org", 300],
    ] as const) {
      const sans = name === "alpha.example.org" ? [name, "api.internal.test", "10.1.2.3"] : [name];
      ids[name] = await importPem(t, projectId, (await issuer.leaf(name, { days, sans })).pem);
    }
    const db = t.app.store.db;
    await db
      .updateTable("certificates")
      .set({ status: "revoked", revoked_at: Date.now() })
      .where("id", "=", ids["revoked.example.com"]!)
      .execute();
    await db
      .updateTable("certificates")
      .set({ status: "renewal_failed" })
      .where("id", "=", ids["failing.example.com"]!)
      .execute();
    ids.issued1 = await insertIssued("issued-1.example.net", "issued", true);
    ids.issued2 = await insertIssued("issued-2.example.net", "issued", true);
    ids.acme = await insertIssued("acme.example.net", "acme", false);
  });
  afterAll(async () => t?.close());

  async function list(query: string): Promise<{ items: Item[]; next_cursor: string | null }> {
    const response = await t.inject({
      method: "GET",
      url: certificatesUrl(projectId, `?limit=500&${query}`),
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }
  const names = async (query: string) => (await list(query)).items.map((i) => i.common_name).sort();

  it("computes expired at read time and filters by status (comma list is OR)", async () => {
    expect(await names("status=expired")).toEqual(["expired.example.com"]);
    expect(await names("status=revoked")).toEqual(["revoked.example.com"]);
    expect(await names("status=renewal_failed,expired")).toEqual([
      "expired.example.com",
      "failing.example.com",
    ]);
    const active = await list("status=active");
    expect(active.items.every((i) => i.status === "active")).toBe(true);
    expect(active.items).toHaveLength(8);
    const one = await t.inject({
      method: "GET",
      url: certificatesUrl(projectId, `/${ids["expired.example.com"]}`),
    });
    expect(one.json().status).toBe("expired");
  });

  it("filters by expiring_within_days (not yet expired, expiring within the window)", async () => {
    expect(await names("expiring_within_days=30")).toEqual([
      "failing.example.com",
      "month.example.com",
      "revoked.example.com",
      "soon.example.com",
      "ten.example.com",
    ]);
    expect(await names("expiring_within_days=30&status=active")).toEqual([
      "month.example.com",
      "soon.example.com",
      "ten.example.com",
    ]);
  });

  it("filters by issuer_type, ca_id and profile_id", async () => {
    expect(await names("issuer_type=issued")).toEqual([
      "issued-1.example.net",
      "issued-2.example.net",
    ]);
    expect(await names("issuer_type=acme,issued")).toHaveLength(3);
    expect((await list("issuer_type=imported")).items).toHaveLength(8);
    expect(await names(`ca_id=${caId}`)).toEqual(["issued-1.example.net", "issued-2.example.net"]);
    expect(await names(`profile_id=${profileId},prf_unknown`)).toHaveLength(2);
    expect(await names("ca_id=ca_unknown")).toEqual([]);
  });

  it("finds by q: CN or SAN prefix (any case), serial and fingerprints in hex", async () => {
    expect(await names("q=ALPHA.exa")).toEqual(["alpha.example.org"]);
    expect(await names("q=api.internal")).toEqual(["alpha.example.org"]);
    expect(await names("q=10.1.2.3")).toEqual(["alpha.example.org"]);
    expect(await names("q=issued-")).toEqual(["issued-1.example.net", "issued-2.example.net"]);
    const target = (await list("q=soon.example.com")).items[0]!;
    const colons = target.serial_number.toUpperCase().match(/../g)!.join(":");
    expect(await names(`q=${encodeURIComponent(colons)}`)).toEqual(["soon.example.com"]);
    expect(await names(`q=${target.fingerprint_sha256}`)).toEqual(["soon.example.com"]);
    expect(await names(`q=${target.fingerprint_sha1.toUpperCase()}`)).toEqual(["soon.example.com"]);
    expect(await names("q=nothing-like-this")).toEqual([]);
  });

  it.each([
    ["status=valid", "validation_failed"],
    ["issuer_type=bought", "validation_failed"],
    ["sort=name", "validation_failed"],
    ["order=up", "validation_failed"],
    ["expiring_within_days=-1", "validation_failed"],
    ["cursor=%%%", "invalid_cursor"],
    ["cursor=bm90LWEtY3Vyc29y", "invalid_cursor"],
    ["unknown=1", "validation_failed"],
  ])("refuses %s with 400", async (query, code) => {
    const response = await t.inject({
      method: "GET",
      url: certificatesUrl(projectId, `?${query}`),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
  });

  it("refuses a cursor made for another sort", async () => {
    const first = (
      await t.inject({
        method: "GET",
        url: certificatesUrl(projectId, "?sort=expires_at&order=asc&limit=2"),
      })
    ).json<{ next_cursor: string }>();
    const page = await t.inject({
      method: "GET",
      url: certificatesUrl(projectId, `?limit=2&sort=common_name&cursor=${first.next_cursor}`),
    });
    expect(page.statusCode).toBe(400);
    expect(page.json().error.code).toBe("invalid_cursor");
  });

  const sortKey: Record<string, (i: Item) => string | number> = {
    expires_at: (i) => Date.parse(i.expires_at),
    created_at: (i) => Date.parse(i.created_at),
    common_name: (i) => i.common_name,
  };

  describe.each(["expires_at", "created_at", "common_name"])("sort=%s", (sort) => {
    it.each(["asc", "desc"])(
      "pages in %s order without skips or repeats while rows are inserted and deleted",
      async (order) => {
        const before = await list(`sort=${sort}&order=${order}`);
        const seen: Item[] = [];
        const deleted = new Set<string>();
        let cursor: string | null = null;
        let round = 0;
        do {
          const query: string = `sort=${sort}&order=${order}&limit=3${cursor ? `&cursor=${cursor}` : ""}`;
          const response = await t.inject({
            method: "GET",
            url: certificatesUrl(projectId, `?${query}`),
          });
          expect(response.statusCode, response.body).toBe(200);
          const page = response.json<{ items: Item[]; next_cursor: string | null }>();
          seen.push(...page.items);
          cursor = page.next_cursor;
          // Between pages: a new certificate arrives, and one not yet seen is deleted.
          round += 1;
          await importPem(
            t,
            projectId,
            (
              await issuer.leaf(`m-${sort.replace("_", "-")}-${order}-${round}.example.com`, {
                days: round * 7,
              })
            ).pem,
          );
          const unseen = before.items.find(
            (i) => !seen.some((s) => s.id === i.id) && !deleted.has(i.id),
          );
          if (unseen && round % 2 === 0) {
            await t.app.store.db.deleteFrom("certificates").where("id", "=", unseen.id).execute();
            deleted.add(unseen.id);
          }
        } while (cursor !== null);

        const seenIds = seen.map((i) => i.id);
        expect(new Set(seenIds).size).toBe(seenIds.length);
        for (const item of before.items) {
          if (!deleted.has(item.id)) expect(seenIds).toContain(item.id);
        }
        for (const id of deleted) expect(seenIds).not.toContain(id);
        const key = sortKey[sort]!;
        const sign = order === "asc" ? 1 : -1;
        for (let i = 1; i < seen.length; i++) {
          const a = seen[i - 1]!;
          const b = seen[i]!;
          const cmp = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id < b.id ? -1 : 1;
          expect(cmp * sign, `${a.common_name} then ${b.common_name}`).toBe(-1);
        }
      },
    );
  });
});
