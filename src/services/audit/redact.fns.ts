/**
 * Audit details must never hold a secret (issue 3 §8). Services are asked not to pass any; this is
 * the safety net applied to every entry before it is hashed and stored, so a slip cannot put a
 * password or key into an append-only, exported log from which it could never be removed.
 */

export const REDACTED = "[redacted]";

/** Name words that mark a secret wherever they appear: `new_password`, `soPin`, `csrfToken`. */
const SECRET_WORDS = new Set([
  "password",
  "passwd",
  "passphrase",
  "pin",
  "puk",
  "token",
  "secret",
  "cookie",
  "authorization",
  "otp",
  // CSC v2 Signature Activation Data (seed 001).
  "sad",
]);

/** Two-word names that mark key material: `private_key`, `apiKey`, `master-key`. */
const SECRET_PAIRS = new Set([
  "private key",
  "api key",
  "secret key",
  "master key",
  "key material",
]);

/**
 * A last word that makes the member describe a secret rather than hold it: `api_key_id`,
 * `token_prefix`, `password_changed_at`, `pin_policy` stay readable.
 */
const DESCRIPTIVE_SUFFIXES = new Set([
  "id",
  "ids",
  "count",
  "prefix",
  "name",
  "type",
  "length",
  "policy",
  "at",
]);

const MAX_DEPTH = 8;
const MAX_STRING = 4_096;
const MAX_ITEMS = 200;

/** Words of a member name: snake_case, kebab-case, dotted and camelCase all split the same way. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== "");
}

export function isSecretName(name: string): boolean {
  const words = wordsOf(name);
  if (words.length > 1 && DESCRIPTIVE_SUFFIXES.has(words[words.length - 1]!)) return false;
  for (let i = 0; i < words.length; i++) {
    if (SECRET_WORDS.has(words[i]!)) return true;
    if (i > 0 && SECRET_PAIRS.has(`${words[i - 1]} ${words[i]}`)) return true;
  }
  return false;
}

/** A PEM private key or PKCS#12 body is a secret whatever member it sits in. */
function looksLikeKeyMaterial(text: string): boolean {
  return /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text);
}

function cleanValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || value === undefined) return value ?? null;
  switch (typeof value) {
    case "string":
      if (looksLikeKeyMaterial(value)) return REDACTED;
      return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…[truncated]` : value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "object":
      break;
    default:
      // Functions and symbols have no JSON form; dropping them silently would hide a bug.
      return `[${typeof value}]`;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (depth >= MAX_DEPTH) return "[truncated]";
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.slice(0, MAX_ITEMS).map((v) => cleanValue(v, depth + 1, seen));
      if (value.length > MAX_ITEMS) items.push(`[${value.length - MAX_ITEMS} more]`);
      return items;
    }
    const out: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(value as Record<string, unknown>).slice(
      0,
      MAX_ITEMS,
    )) {
      if (member === undefined) continue;
      out[name] = isSecretName(name) ? REDACTED : cleanValue(member, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * Details as plain JSON data, with every member named like a secret replaced by "[redacted]" at
 * any depth, and values JSON cannot hold (cycles, bigints, binary, functions) turned into
 * descriptive strings, so hashing and storing can never throw on bad input.
 */
export function redactDetails(
  details: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (details === undefined) return {};
  return cleanValue(details, 0, new WeakSet()) as Record<string, unknown>;
}
