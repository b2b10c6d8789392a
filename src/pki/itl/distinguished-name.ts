/**
 * Names as the current reference tools write them (spec §1): each attribute rendered the
 * RFC 4514 way, in certificate (DER) order, not reversed, joined with ",".
 */

import type { AttributeTypeAndValue } from "pkijs";

/** Short names RFC 4514 §3 defines, plus the ones the reference tools print (STREET, UID). */
const SHORT_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.6": "C",
  "2.5.4.9": "STREET",
  "0.9.2342.19200300.100.1.25": "DC",
  "0.9.2342.19200300.100.1.1": "UID",
};

/** RFC 4514 §2.4 escaping of a string value. */
export function escapeAttributeValue(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] ?? "";
    if (ch === "\0") out += "\\00";
    else if ('\\"+,;<>'.includes(ch)) out += `\\${ch}`;
    else if ((i === 0 && (ch === "#" || ch === " ")) || (i === value.length - 1 && ch === " "))
      out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

function attributeString(attribute: AttributeTypeAndValue): string {
  const name = SHORT_NAMES[attribute.type] ?? attribute.type;
  const block = (attribute.value as { valueBlock?: { value?: unknown } }).valueBlock;
  if (typeof block?.value === "string") return `${name}=${escapeAttributeValue(block.value)}`;
  // RFC 4514 §2.4: a value that is not a string is written as # and the hex of its BER.
  const ber = Buffer.from(attribute.value.toBER());
  return `${name}=#${ber.toString("hex")}`;
}

/** `CN=SAST,O=SAST,OU=SAST` for a name whose DER holds CN, then O, then OU. */
export function renderDistinguishedName(attributes: readonly AttributeTypeAndValue[]): string {
  return attributes.map(attributeString).join(",");
}
