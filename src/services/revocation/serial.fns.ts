/**
 * Serial numbers as the store keys them. The inventory writes lower-case hex without leading
 * zeros; an OCSP CertID gives the magnitude's octets in hex, which may start with one zero
 * nibble ("0abc"). Both spellings are looked up, so a serial is found whichever way it was stored.
 */

const HEX = /^[0-9a-f]+$/;

/** Lower-case hex without leading zeros ("0" for zero); undefined when not hex. */
export function canonicalSerial(input: string): string | undefined {
  const hex = input.trim().toLowerCase().replace(/[:\s]/g, "");
  if (hex.length === 0 || hex.length > 42 || !HEX.test(hex)) return undefined;
  return hex.replace(/^0+(?=.)/, "");
}

/** Every stored spelling of a canonical serial: itself, and zero-padded to whole octets. */
export function serialSpellings(canonical: string): string[] {
  return canonical.length % 2 === 1 ? [canonical, `0${canonical}`] : [canonical];
}
