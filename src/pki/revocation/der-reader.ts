import { TAG } from "./der-writer.js";
import { RevocationError, type RevocationErrorCode } from "./revocation-error.js";

/**
 * A bounds-checked DER reader (X.690 §8, §10) over untrusted bytes. Elements are views into the
 * input, so the original encoding of anything read is kept (STYLE.md §3). Every failure is a
 * RevocationError with the code the caller chose, never a RangeError.
 */

export interface DerElement {
  tag: number;
  /** The whole TLV. */
  der: Uint8Array;
  /** The content octets. */
  value: Uint8Array;
}

export class DerReader {
  readonly #bytes: Uint8Array;
  readonly #code: RevocationErrorCode;
  #offset = 0;

  constructor(bytes: Uint8Array, code: RevocationErrorCode) {
    this.#bytes = bytes;
    this.#code = code;
  }

  /** A reader over the content octets of a constructed element, failing with the same code. */
  static of(element: DerElement, code: RevocationErrorCode): DerReader {
    return new DerReader(element.value, code);
  }

  fail(message: string): never {
    throw new RevocationError(this.#code, message);
  }

  get hasMore(): boolean {
    return this.#offset < this.#bytes.length;
  }

  peekTag(): number | undefined {
    return this.#bytes[this.#offset];
  }

  /** The next element, whatever its tag. */
  next(what: string): DerElement {
    const bytes = this.#bytes;
    const start = this.#offset;
    const tag = bytes[start];
    if (tag === undefined) this.fail(`${what} is missing`);
    // Tag numbers of 31 and above use more identifier octets; nothing we read uses them.
    if ((tag & 0x1f) === 0x1f) this.fail(`${what} has an unsupported tag`);
    let pos = start + 1;
    const first = bytes[pos++];
    if (first === undefined) this.fail(`${what} is truncated`);
    let length = first;
    if (first & 0x80) {
      const count = first & 0x7f;
      // 0x80 is BER's indefinite length, which DER forbids (X.690 §10.1).
      if (count === 0 || count > 4) this.fail(`${what} has an invalid length`);
      length = 0;
      for (let i = 0; i < count; i++) {
        const octet = bytes[pos++];
        if (octet === undefined) this.fail(`${what} is truncated`);
        length = length * 256 + octet;
      }
    }
    const end = pos + length;
    if (end > bytes.length) this.fail(`${what} is truncated`);
    this.#offset = end;
    return { tag, der: bytes.subarray(start, end), value: bytes.subarray(pos, end) };
  }

  /** The next element, which must carry `tag`. */
  expect(tag: number, what: string): DerElement {
    const element = this.next(what);
    if (element.tag !== tag) this.fail(`${what} has the wrong type`);
    return element;
  }

  /** The next element if it carries `tag`, else nothing (OPTIONAL and DEFAULT fields). */
  optional(tag: number, what: string): DerElement | undefined {
    return this.peekTag() === tag ? this.next(what) : undefined;
  }

  /** Fails when anything follows the last expected element. */
  end(what: string): void {
    if (this.hasMore) this.fail(`${what} has unexpected trailing data`);
  }

  /** A SEQUENCE read to its end, as a reader over its content. */
  sequence(what: string): DerReader {
    return DerReader.of(this.expect(TAG.sequence, what), this.#code);
  }
}

/** Reads exactly one element spanning all of `bytes`. */
export function readSingle(
  bytes: Uint8Array,
  tag: number,
  what: string,
  code: RevocationErrorCode,
): DerElement {
  const reader = new DerReader(bytes, code);
  const element = reader.expect(tag, what);
  reader.end(what);
  return element;
}

/** The content octets of a DER INTEGER as minimal lowercase hex of its unsigned magnitude. */
export function integerToHex(value: Uint8Array): string {
  let start = 0;
  // A leading 0x00 only marks a positive number whose top bit is set (X.690 §8.3.2).
  while (start < value.length - 1 && value[start] === 0) start++;
  return Buffer.from(value.buffer, value.byteOffset + start, value.length - start).toString("hex");
}
