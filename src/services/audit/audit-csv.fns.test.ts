import { describe, expect, it } from "vitest";

import { csvField, csvHeader, csvRow } from "./audit-csv.fns.js";
import type { AuditRecord } from "./audit-record.fns.js";

const record: AuditRecord = {
  sequence: 7,
  id: "aud_01JD3K9Z2X4Q8W6V5T7R1N0M3B",
  created_at: "2026-11-23T10:00:00.000Z",
  actor_type: "user",
  actor_id: "usr_01JD3K9Z2X4Q8W6V5T7R1N0M3B",
  actor_name: "=cmd|' /C calc'!A0",
  action: "project.create",
  target_type: "project",
  target_id: null,
  project_id: null,
  result: "failure",
  error_code: "conflict",
  request_id: "req-1",
  source_ip: "127.0.0.1",
  details: { name: 'a, "b"\nc' },
  prev_hash: "0".repeat(64),
  hash: "f".repeat(64),
};

describe("audit CSV (RFC 4180)", () => {
  it("quotes only fields with commas, quotes or line breaks, doubling quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\rlf")).toBe('"cr\rlf"');
  });

  it("writes a header and CRLF-terminated rows with empty cells for nulls", () => {
    expect(csvHeader()).toBe(
      "sequence,id,created_at,actor_type,actor_id,actor_name,action,target_type,target_id," +
        "project_id,result,error_code,request_id,source_ip,details,prev_hash,hash\r\n",
    );
    const row = csvRow(record);
    expect(row.endsWith("\r\n")).toBe(true);
    expect(row).toContain(",project.create,project,,,failure,conflict,");
    expect(row).toContain(`,"{""name"":""a, \\""b\\""\\nc""}",`);
  });

  it("defuses cells a spreadsheet would run as formulas", () => {
    expect(csvRow(record)).toContain(",'=cmd|' /C calc'!A0,");
  });
});
