/**
 * IPv4 / IPv6 text ↔ bytes, as subjectAltName iPAddress (RFC 5280 §4.2.1.6: 4 or 16 octets)
 * and name-constraint subnets (address + mask) need them. `node:net` is off limits in pki/.
 */

/** Dotted-quad IPv4 without leading zeros (which some parsers read as octal). */
export function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    out[i] = value;
  }
  return out;
}

/** IPv6 (RFC 4291 §2.2), with "::" and an optional trailing dotted IPv4; no zone ids. */
export function parseIpv6(text: string): Uint8Array | null {
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (part: string): string[] => (part === "" ? [] : part.split(":"));
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const words: number[] = [];
  const pushGroups = (groups: string[], target: number[]): boolean => {
    for (let i = 0; i < groups.length; i++) {
      const group = groups[i]!;
      const isLast = i === groups.length - 1;
      if (isLast && group.includes(".")) {
        const v4 = parseIpv4(group);
        if (!v4) return false;
        target.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
        continue;
      }
      if (!/^[0-9A-Fa-f]{1,4}$/.test(group)) return false;
      target.push(parseInt(group, 16));
    }
    return true;
  };
  const tailWords: number[] = [];
  if (halves.length === 2 && head.some((g) => g.includes("."))) return null;
  if (!pushGroups(head, words) || !pushGroups(tail, tailWords)) return null;
  if (halves.length === 1) {
    if (words.length !== 8) return null;
  } else {
    if (words.length + tailWords.length > 7) return null;
    while (words.length + tailWords.length < 8) words.push(0);
  }
  words.push(...tailWords);
  const out = new Uint8Array(16);
  words.forEach((word, i) => {
    out[2 * i] = word >> 8;
    out[2 * i + 1] = word & 0xff;
  });
  return out;
}

/** IPv4 or IPv6 bytes, or null when `text` is neither. */
export function parseIpAddress(text: string): Uint8Array | null {
  return parseIpv4(text) ?? (text.includes(":") ? parseIpv6(text) : null);
}

/** RFC 5952 text of 4 or 16 address bytes (lower case, longest zero run compressed). */
export function formatIpAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join(".");
  if (bytes.length !== 16) return Buffer.from(bytes).toString("hex");
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength && j - i > 1) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(":");
  const left = hex.slice(0, bestStart).join(":");
  const right = hex.slice(bestStart + bestLength).join(":");
  return `${left}::${right}`;
}

/** A subnet "addr/prefix" as address + mask bytes (RFC 5280 §4.2.1.10 iPAddress constraints). */
export function parseCidr(text: string): Uint8Array | null {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!match) return null;
  const address = parseIpAddress(match[1]!);
  const prefix = Number(match[2]);
  if (!address || prefix > address.length * 8) return null;
  const mask = new Uint8Array(address.length);
  for (let bit = 0; bit < prefix; bit++) mask[bit >> 3] = mask[bit >> 3]! | (0x80 >> (bit & 7));
  // The address must not have host bits set: "10.1.2.3/8" is almost certainly a mistake.
  for (let i = 0; i < address.length; i++) {
    if ((address[i]! & ~mask[i]!) !== 0) return null;
  }
  const out = new Uint8Array(address.length * 2);
  out.set(address, 0);
  out.set(mask, address.length);
  return out;
}

/** "addr/prefix" text for address + mask bytes. */
export function formatCidr(bytes: Uint8Array): string {
  const half = bytes.length / 2;
  const mask = bytes.subarray(half);
  let prefix = 0;
  for (const byte of mask) prefix += (byte.toString(2).match(/1/g) ?? []).length;
  return `${formatIpAddress(bytes.subarray(0, half))}/${prefix}`;
}
