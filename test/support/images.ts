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
/** An ISO-BMFF box: size, type, body (a full box's version and flags are part of the body). */
const box = (type: string, ...body: Buffer[]): Buffer => {
  const content = Buffer.concat(body);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + content.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, content]);
};
const u = (bytes: number, v: number): Buffer => {
  const b = Buffer.alloc(bytes);
  b.writeUIntBE(v, 0, bytes);
  return b;
};
const full = (version: number, flags = 0) => Buffer.concat([u(1, version), u(3, flags)]);

/**
 * A HEIC file as phones write it, down to its structure: `ftyp heic`, a `meta` box naming one
 * HEVC image item (`hvc1`, its `hvcC` decoder configuration and `ispe` size) and the `mdat` it
 * points into. The coded picture is filler: this sharp build cannot decode HEVC anyway (see
 * services/check-photo.ts), and reads everything else.
 */
export function heicOf(width: number, height: number): Buffer {
  const ftyp = box('ftyp', Buffer.from('heic', 'latin1'), u(4, 0), Buffer.from('mif1heic', 'latin1'));
  const hvcC = box('hvcC', Buffer.from([1, 1, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 90, 0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f, 0]));
  const ispe = box('ispe', full(0), u(4, width), u(4, height));
  const mdatBody = Buffer.alloc(64, 0x26);
  const metaOf = (offset: number) => box('meta', full(0),
    box('hdlr', full(0), u(4, 0), Buffer.from('pict', 'latin1'), Buffer.alloc(12), Buffer.from([0])),
    box('pitm', full(0), u(2, 1)),
    box('iloc', full(0), Buffer.from([0x44, 0x00]), u(2, 1), u(2, 1), u(2, 0), u(2, 1), u(4, offset), u(4, mdatBody.length)),
    box('iinf', full(0), u(2, 1), box('infe', full(2), u(2, 1), u(2, 0), Buffer.from('hvc1', 'latin1'), Buffer.from([0]))),
    box('iprp', box('ipco', hvcC, ispe), box('ipma', full(0), u(4, 1), u(2, 1), u(1, 2), Buffer.from([0x81, 0x02]))));
  const before = ftyp.length + metaOf(0).length + 8;
  return Buffer.concat([ftyp, metaOf(before), box('mdat', mdatBody)]);
}
/** A HEIC photo's container (4032×3024, an iPhone's). */
export const HEIC = heicOf(4032, 3024);

/** A PNG of any declared size: signature, IHDR, one small IDAT, IEND, each with its CRC (a few bytes that claim 2.5 gigapixels). */
export function pngOf(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return u(4, (c ^ 0xffffffff) >>> 0);
  };
  const chunk = (type: string, body: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
    return Buffer.concat([u(4, body.length), typed, crc(typed)]);
  };
  const ihdr = Buffer.concat([u(4, width), u(4, height), Buffer.from([1, 0, 0, 0, 0])]);
  return Buffer.concat([PNG.subarray(0, 8), chunk('IHDR', ihdr), chunk('IDAT', Buffer.from('789c030000000001', 'hex')), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * Headers that pass the signature and structure check but are no image (issue 30): a 46-byte
 * RIFF/WEBP with a VP8 chunk header and nothing to decode, and a 64-byte `ftyp heic` box alone.
 */
export function headersOnly(): { name: string; bytes: Buffer }[] {
  const webp = Buffer.concat([Buffer.from('RIFF'), u(4, 38).reverse(), Buffer.from('WEBPVP8 '), Buffer.alloc(4), Buffer.alloc(26)]);
  const ftyp = Buffer.concat([u(4, 64), Buffer.from('ftypheic', 'latin1'), u(4, 0), Buffer.from('mif1heic', 'latin1'), Buffer.alloc(40)]);
  return [{ name: 'riff-webp-46-bytes', bytes: webp }, { name: 'ftyp-heic-64-bytes', bytes: ftyp }];
}

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
