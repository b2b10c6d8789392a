import { AUDIT_RECORD_FIELDS, type AuditRecord } from "./audit-record.fns.js";
import { canonicalJson } from "./canonical-json.fns.js";

/**
 * A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): an actor
 * name or target id is user-chosen text, so such cells get a leading apostrophe. The JSON-lines
 * export keeps every value verbatim and is the one to re-verify hashes from.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** RFC 4180 §2: a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function cellText(field: (typeof AUDIT_RECORD_FIELDS)[number], record: AuditRecord): string {
  const value = record[field];
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  if (typeof value === "object") return canonicalJson(value);
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function csvHeader(): string {
  return `${AUDIT_RECORD_FIELDS.join(",")}\r\n`;
}

/** One CSV record, CRLF-terminated (RFC 4180 §2.1). */
export function csvRow(record: AuditRecord): string {
  return `${AUDIT_RECORD_FIELDS.map((f) => csvField(cellText(f, record))).join(",")}\r\n`;
}

export function jsonLine(record: AuditRecord): string {
  return `${canonicalJson(record)}\n`;
}
