/**
 * The CSC `info.logo` must point at a JPEG or PNG of at most 256×256 pixels (csc-api-v2.md §4.1).
 * Reads just enough of the image to check its type and size; never decodes pixels.
 */

export const LOGO_MAX_BYTES = 256 * 1024;
export const LOGO_MAX_PIXELS = 256;

export interface LogoFacts {
  contentType: "image/png" | "image/jpeg";
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from("89504e470d0a1a0a", "hex");

/** PNG: the signature, then IHDR as the first chunk with width and height (PNG spec §11.2.2). */
function pngFacts(bytes: Buffer): LogoFacts | null {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (bytes.toString("latin1", 12, 16) !== "IHDR") return null;
  return {
    contentType: "image/png",
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
  };
}

/** JPEG: walk the markers to the first SOFn frame header (ITU T.81 §B.2.2). */
function jpegFacts(bytes: Buffer): LogoFacts | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    const length = bytes.readUInt16BE(offset + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame) {
      if (offset + 9 > bytes.length) return null;
      return {
        contentType: "image/jpeg",
        height: bytes.readUInt16BE(offset + 5),
        width: bytes.readUInt16BE(offset + 7),
      };
    }
    if (length < 2) return null;
    offset += 2 + length;
  }
  return null;
}

/** The logo's type and size, or null when it is neither PNG nor JPEG. */
export function logoFacts(bytes: Buffer): LogoFacts | null {
  return pngFacts(bytes) ?? jpegFacts(bytes);
}
