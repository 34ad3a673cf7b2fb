import sharp from 'sharp';
import request from 'supertest';
import { appFixture, auth } from '../support/app-fixture';
import { uniquePng } from '../support/images';

let f: Awaited<ReturnType<typeof appFixture>>;
beforeAll(async () => { f = await appFixture(); });
afterAll(async () => { await f.close(); });

describe('GET /photos/:id?thumb=1 (issue 13: the dashboard\'s thumbnails)', () => {
  it('gives a 240 px JPEG preview made once, and the original without ?thumb', async () => {
    const r = await request(f.server).post('/api/v1/broadcasts').set(auth(f.adminToken))
      .field('text', '示意图').field('scope', 'street').attach('image', uniquePng(), 'poster.png').expect(201);
    const photoId = (await f.store.broadcasts.get(r.body.id))!.imagePhotoId!;
    const thumb = await request(f.server).get(`/api/v1/photos/${photoId}?thumb=1`).set(auth(f.adminToken)).expect(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(thumb.body as Buffer).metadata();
    expect([meta.width, meta.height]).toEqual([240, 240]);
    const again = await request(f.server).get(`/api/v1/photos/${photoId}?thumb=1`).set(auth(f.adminToken)).expect(200);
    expect(Buffer.compare(again.body as Buffer, thumb.body as Buffer)).toBe(0);
    const original = await request(f.server).get(`/api/v1/photos/${photoId}`).set(auth(f.adminToken)).expect(200);
    expect(original.headers['content-type']).toBe('image/png');
  });
});
