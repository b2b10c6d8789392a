import { DerReader, type DerElement } from "./der-reader.js";
import { DER_TRUE, octetString, sequence, TAG } from "./der-writer.js";
import type { RevocationErrorCode } from "./revocation-error.js";

/** `Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }`. */
export interface Extension {
  /** The encoded OBJECT IDENTIFIER (tag and length included), comparable with `OID.*`. */
  oid: Uint8Array;
  critical: boolean;
  /** The content octets of extnValue: the DER of the extension's own value. */
  value: Uint8Array;
}

/** Encodes one extension (RFC 5280 §4.1); `critical` is written only when true (DER DEFAULT). */
export function encodeExtension(oid: Uint8Array, value: Uint8Array, critical = false): Uint8Array {
  return critical ? sequence(oid, DER_TRUE, octetString(value)) : sequence(oid, octetString(value));
}

/** Reads `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension` from its SEQUENCE element. */
export function readExtensions(element: DerElement, code: RevocationErrorCode): Extension[] {
  const list = DerReader.of(element, code);
  if (element.tag !== TAG.sequence) list.fail("the extensions are not a SEQUENCE");
  const extensions: Extension[] = [];
  while (list.hasMore) {
    const extension = list.sequence("an extension");
    const oid = extension.expect(TAG.oid, "an extension id").der;
    const criticalElement = extension.optional(TAG.boolean, "an extension's critical flag");
    if (criticalElement && criticalElement.value.length !== 1) {
      extension.fail("an extension's critical flag is not a BOOLEAN");
    }
    const value = extension.expect(TAG.octetString, "an extension value").value;
    extension.end("an extension");
    extensions.push({ oid, critical: (criticalElement?.value[0] ?? 0) !== 0, value });
  }
  return extensions;
}
