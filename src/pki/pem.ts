/**
 * PEM (RFC 7468) encoding and strict decoding. Explanatory text between blocks is allowed (as
 * `openssl pkcs12` and `openssl x509 -text` write it); inside a block, only base64 lines are.
 */

import { PkiError } from "./errors.js";

export interface PemBlock {
  /** The label between "BEGIN " and the dashes, e.g. "CERTIFICATE". */
  label: string;
  der: Uint8Array;
}

/** Encodes DER as PEM with 64-character lines (RFC 7468 §2) and a final newline. */
export function encodePem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("base64");
  const lines: string[] = [`-----BEGIN ${label}-----`];
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  lines.push(`-----END ${label}-----`, "");
  return lines.join("\n");
}

/** Several blocks of the same label, one after another (a chain). */
export function encodePemChain(label: string, ders: readonly Uint8Array[]): string {
  return ders.map((der) => encodePem(label, der)).join("");
}

const BEGIN = /^-----BEGIN ([^-]*)-----\s*$/;
const END = /^-----END ([^-]*)-----\s*$/;
/** RFC 7468 §3: a label is printable ASCII without "-", with single inner spaces. */
const LABEL = /^[\x21-\x2c\x2e-\x7e]+(?: [\x21-\x2c\x2e-\x7e]+)*$/;
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;

function fail(message: string, line?: number): never {
  throw new PkiError("bad_pem", line === undefined ? message : `${message} (line ${line})`, {
    details: line === undefined ? [] : [{ line }],
  });
}

/** Strict base64: full quanta, padding only at the end, no other characters. */
function decodeBase64(body: string, line: number): Uint8Array {
  if (body.length === 0) fail("a PEM block is empty", line);
  if (body.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(body)) {
    fail("a PEM block is not valid base64", line);
  }
  const bytes = Buffer.from(body, "base64");
  // Buffer ignores non-zero padding bits; re-encode to refuse such non-canonical input.
  if (bytes.toString("base64") !== body) fail("a PEM block is not canonical base64", line);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Every PEM block in `text`, in order. Throws `bad_pem` for unterminated or mismatched
 * blocks, RFC 1421 headers (legacy encrypted PEM), bad base64, or when there is no block.
 */
export function decodePem(text: string): PemBlock[] {
  if (typeof text !== "string") fail("PEM input must be text");
  const lines = text.split(/\r?\n/);
  const blocks: PemBlock[] = [];
  let open: { label: string; line: number; body: string[] } | null = null;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const lineNumber = index + 1;
    const begin = BEGIN.exec(line.trim());
    const end = END.exec(line.trim());
    if (open === null) {
      if (begin) {
        if (!LABEL.test(begin[1]!)) fail(`the PEM label "${begin[1]}" is not valid`, lineNumber);
        open = { label: begin[1]!, line: lineNumber, body: [] };
      } else if (end) {
        fail(`"-----END ${end[1]}-----" has no matching BEGIN line`, lineNumber);
      }
      continue;
    }
    if (begin) fail(`a BEGIN line inside the "${open.label}" block`, lineNumber);
    if (end) {
      if (end[1] !== open.label) {
        fail(
          `"-----END ${end[1]}-----" does not close "-----BEGIN ${open.label}-----"`,
          lineNumber,
        );
      }
      blocks.push({ label: open.label, der: decodeBase64(open.body.join(""), open.line) });
      open = null;
      continue;
    }
    const content = line.trim();
    if (content.includes(":")) {
      fail("PEM headers (legacy encrypted PEM) are not supported; use PKCS#8", lineNumber);
    }
    if (!BASE64_LINE.test(content)) fail("a PEM line holds characters outside base64", lineNumber);
    open.body.push(content);
  }
  if (open) fail(`the "${open.label}" block has no END line`, open.line);
  if (blocks.length === 0) fail("no PEM block was found");
  return blocks;
}

/** The blocks of one of `labels` (others are refused: a key where a certificate belongs...). */
export function decodePemOf(text: string, labels: readonly string[]): PemBlock[] {
  const blocks = decodePem(text);
  for (const block of blocks) {
    if (!labels.includes(block.label)) {
      fail(`expected ${labels.map((l) => `"${l}"`).join(" or ")} but found "${block.label}"`);
    }
  }
  return blocks;
}

/** Exactly one block of one of `labels`. */
export function decodeSinglePem(text: string, labels: readonly string[]): PemBlock {
  const blocks = decodePemOf(text, labels);
  if (blocks.length !== 1) fail(`expected one PEM block, found ${blocks.length}`);
  return blocks[0]!;
}

/** Whether `bytes` look like PEM text rather than DER (DER here always starts with SEQUENCE). */
export function looksLikePem(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString("latin1");
  return head.includes("-----BEGIN ");
}

/**
 * DER values from input that may be PEM text (one or more blocks of `labels`) or raw DER
 * (one value) — what an upload or an API field may hold.
 */
export function derFromPemOrDer(
  input: string | Uint8Array,
  labels: readonly string[],
): Uint8Array[] {
  if (typeof input === "string") return decodePemOf(input, labels).map((block) => block.der);
  if (looksLikePem(input)) {
    const text = new TextDecoder("utf-8", { fatal: false }).decode(input);
    return decodePemOf(text, labels).map((block) => block.der);
  }
  if (input.length === 0) fail("the input is empty");
  return [input];
}
