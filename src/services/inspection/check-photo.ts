import type Sharp from 'sharp';
import { DomainError } from '../../domain/errors';
import { loadSharp } from '../../libraries';
import { PHOTO_MAX_BYTES, PHOTO_MAX_PIXELS, recognizePhoto, type PhotoMime } from '../../domain/photo';

/** the format sharp reports for each kind the signature check knows */
const SHARP_FORMAT: Record<PhotoMime, string> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heif',
  'image/heif': 'heif',
};

/**
 * The photo gate, for every door (bot photos, hazard site photos, a broadcast's picture): the
 * bounded signature and structure check first (`recognizePhoto`: cheap, never hangs), then the
 * bytes are read as an image by sharp — its metadata, and a decode of the first frame under
 * `PHOTO_MAX_PIXELS` — so a header alone (a 46-byte RIFF/WEBP, a 64-byte `ftyp heic` box) is not
 * an image, and one too large to decode or thumbnail is refused with its own message instead of
 * being kept and served raw. sharp decodes on libuv's thread pool: the event loop only waits.
 *
 * HEIC: this sharp build reads HEIF containers but decodes only AV1 (AVIF), not the HEVC of
 * phones' HEIC (no HEVC decoder is shipped, for patent reasons). A HEVC-coded HEIC is accepted
 * when its metadata parses (a real container with a primary image of a sane size); it is not
 * decoded, and the dashboard shows it without a thumbnail, as before.
 */
export async function checkPhoto(bytes: Buffer, what = 'photo'): Promise<PhotoMime> {
  if (bytes.length > PHOTO_MAX_BYTES) throw new DomainError('photo_too_large', what, { limit: '20 MB' });
  const mime = recognizePhoto(bytes);
  if (!mime) throw new DomainError('photo_unsupported', what);
  const sharp = loadSharp();
  // (failOn 'error': a phone's photo with a harmless warning is still a photo; cut-short files are refused by recognizePhoto)
  const options: Sharp.SharpOptions = { limitInputPixels: PHOTO_MAX_PIXELS, pages: 1, failOn: 'error', sequentialRead: true };
  let meta: Sharp.Metadata;
  try {
    meta = await sharp(bytes, { ...options, limitInputPixels: false }).metadata();
  } catch {
    throw new DomainError('photo_unsupported', what);
  }
  if (meta.format !== SHARP_FORMAT[mime] || !meta.width || !meta.height) throw new DomainError('photo_unsupported', what);
  const pixels = meta.width * (meta.pageHeight ?? meta.height);
  if (pixels > PHOTO_MAX_PIXELS) throw new DomainError('photo_too_many_pixels', what, { limit: `${PHOTO_MAX_PIXELS / 1_000_000}` });
  if (meta.format === 'heif' && meta.compression !== 'av1') return mime;
  try {
    // the whole first frame is read, into a thumbnail's worth of memory
    await sharp(bytes, options).resize(32, 32, { fit: 'inside' }).raw().toBuffer();
  } catch {
    throw new DomainError('photo_unsupported', what);
  }
  return mime;
}
