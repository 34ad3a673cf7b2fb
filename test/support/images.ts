import { createHash, randomBytes } from 'node:crypto';

/** A real 1×1 PNG and JPEG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.from('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=', 'base64');
/** the scan of the 1×1 JPEG above, then its end-of-image marker (a complete file, as a camera writes it) */
const JPEG_EOI = Buffer.from([0xff, 0xd9]);

/**
 * A distinct real image each call: bytes after the end of the image are ignored by
 * viewers, so each photo is a valid picture with its own sha256, as two real photos are.
 */
export const uniqueJpeg = (): Buffer => Buffer.concat([JPEG, JPEG_EOI, randomBytes(32)]);
export const uniquePng = (): Buffer => Buffer.concat([PNG, randomBytes(32)]);

/** The same distinct JPEG (or PNG) for the same label, in every run: for comparing two runs' stores. */
export const seededJpeg = (label: string): Buffer => Buffer.concat([JPEG, JPEG_EOI, createHash('sha256').update(label).digest()]);
export const seededPng = (label: string): Buffer => Buffer.concat([PNG, createHash('sha256').update(label).digest()]);

/** A real 1×1 lossless WebP. */
export const WEBP = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');
/** The head of a HEIC file as phones write it: an `ftyp` box of brand heic, then the next box. */
export const HEIC = Buffer.concat([
  Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic', 'latin1'), Buffer.from([0, 0, 0, 0]), Buffer.from('mif1heic', 'latin1'),
  Buffer.from([0, 0, 0, 16]), Buffer.from('meta', 'latin1'), Buffer.alloc(8),
]);

/**
 * Files that have hurt image sniffers, and ones that are not what they claim: the
 * 118-byte ASF header whose object size 0 made file-type 16 loop forever, JPEGs cut
 * short, a JPEG/HTML polyglot (a real JPEG: accepted, and served as image/jpeg with nosniff),
 * an empty file, text, an HTML page, a ZIP.
 */
export function hostileFiles(): { name: string; bytes: Buffer; image: boolean }[] {
  const asfGuid = Buffer.from('3026b2758e66cf11a6d900aa0062ce6c', 'hex');
  const asf = Buffer.concat([asfGuid, Buffer.alloc(8), Buffer.alloc(94, 0)]); // header object of size 0
  const jpeg = seededJpeg('hostile');
  return [
    { name: 'asf-size-0', bytes: asf, image: false },
    { name: 'asf-twice', bytes: Buffer.concat([asf, asfGuid, Buffer.alloc(8)]), image: false },
    { name: 'empty', bytes: Buffer.alloc(0), image: false },
    { name: 'jpeg-cut-in-header', bytes: jpeg.subarray(0, 40), image: false },
    { name: 'jpeg-cut-before-end', bytes: JPEG.subarray(0, JPEG.length - 1), image: false },
    { name: 'jpeg-soi-only', bytes: Buffer.from([0xff, 0xd8, 0xff]), image: false },
    { name: 'png-no-iend', bytes: PNG.subarray(0, PNG.length - 12), image: false },
    { name: 'riff-webp-lying-size', bytes: Buffer.concat([Buffer.from('RIFF'), Buffer.from([0xff, 0xff, 0xff, 0x7f]), Buffer.from('WEBPVP8 '), Buffer.alloc(20)]), image: false },
    { name: 'ftyp-huge-box', bytes: Buffer.concat([Buffer.from([0x7f, 0xff, 0xff, 0xf0]), Buffer.from('ftypheic'), Buffer.alloc(40)]), image: false },
    { name: 'html', bytes: Buffer.from('<!doctype html><script>alert(1)</script>'), image: false },
    { name: 'zip', bytes: Buffer.from('504b0304140000000800', 'hex'), image: false },
    { name: 'text', bytes: Buffer.from('我承诺 我承诺 我承诺'), image: false },
    { name: 'jpeg-html-polyglot', bytes: Buffer.concat([JPEG.subarray(0, 2), Buffer.from([0xff, 0xfe, 0x00, 0x30]), Buffer.from('<html><script>alert(1)</script></html>'.padEnd(46, ' ')), JPEG.subarray(2), JPEG_EOI]), image: true },
    { name: 'webp', bytes: WEBP, image: true },
    { name: 'heic', bytes: HEIC, image: true },
  ];
}

/** Seeded random byte strings, some starting with a real signature to get past the first check. */
export function randomFiles(n: number, seed = 42): Buffer[] {
  let s = seed >>> 0;
  const rand = () => { s = (s * 1664525 + 1013904223) >>> 0; return s; };
  const heads = [Buffer.alloc(0), JPEG.subarray(0, 4), PNG.subarray(0, 16), Buffer.from('RIFF\u0000\u0000\u0000\u0000WEBPVP8 ', 'latin1'), Buffer.from('3026b2758e66cf11a6d900aa0062ce6c', 'hex'), Buffer.from([0, 0, 0, 24, 0x66, 0x74, 0x79, 0x70])];
  return Array.from({ length: n }, () => {
    const body = Buffer.alloc(rand() % 300);
    for (let i = 0; i < body.length; i += 1) body[i] = rand() & 0xff;
    return Buffer.concat([heads[rand() % heads.length]!, body]);
  });
}
