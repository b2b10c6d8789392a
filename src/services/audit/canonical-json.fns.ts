/**
 * Canonical JSON as RFC 8785 (JSON Canonicalization Scheme) defines it for the values an audit
 * entry holds: no whitespace, object members sorted by the UTF-16 code units of their names
 * (§3.2.3), strings and numbers as ECMAScript's JSON.stringify writes them (§3.2.2). Any JCS
 * library, or Python's `json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`
 * for ASCII member names, reproduces the bytes, which is what lets an auditor re-verify the chain
 * without our code.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      // JCS has no NaN or Infinity; JSON.stringify would write null, so say so explicitly.
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "object": {
      const members = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
    }
    default:
      throw new TypeError(`canonicalJson: ${typeof value} is not a JSON value`);
  }
}
