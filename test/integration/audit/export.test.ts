import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { toAuditRecord } from "../../../src/services/audit/audit-record.fns.js";
import type { AuditEntry } from "../../../src/services/audit/audit.types.js";
import { canonicalJson } from "../../../src/services/audit/canonical-json.fns.js";
import { DIALECTS } from "../../support/dialects.js";

import {
  appendEntries,
  createAuditFixture,
  userActor,
  type AuditFixture,
} from "./audit-fixtures.js";

const BATCH = 7;
const DOCS = path.join(import.meta.dirname, "../../../docs/audit.md");

/** The auditor's script from docs/audit.md, so the documentation itself is what gets tested. */
function docsVerifier(): string {
  const match = /```python\n([\s\S]*?)```/.exec(readFileSync(DOCS, "utf8"));
  if (!match?.[1]) throw new Error("docs/audit.md has no python block");
  return match[1];
}

/** Runs a Python program on stdin; its exit code and output. */
function python(program: string, input: string) {
  const run = spawnSync("python3", ["-c", program], { input, encoding: "utf8", timeout: 30_000 });
  if (run.error) throw run.error;
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Python's csv module, a parser we did not write, reads the export back as rows of strings. */
const PARSE_CSV = `
import csv, json, sys
print(json.dumps(list(csv.reader(sys.stdin))))
`;

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = "";
  for await (const chunk of chunks) text += chunk;
  return text;
}

describe.each(DIALECTS)("audit export on %s", (dialect) => {
  let f: AuditFixture;
  const reader = userActor({ name: "auditor" });
  beforeAll(async () => {
    f = await createAuditFixture(dialect, { batchSize: BATCH });
    await appendEntries(f, 20);
    // Text that CSV must quote, and text a spreadsheet would run as a formula.
    const awkward = userActor({ name: 'O"Brien, Jr.\nline two', requestId: "req,with,commas" });
    await f.store.db.transaction().execute((trx) =>
      f.audit.append(trx, awkward, {
        action: "project.update",
        targetType: "project",
        targetId: "=HYPERLINK(1)",
        details: { note: 'a "quoted", multi\r\nline note', ünïcode: "✓" },
      }),
    );
  });
  afterAll(() => f.close());

  async function allEntries(): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    for await (const entry of f.audit.exportEntries(reader, {})) out.push(entry);
    return out;
  }

  it("exports every entry as CSV that an independent parser reads back field for field", async () => {
    const entries = await allEntries();
    expect(entries.map((e) => e.sequence)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));

    const csv = await collect(f.audit.exportText(reader, {}, "csv"));
    const parsed = python(PARSE_CSV, csv);
    expect(parsed.stderr).toBe("");
    const [header, ...rows] = JSON.parse(parsed.stdout) as string[][];
    expect(header).toEqual(Object.keys(toAuditRecord(entries[0]!)));
    expect(rows).toHaveLength(entries.length);
    rows.forEach((row, i) => {
      const record = toAuditRecord(entries[i]!) as unknown as Record<string, unknown>;
      const expected = header!.map((field) => {
        const value = record[field];
        if (value === null) return "";
        if (typeof value === "object") return canonicalJson(value);
        return typeof value === "number" ? String(value) : (value as string);
      });
      const defused = expected.map((cell) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell));
      expect(row, `row ${i + 1}`).toEqual(defused);
    });
    const last = rows[rows.length - 1]!;
    expect(last[header!.indexOf("actor_name")]).toBe('O"Brien, Jr.\nline two');
    expect(last[header!.indexOf("target_id")]).toBe("'=HYPERLINK(1)");
  });

  it("exports JSON lines that the auditor's script in docs/audit.md re-verifies", async () => {
    const jsonl = await collect(f.audit.exportText(reader, {}, "jsonl"));
    expect(jsonl.trimEnd().split("\n")).toHaveLength(21);
    const ok = python(docsVerifier(), jsonl);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    const head = await f.audit.head(reader);
    expect(ok.stdout.trim()).toBe(`ok: 21 entries, head 21 ${head.hash}`);

    await f.store.db
      .updateTable("audit_entries")
      .set({ actor_name: "mallory" })
      .where("sequence", "=", 9)
      .execute();
    try {
      const tampered = python(
        docsVerifier(),
        await collect(f.audit.exportText(reader, {}, "jsonl")),
      );
      expect(tampered.code).not.toBe(0);
      expect(tampered.stderr).toContain("entry 9: hash mismatch");
    } finally {
      await f.store.db
        .updateTable("audit_entries")
        .set({ actor_name: "alice" })
        .where("sequence", "=", 9)
        .execute();
    }
  });

  it("reads lazily in batches and stops at the head it started from", async () => {
    const iterator = f.audit.exportEntries(reader, {})[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toMatchObject({ sequence: 1 });
    // Entry 15 sits in the third batch of 7, which is not read yet: an export that loaded the
    // whole log up front would still yield it.
    const fifteen = await f.store.db
      .selectFrom("audit_entries")
      .selectAll()
      .where("sequence", "=", 15)
      .executeTakeFirstOrThrow();
    await f.store.db.deleteFrom("audit_entries").where("sequence", "=", 15).execute();
    // Appended after the export began: beyond its fixed end.
    const late = await f.store.db
      .transaction()
      .execute((trx) =>
        f.audit.append(trx, reader, { action: "project.create", targetType: "project" }),
      );
    const seen = [1];
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        seen.push(next.value.sequence);
      }
    } finally {
      await f.store.db.insertInto("audit_entries").values(fifteen).execute();
    }
    expect(late.sequence).toBe(22);
    expect(seen).toEqual(Array.from({ length: 21 }, (_, i) => i + 1).filter((s) => s !== 15));
  });

  it("applies the list filters to the export", async () => {
    const text = await collect(
      f.audit.exportText(reader, { actions: ["project"], projectIds: undefined }, "jsonl"),
    );
    const actions = text
      .trimEnd()
      .split("\n")
      .map((line) => (JSON.parse(line) as { action: string }).action);
    expect(actions).toEqual(["project.update", "project.create"]);
  });
});
