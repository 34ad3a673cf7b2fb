/** SPEC §3: what the bot accepts as a photo. */
export const PHOTO_MAX_BYTES = 20 * 1024 * 1024;
/** the most pixels a photo may have (40 megapixels: any phone camera's; a 50000×50000 PNG of a few KB is not a photo) */
export const PHOTO_MAX_PIXELS = 40_000_000;

export type PhotoMime = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/heic' | 'image/heif';

const HEIC_BRANDS: Record<string, PhotoMime> = {
  heic: 'image/heic',
  heix: 'image/heic',
  hevc: 'image/heic',
  hevx: 'image/heic',
  heim: 'image/heic',
  heis: 'image/heic',
  mif1: 'image/heif',
  msf1: 'image/heif',
  avif: 'image/heif',
};

/** JPEG: SOI, then marker segments (each with a length that fits) up to a frame header and the scan; EOI somewhere after. */
function isJpeg(b: Buffer): boolean {
  if (b.length < 64 || b[0] !== 0xff || b[1] !== 0xd8 || b[2] !== 0xff) return false;
  let at = 2;
  let frame = false;
  // at most one pass over the headers: each step moves forward by a segment's declared length
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return false;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at += 1;
      continue;
    } // fill byte
    if (marker === 0xd8 || marker === 0xd9 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) return false;
    const len = b.readUInt16BE(at + 2);
    if (len < 2 || at + 2 + len > b.length) return false;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) frame = true;
    if (marker === 0xda) {
      if (!frame) return false;
      // the end-of-image marker after the scan data: a truncated file has none
      return b.lastIndexOf(Buffer.from([0xff, 0xd9])) >= at + 2 + len;
    }
    at += 2 + len;
  }
  return false;
}

/** PNG: signature, IHDR first (13 bytes, sane size), chunks that fit, ending in IEND. */
function isPng(b: Buffer): boolean {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (b.length < 57 || sig.some((v, i) => b[i] !== v)) return false;
  if (b.readUInt32BE(8) !== 13 || b.toString('latin1', 12, 16) !== 'IHDR') return false;
  const w = b.readUInt32BE(16);
  const h = b.readUInt32BE(20);
  if (w === 0 || h === 0 || w > 100_000 || h > 100_000) return false;
  let at = 8;
  for (let chunks = 0; at + 12 <= b.length && chunks < 100_000; chunks += 1) {
    const len = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    if (!/^[A-Za-z]{4}$/.test(type) || at + 12 + len > b.length) return false;
    if (type === 'IEND') return true;
    at += 12 + len;
  }
  return false;
}

/** WebP: a RIFF container of type WEBP whose size fits the bytes, holding a VP8, VP8L or VP8X chunk. */
function isWebp(b: Buffer): boolean {
  if (b.length < 30 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP') return false;
  const size = b.readUInt32LE(4);
  if (size < 22 || size + 8 > b.length) return false;
  return ['VP8 ', 'VP8L', 'VP8X'].includes(b.toString('latin1', 12, 16));
}

/** HEIC/HEIF: an ISO-BMFF `ftyp` box first, of a sane size, with a HEIF brand (major or compatible). */
function heifMime(b: Buffer): PhotoMime | null {
  if (b.length < 32 || b.toString('latin1', 4, 8) !== 'ftyp') return null;
  const size = b.readUInt32BE(0);
  if (size < 16 || size > 4096 || size > b.length || size % 4 !== 0) return null;
  const brands = [b.toString('latin1', 8, 12)];
  for (let at = 16; at + 4 <= size; at += 4) brands.push(b.toString('latin1', at, at + 4));
  for (const brand of brands) if (HEIC_BRANDS[brand]) return HEIC_BRANDS[brand]!;
  return null;
}

/**
 * What kind of photo these bytes are, by their signature and a structural check that
 * runs in time linear in the size and never loops (a general-purpose sniffer once hung
 * on a crafted 118-byte file) — or null for anything else, truncated files included.
 */
export function recognizePhoto(bytes: Buffer): PhotoMime | null {
  if (bytes.length === 0 || bytes.length > PHOTO_MAX_BYTES) return null;
  if (isJpeg(bytes)) return 'image/jpeg';
  if (isPng(bytes)) return 'image/png';
  if (isWebp(bytes)) return 'image/webp';
  return heifMime(bytes);
}
