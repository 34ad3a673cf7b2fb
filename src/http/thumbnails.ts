import { loadSharp } from '../libraries';

/**
 * Small JPEG previews of photos for the dashboard's thumbnails, made with sharp and kept in
 * memory by content hash (a photo never changes under its hash), the oldest dropped first.
 * A format sharp cannot read (some HEIC) gives null: the caller sends the original. sharp (libvips)
 * is loaded on the first thumbnail, not at start: most processes never make one.
 */
export function createThumbnails(size = 240, keep = 500) {
  const cache = new Map<string, Promise<Buffer | null>>();
  return function thumbnail(sha256: string, bytes: () => Promise<Buffer | null>): Promise<Buffer | null> {
    const hit = cache.get(sha256);
    if (hit) return hit;
    const made = bytes()
      // (failOn 'error', as the photo gate reads it: a photo it accepted, with a harmless warning, gets a thumbnail too)
      .then((b) =>
        b ? loadSharp()(b, { failOn: 'error' }).rotate().resize(size, size, { fit: 'cover' }).jpeg({ quality: 70 }).toBuffer() : null,
      )
      .catch(() => null);
    cache.set(sha256, made);
    if (cache.size > keep) cache.delete(cache.keys().next().value!);
    return made;
  };
}
