import { createHash } from "node:crypto";

import { describe, expect, it } from "vitest";

import { entryHash, GENESIS_HASH } from "./audit-record.fns.js";
import type { AuditEntry } from "./audit.types.js";

const entry: Omit<AuditEntry, "hash"> = {
  sequence: 1,
  id: "aud_01JD3K9Z2X4Q8W6V5T7R1N0M3B",
  createdAt: new Date("2026-11-23T10:00:00.123Z"),
  actorType: "user",
  actorId: "usr_01JD3K9Z2X4Q8W6V5T7R1N0M3B",
  actorName: "alice",
  action: "project.create",
  targetType: "project",
  targetId: "prj_01JD3K9Z2X4Q8W6V5T7R1N0M3B",
  projectId: "prj_01JD3K9Z2X4Q8W6V5T7R1N0M3B",
  result: "success",
  errorCode: null,
  requestId: "req-42",
  sourceIp: "127.0.0.1",
  details: { name: "payments", b: [1, 2] },
  prevHash: GENESIS_HASH,
};

describe("entryHash", () => {
  it("is SHA-256 over the record's canonical JSON, exactly as docs/audit.md spells it", () => {
    // Written by hand from the documented rules: members sorted, no whitespace, no `hash`.
    const canonical =
      '{"action":"project.create","actor_id":"usr_01JD3K9Z2X4Q8W6V5T7R1N0M3B","actor_name":"alice",' +
      '"actor_type":"user","created_at":"2026-11-23T10:00:00.123Z","details":{"b":[1,2],"name":"payments"},' +
      '"error_code":null,"id":"aud_01JD3K9Z2X4Q8W6V5T7R1N0M3B",' +
      `"prev_hash":"${GENESIS_HASH}","project_id":"prj_01JD3K9Z2X4Q8W6V5T7R1N0M3B",` +
      '"request_id":"req-42","result":"success","sequence":1,"source_ip":"127.0.0.1",' +
      '"target_id":"prj_01JD3K9Z2X4Q8W6V5T7R1N0M3B","target_type":"project"}';
    expect(entryHash(entry)).toBe(createHash("sha256").update(canonical, "utf8").digest("hex"));
  });

  it("changes when any field changes, the previous hash included", () => {
    const base = entryHash(entry);
    const variants: Partial<Omit<AuditEntry, "hash">>[] = [
      { sequence: 2 },
      { createdAt: new Date("2026-11-23T10:00:00.124Z") },
      { actorName: "mallory" },
      { result: "failure" },
      { targetId: null },
      { details: { name: "payments", b: [2, 1] } },
      { prevHash: "1".repeat(64) },
    ];
    for (const change of variants) {
      expect(entryHash({ ...entry, ...change }), JSON.stringify(change)).not.toBe(base);
    }
  });
});
