import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { entryHash } from "../../../src/services/audit/audit-record.fns.js";
import type { AuditEntry } from "../../../src/services/audit/audit.types.js";
import { DIALECTS } from "../../support/dialects.js";

import {
  appendEntries,
  createAuditFixture,
  userActor,
  type AuditFixture,
} from "./audit-fixtures.js";

const N = 12;
const reader = userActor({ name: "auditor" });

/** A column of a stored row, a different value for it, as a DB admin would write it. */
const EDITS: [column: string, value: string | number | null][] = [
  ["id", "aud_01JD3K9Z2X4Q8W6V5T7R1N0M3X"],
  ["created_at", Date.parse("2026-11-23T09:59:59.000Z")],
  ["actor_type", "system"],
  ["actor_id", "usr_someone_else"],
  ["actor_name", "mallory"],
  ["action", "certificate.revoke"],
  ["target_type", "ca"],
  ["target_id", "cert_other"],
  ["project_id", null],
  ["result", "failure"],
  ["error_code", "forbidden"],
  ["request_id", "req-forged"],
  ["source_ip", "203.0.113.9"],
  ["details", '{"index":5,"subject":"CN=evil.example"}'],
  // Same JSON meaning, other bytes: what was hashed is the canonical text, so this is an edit too.
  ["details", '{"subject":"CN=host-5.example","index":5}'],
  ["prev_hash", "1".repeat(64)],
  ["hash", "2".repeat(64)],
];

describe.each(DIALECTS)("audit chain tamper detection on %s", (dialect) => {
  let f: AuditFixture;
  beforeAll(async () => {
    // A small batch size makes verification cross several batch boundaries.
    f = await createAuditFixture(dialect, { batchSize: 5 });
    await appendEntries(f, N);
  });
  afterAll(() => f.close());

  async function rowOf(sequence: number) {
    return f.store.db
      .selectFrom("audit_entries")
      .selectAll()
      .where("sequence", "=", sequence)
      .executeTakeFirstOrThrow();
  }

  async function setColumn(sequence: number, column: string, value: string | number | null) {
    await f.store.db
      .updateTable("audit_entries")
      .set({ [column]: value })
      .where("sequence", "=", sequence)
      .execute();
  }

  it("verifies an untouched chain of N entries linked from the genesis hash", async () => {
    const result = await f.audit.verifyChain(reader);
    expect(result).toMatchObject({
      isValid: true,
      entriesChecked: N,
      firstInvalidSequence: null,
      reason: null,
      headSequence: N,
    });
    const first = await rowOf(1);
    expect(first.prev_hash).toBe("0".repeat(64));
    for (let s = 2; s <= N; s++) expect((await rowOf(s)).prev_hash).toBe((await rowOf(s - 1)).hash);
    expect(result.headHash).toBe((await rowOf(N)).hash);
  });

  it.each(EDITS)("names the entry whose %s was edited", async (column, value) => {
    const target = 5;
    const original = (await rowOf(target)) as Record<string, unknown>;
    await setColumn(target, column, value);
    try {
      const result = await f.audit.verifyChain(reader);
      expect(result).toMatchObject({
        isValid: false,
        firstInvalidSequence: target,
        reason: "hash_mismatch",
        entriesChecked: target,
      });
    } finally {
      await setColumn(target, column, original[column] as string | number | null);
    }
    expect((await f.audit.verifyChain(reader)).isValid).toBe(true);
  });

  it("names a deleted entry by its sequence, in the middle and at the end", async () => {
    const middle = await rowOf(7);
    await f.store.db.deleteFrom("audit_entries").where("sequence", "=", 7).execute();
    expect(await f.audit.verifyChain(reader)).toMatchObject({
      isValid: false,
      firstInvalidSequence: 7,
      reason: "missing",
      entriesChecked: 6,
    });
    await f.store.db.insertInto("audit_entries").values(middle).execute();

    const last = await rowOf(N);
    await f.store.db.deleteFrom("audit_entries").where("sequence", "=", N).execute();
    expect(await f.audit.verifyChain(reader)).toMatchObject({
      isValid: false,
      firstInvalidSequence: N,
      reason: "missing",
    });
    // Trimming the head row too only moves the break: the new last entry is not what it names.
    await f.store.db
      .updateTable("audit_head")
      .set({ last_sequence: N - 1 })
      .where("id", "=", 1)
      .execute();
    expect(await f.audit.verifyChain(reader)).toMatchObject({
      isValid: false,
      firstInvalidSequence: N - 1,
      reason: "head_mismatch",
    });
    await f.store.db
      .updateTable("audit_head")
      .set({ last_sequence: N })
      .where("id", "=", 1)
      .execute();
    await f.store.db.insertInto("audit_entries").values(last).execute();
    expect((await f.audit.verifyChain(reader)).isValid).toBe(true);
  });

  it("names the first of two reordered entries", async () => {
    const three = await rowOf(3);
    const six = await rowOf(6);
    // Swap the two rows' places in the sequence, each keeping its own content and hashes.
    await setColumn(3, "sequence", -3);
    await setColumn(6, "sequence", 3);
    await setColumn(-3, "sequence", 6);
    try {
      expect(await f.audit.verifyChain(reader)).toMatchObject({
        isValid: false,
        firstInvalidSequence: 3,
        reason: "hash_mismatch",
      });
    } finally {
      await f.store.db.deleteFrom("audit_entries").where("sequence", "in", [3, 6]).execute();
      await f.store.db.insertInto("audit_entries").values([three, six]).execute();
    }
    expect((await f.audit.verifyChain(reader)).isValid).toBe(true);
  });

  it("names the entry after one that was edited and re-hashed with the public algorithm", async () => {
    const original = await rowOf(4);
    const forged = await f.store.db
      .selectFrom("audit_entries")
      .selectAll()
      .where("sequence", "=", 4)
      .executeTakeFirstOrThrow();
    const entry: Omit<AuditEntry, "hash"> = {
      sequence: 4,
      id: forged.id,
      createdAt: new Date(forged.created_at),
      actorType: forged.actor_type,
      actorId: forged.actor_id,
      actorName: "mallory",
      action: forged.action,
      targetType: forged.target_type,
      targetId: forged.target_id,
      projectId: forged.project_id,
      result: forged.result,
      errorCode: forged.error_code,
      requestId: forged.request_id,
      sourceIp: forged.source_ip,
      details: JSON.parse(forged.details) as Record<string, unknown>,
      prevHash: forged.prev_hash,
    };
    await f.store.db
      .updateTable("audit_entries")
      .set({ actor_name: "mallory", hash: entryHash(entry) })
      .where("sequence", "=", 4)
      .execute();
    try {
      expect(await f.audit.verifyChain(reader)).toMatchObject({
        isValid: false,
        firstInvalidSequence: 5,
        reason: "chain_broken",
      });
    } finally {
      await f.store.db
        .updateTable("audit_entries")
        .set({ actor_name: original.actor_name, hash: original.hash })
        .where("sequence", "=", 4)
        .execute();
    }
  });

  it("notices an entry slipped in after the head", async () => {
    const last = await rowOf(N);
    await f.store.db
      .insertInto("audit_entries")
      .values({ ...last, sequence: N + 1, id: "aud_extra", prev_hash: last.hash })
      .execute();
    try {
      expect(await f.audit.verifyChain(reader)).toMatchObject({
        isValid: false,
        firstInvalidSequence: N + 1,
        reason: "head_mismatch",
      });
    } finally {
      await f.store.db
        .deleteFrom("audit_entries")
        .where("sequence", "=", N + 1)
        .execute();
    }
  });

  it("refuses a range that ends before it starts", async () => {
    await expect(
      f.audit.verifyChain(reader, { fromSequence: 5, toSequence: 4 }),
    ).rejects.toMatchObject({ code: "validation_failed" });
  });

  it("verifies a range, linking its first entry to the one before it", async () => {
    expect(await f.audit.verifyChain(reader, { fromSequence: 4, toSequence: 9 })).toMatchObject({
      isValid: true,
      entriesChecked: 6,
      fromSequence: 4,
      toSequence: 9,
    });
    await setColumn(3, "hash", "3".repeat(64));
    try {
      // Entry 3 is outside the range, but 4 no longer links to what is stored before it.
      expect(await f.audit.verifyChain(reader, { fromSequence: 4, toSequence: 9 })).toMatchObject({
        isValid: false,
        firstInvalidSequence: 4,
        reason: "chain_broken",
      });
      expect(await f.audit.verifyChain(reader, { fromSequence: 6, toSequence: 9 })).toMatchObject({
        isValid: true,
        entriesChecked: 4,
      });
    } finally {
      await setColumn(3, "hash", (await rowOf(4)).prev_hash);
    }
  });
});
