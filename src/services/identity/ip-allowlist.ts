import { BlockList, isIP } from "node:net";

import { validationFailed } from "../../lib/errors.js";

/** Validates and normalises allow-list entries: IPv4/IPv6 addresses and CIDR blocks. */
export function normalizeAllowlist(entries: readonly string[]): string[] {
  return entries.map((raw, index) => {
    const entry = raw.trim();
    const [address, prefix, extra] = entry.split("/");
    const family = isIP(address ?? "");
    const maxPrefix = family === 4 ? 32 : 128;
    const prefixOk =
      prefix === undefined ||
      (/^\d{1,3}$/.test(prefix) && Number(prefix) >= 0 && Number(prefix) <= maxPrefix);
    if (family === 0 || extra !== undefined || !prefixOk) {
      throw validationFailed(`"${entry.slice(0, 60)}" is not an IP address or CIDR block.`, [
        { field: `ip_allowlist[${index}]`, rule: "ip_or_cidr" },
      ]);
    }
    return entry.toLowerCase();
  });
}

/** A matcher for an allow-list; an empty list allows every address. */
export function allowlistMatcher(entries: readonly string[]): (ip: string | null) => boolean {
  if (entries.length === 0) return () => true;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const type = isIP(address) === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (ip) => {
    if (ip === null) return false;
    // An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    const candidate = mapped?.[1] ?? ip;
    const type = isIP(candidate) === 4 ? "ipv4" : isIP(candidate) === 6 ? "ipv6" : null;
    return type !== null && list.check(candidate, type);
  };
}
