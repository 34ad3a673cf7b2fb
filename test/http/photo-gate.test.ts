/**
 * Issue 30, item 4: the photo gate decodes what it lets in. A header alone (a 46-byte RIFF/WEBP,
 * a 64-byte `ftyp heic` box) is no image; a 50000×50000 PNG is refused with its own message in
 * both languages instead of being kept and served raw — at every door that takes a picture.
 */
import sharp from 'sharp';
import request from 'supertest';
import { checkPhoto } from '../../src/services/inspection/check-photo';
import { auth, rosterAppFixture } from '../support/app-fixture';
import { HEIC, headersOnly, hostileFiles, pngOf, randomFiles, uniqueJpeg, uniquePng, WEBP } from '../support/images';

const codeOf = (p: Promise<unknown>) => p.then(() => 'accepted', (e: { code?: string }) => e.code);

describe('issue 30: checkPhoto', () => {
  it('accepts real JPEG, PNG, WebP and HEIC (HEVC: by its metadata, as this sharp cannot decode it)', async () => {
    for (const [bytes, mime] of [[uniqueJpeg(), 'image/jpeg'], [uniquePng(), 'image/png'], [WEBP, 'image/webp'], [HEIC, 'image/heic']] as const) {
      expect(await checkPhoto(bytes)).toBe(mime);
    }
  });

  it.each(headersOnly().map((h) => [h.name, h.bytes] as const))('refuses %s: a header alone is not an image', async (_name, bytes) => {
    expect(await codeOf(checkPhoto(bytes))).toBe('photo_unsupported');
  });

  it('refuses a 50000×50000 PNG for its pixels, and one just over 40 megapixels; keeps a 12-megapixel photo', async () => {
    expect(await codeOf(checkPhoto(pngOf(50_000, 50_000)))).toBe('photo_too_many_pixels');
    expect(await codeOf(checkPhoto(pngOf(8000, 5001)))).toBe('photo_too_many_pixels');
    const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#c33' } }).jpeg({ quality: 50 }).toBuffer();
    expect(await checkPhoto(photo)).toBe('image/jpeg');
  });

  it('refuses every hostile and random file the signature check already refused', async () => {
    const bad = [...hostileFiles().filter((h) => !h.image).map((h) => h.bytes), ...randomFiles(200, 30)];
    const codes = await Promise.all(bad.map((b) => codeOf(checkPhoto(b))));
    expect(new Set(codes)).toEqual(new Set(['photo_unsupported']));
  });
});

describe('issue 30: the photo gate at the API doors', () => {
  let f: Awaited<ReturnType<typeof rosterAppFixture>>;
  beforeAll(async () => { f = await rosterAppFixture(); });
  afterAll(async () => { await f.close(); });

  const broadcastImage = (bytes: Buffer, lng = 'zh-CN') => request(f.server).post('/api/v1/broadcasts').set(auth(f.adminToken)).set('Accept-Language', lng)
    .field('text', '消防提醒').field('scope', 'street').attach('image', bytes, 'a.jpg');

  it('broadcasts: header-only images are 415, a huge PNG 413 photo_too_many_pixels in Chinese and English; nothing is stored', async () => {
    const photos = await f.store.photos.count({});
    for (const h of headersOnly()) expect((await broadcastImage(h.bytes).expect(415)).body.error.code).toBe('photo_unsupported');
    const zh = (await broadcastImage(pngOf(50_000, 50_000)).expect(413)).body.error;
    expect(zh.code).toBe('photo_too_many_pixels');
    expect(zh.message).toContain('像素太多');
    const en = (await broadcastImage(pngOf(50_000, 50_000), 'en').expect(413)).body.error;
    expect(en.message).toContain('too many pixels');
    expect(await f.store.photos.count({})).toBe(photos);
    await broadcastImage(HEIC).expect(201);
  });

  it('hazard site photos: the same gate', async () => {
    const h = (await request(f.server).post('/api/v1/hazards').set(auth(f.adminToken)).send({ houseCode: 'P00002', description: '电线老化' }).expect(201)).body;
    const upload = (bytes: Buffer) => request(f.server).post(`/api/v1/hazards/${h.id}/photos`).set(auth(f.adminToken)).field('kind', 'before').attach('image', bytes, 'site.jpg');
    for (const x of headersOnly()) expect((await upload(x.bytes).expect(415)).body.error.code).toBe('photo_unsupported');
    expect((await upload(pngOf(50_000, 50_000)).expect(413)).body.error.code).toBe('photo_too_many_pixels');
    await upload(uniqueJpeg()).expect(201);
  });
});
