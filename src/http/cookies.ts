/**
 * The session cookie, by hand: one cookie, so a parser library would add more surface than it
 * removes. Attributes follow seed 003 and RFC 6265bis: HttpOnly (no script access), SameSite=Strict
 * (no cross-site sends, the first CSRF defence), Secure when the public URL is https, Path=/.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return /^[A-Za-z0-9_-]{1,200}$/.test(value) ? value : undefined;
  }
  return undefined;
}

export function sessionCookie(
  name: string,
  value: string,
  options: { secure: boolean; maxAgeSeconds: number },
): string {
  return [
    `${name}=${value}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    ...(options.secure ? ["Secure"] : []),
  ].join("; ");
}

export function clearedCookie(name: string, options: { secure: boolean }): string {
  return sessionCookie(name, "", { secure: options.secure, maxAgeSeconds: 0 });
}
