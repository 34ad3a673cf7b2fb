/** Issue 27: 一户一码 — the placard sheet, its tokens, and the public page a QR opens. */
import jsQR from 'jsqr';
import type Koa from 'koa';
import request from 'supertest';
import { createApp } from '../../src/http/create-app';
import { PUBLIC_TIPS_PER_HOUSE_PER_DAY } from '../../src/services/tips/tips';
import { PLACARD_PER_ADDRESS_PER_DAY, PLACARD_PHOTO_MAX_BYTES } from '../../src/http/routes/placard-page';
import type { Group, House } from '../../src/domain/types';
import { auth, rosterAppFixture } from '../support/app-fixture';
import { headersOnly, hostileFiles, uniqueJpeg, uniquePng } from '../support/images';
import { overprinted, readPdf } from '../support/pdf-read';

// PDFs made and read back, a year of history: wide limits, so a busy machine is slow, not failing
jest.setTimeout(120_000);

let f: Awaited<ReturnType<typeof rosterAppFixture>>;
let group: Group;
let houses: House[];
beforeEach(async () => {
  f = await rosterAppFixture();
  group = (await f.store.groups.findOne({ name: '平山村第1网格联防1组' }))!;
  houses = await f.store.houses.find({ groupId: group.id }, { sort: { code: 1 } });
});
afterEach(async () => {
  await f.close();
});

let ip = 0;
/** a request from its own address (the app trusts X-Forwarded-For: it runs behind a proxy) */
const from = (addr = `10.0.${(ip >> 8) & 255}.${ip++ & 255}`) => ({ 'X-Forwarded-For': addr });
const pathOf = (link: string) => new URL(link).pathname;

/** The placard sheet's QR links, in print order, read back from the PDF's images. */
async function scanSheet(token = f.adminToken): Promise<{ links: string[]; text: string; pages: number }> {
  const res = await request(f.server).get(`/api/v1/groups/${group.id}/placards.pdf`).set(auth(token)).buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => cb(null, Buffer.concat(chunks)));
  }).expect(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  const pdf = await readPdf(res.body as Buffer);
  expect(overprinted(pdf.runs)).toEqual([]);
  const links = pdf.images.map((i) => jsQR(i.rgba!, i.width, i.height)?.data ?? null);
  expect(links.every(Boolean)).toBe(true);
  return { links: links as string[], text: pdf.text, pages: pdf.pages };
}

describe('placards (issue 27: 一户一码)', () => {
  it('prints a group on A4 sheets: code, street and number, and a QR of a token link, never the house id', async () => {
    const sheet = await scanSheet();
    expect(sheet.pages).toBe(Math.ceil(houses.length / 8));
    expect(sheet.links).toHaveLength(houses.length);
    for (const h of houses) {
      expect(sheet.text).toContain(h.code);
      expect(sheet.text).toContain(h.address.replace(/^平山村/, ''));
    }
    expect(sheet.text).toContain('出租房钉牌');
    // no village, no landlord, no phone on a public door
    expect(sheet.text).not.toContain('平山村东港路');
    const landlords = await f.store.landlords.find({ id: { in: houses.map((h) => h.landlordId) } });
    for (const l of landlords) {
      expect(sheet.text).not.toContain(l.name);
      expect(sheet.text).not.toContain(l.phone);
    }
    for (const [i, link] of sheet.links.entries()) {
      expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/p\/[A-Za-z0-9_-]{22}$/);
      for (const h of houses) expect(link).not.toContain(h.id);
      // the link opens that house's page (its code and street number, nothing personal)
      const page = await request(f.server).get(pathOf(link)).expect(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.text).toContain(houses[i]!.code);
      expect(page.text).not.toContain(landlords.find((l) => l.id === houses[i]!.landlordId)!.name);
    }
    expect(new Set(sheet.links).size).toBe(houses.length);
    // printed again, the same tokens (the placards already on doors keep working)
    expect((await scanSheet()).links.map(pathOf)).toEqual(sheet.links.map(pathOf));
  });

  it('a rotated or made-up token opens nothing; staff rotate within their scope, heads cannot', async () => {
    const [link] = (await scanSheet()).links;
    const house = houses[0]!;
    const head = await f.userToken('head', `group:${group.id}`);
    await request(f.server).post(`/api/v1/houses/${house.id}/placard/rotate`).set(auth(head)).expect(403);
    await request(f.server).get(`/api/v1/groups/${group.id}/placards.pdf`).set(auth(head)).expect(403);
    const other = (await f.store.communities.findOne({ name: '西墅社区' }))!;
    const outsider = await f.userToken('staff', `community:${other.id}`);
    await request(f.server).post(`/api/v1/houses/${house.id}/placard/rotate`).set(auth(outsider)).expect(404);
    await request(f.server).get(`/api/v1/groups/${group.id}/placards.pdf`).set(auth(outsider)).expect(404);

    const rotated = (await request(f.server).post(`/api/v1/houses/${house.id}/placard/rotate`).set(auth(f.adminToken)).expect(201)).body;
    expect(rotated.link).not.toBe(link);
    expect(await f.store.audit.count({ action: 'rotate_placard', target: `house:${house.id}` })).toBe(1);
    const gone = await request(f.server).get(pathOf(link!)).expect(404);
    await request(f.server).post(pathOf(link!)).set(from()).field('text', '楼道堆物').expect(404);
    const madeUp = await request(f.server).get('/p/AAAAAAAAAAAAAAAAAAAAAA').expect(404);
    expect(madeUp.text).toBe(gone.text);
    await request(f.server).get('/p/not-a-token').expect(404);
    await request(f.server).get(pathOf(rotated.link)).expect(200);
    expect(pathOf((await scanSheet()).links[0]!)).toBe(pathOf(rotated.link));
    // signed-in staff who scan it find the house (in their scope only)
    const token = pathOf(rotated.link).split('/').pop();
    expect((await request(f.server).get(`/api/v1/placards/${token}`).set(auth(f.adminToken)).expect(200)).body).toEqual({ houseId: house.id, code: house.code });
    await request(f.server).get(`/api/v1/placards/${token}`).set(auth(outsider)).expect(404);
    await request(f.server).get(`/api/v1/placards/${pathOf(link!).split('/').pop()}`).set(auth(f.adminToken)).expect(404);
  });
});

describe('the public page (issue 27)', () => {
  it('takes a report with photos as a tip of that house, which staff find under it', async () => {
    const { links } = await scanSheet();
    const house = houses[1]!;
    const res = await request(f.server)
      .post(pathOf(links[1]!))
      .set(from())
      .field('text', '一楼楼道有电动车在充电')
      .attach('photos', uniqueJpeg(), 'a.jpg')
      .attach('photos', uniquePng(), 'b.png')
      .expect(201);
    expect(res.text).toContain('#1');
    const tip = (await f.store.tips.findOne({ number: 1 }))!;
    expect(tip).toMatchObject({ houseId: house.id, groupId: group.id, text: '一楼楼道有电动车在充电', status: 'new', reporterContactId: 'public' });
    expect(tip.photoIds).toHaveLength(2);
    expect(await f.store.photos.count({ tipId: tip.id })).toBe(2);
    const listed = (await request(f.server).get('/api/v1/tips').set(auth(f.adminToken)).expect(200)).body.items;
    expect(listed).toEqual([expect.objectContaining({ id: tip.id, houseId: house.id })]);
    const archive = (await request(f.server).get(`/api/v1/houses/${house.id}/archive`).set(auth(f.adminToken)).expect(200)).body;
    expect(archive.timeline.items).toEqual([expect.objectContaining({ kind: 'tip', number: 1, photos: tip.photoIds })]);
    // the photos are served to staff of the house's scope
    await request(f.server).get(`/api/v1/photos/${tip.photoIds[0]}`).set(auth(f.adminToken)).expect(200);
    // accepted with a staff-written hazard: nobody to award points to, nobody to tell privately
    const accepted = (await request(f.server).post(`/api/v1/tips/${tip.id}/accept`).set(auth(f.adminToken)).send({ hazard: { description: '楼道电动车充电', days: 3 } }).expect(200)).body;
    expect(accepted.hazard).toMatchObject({ houseId: house.id, description: '楼道电动车充电' });
    expect(await f.store.points.count({ reason: 'tip_accepted' })).toBe(0);
  });

  it('holds its limits under a bounded flood: per address, then per house a day, counted by the tips kept', async () => {
    const { links } = await scanSheet();
    const one = pathOf(links[2]!);
    const flood = async (path: string, n: number, addr: () => Record<string, string>) => {
      const statuses = [];
      for (let i = 0; i < n; i += 1) statuses.push((await request(f.server).post(path).set(addr()).field('text', `隐患 ${i}`)).status);
      return statuses;
    };
    const same = await flood(one, PLACARD_PER_ADDRESS_PER_DAY + 4, () => from('10.9.9.9'));
    expect(same.filter((s) => s === 201)).toHaveLength(PLACARD_PER_ADDRESS_PER_DAY);
    expect(same.slice(PLACARD_PER_ADDRESS_PER_DAY).every((s) => s === 429)).toBe(true);
    expect(await f.store.tips.count({ houseId: houses[2]!.id })).toBe(PLACARD_PER_ADDRESS_PER_DAY);
    // many addresses at one house (a spoofed X-Forwarded-For): the house's own limit holds
    const spread = await flood(one, PUBLIC_TIPS_PER_HOUSE_PER_DAY + 5, () => from());
    expect(spread.filter((s) => s === 201)).toHaveLength(PUBLIC_TIPS_PER_HOUSE_PER_DAY - PLACARD_PER_ADDRESS_PER_DAY);
    expect(await f.store.tips.count({ houseId: houses[2]!.id })).toBe(PUBLIC_TIPS_PER_HOUSE_PER_DAY);
    // behind a proxy that appends the address it saw, what a client writes before it is not believed
    const behindProxy = await flood(pathOf(links[6]!), PLACARD_PER_ADDRESS_PER_DAY + 3, () => ({ 'X-Forwarded-For': `${from()['X-Forwarded-For']}, 10.7.7.7` }));
    expect(behindProxy.filter((s) => s === 201)).toHaveLength(PLACARD_PER_ADDRESS_PER_DAY);
    // in parallel too
    const parallel = await Promise.all(Array.from({ length: 6 }, () => request(f.server).post(pathOf(links[3]!)).set(from()).field('text', '并发')));
    expect(parallel.filter((r) => r.status === 201)).toHaveLength(6);
    // the house's limit is counted in the store: a restarted process still refuses, another house still takes reports
    const again = createApp({ ...f.deps, demo: true, botStatus: () => ({ puppet: 'wechaty-puppet-mock', loggedIn: true }) }) as unknown as Koa;
    await request(again.callback()).post(one).set(from()).field('text', '重启后').expect(429);
    await request(again.callback()).post(pathOf(links[4]!)).set(from()).field('text', '另一户').expect(201);
    // a day later the house takes reports again
    f.deps.clock.advance(86_400_000 + 1000);
    await request(again.callback()).post(one).set(from()).field('text', '第二天').expect(201);
  });

  it('refuses hostile photos, too many or too large ones, and bad text with 4xx, keeping nothing', async () => {
    const { links } = await scanSheet();
    const path = pathOf(links[5]!);
    const kept = async () => ({ tips: await f.store.tips.count({}), photos: await f.store.photos.count({}) });
    const before = await kept();
    for (const bad of [...hostileFiles().filter((h) => !h.image), ...headersOnly()]) {
      const r = await request(f.server).post(path).set(from()).field('text', '有隐患').attach('photos', uniqueJpeg(), 'ok.jpg').attach('photos', bad.bytes, 'x.jpg');
      expect([bad.name, r.status]).toEqual([bad.name, expect.any(Number)]);
      expect([bad.name, r.status >= 400 && r.status < 500]).toEqual([bad.name, true]);
      expect(r.text).not.toMatch(/internal/i);
    }
    const four = request(f.server).post(path).set(from()).field('text', '四张');
    for (let i = 0; i < 4; i += 1) void four.attach('photos', uniqueJpeg(), `${i}.jpg`);
    expect((await four).status).toBe(400);
    const big = Buffer.concat([uniqueJpeg(), Buffer.alloc(PLACARD_PHOTO_MAX_BYTES)]);
    expect((await request(f.server).post(path).set(from()).field('text', '大').attach('photos', big, 'big.jpg')).status).toBe(413);
    expect((await request(f.server).post(path).set(from()).field('text', '')).status).toBe(400);
    expect((await request(f.server).post(path).set(from()).field('text', '长'.repeat(501))).status).toBe(400);
    expect((await request(f.server).post(path).set(from()).field('text', 'x'.repeat(20_000))).status).toBe(413);
    expect((await request(f.server).post(path).set(from()).field('text', 'a').field('other', 'b')).status).toBe(400);
    expect((await request(f.server).post(path).set(from()).set('Content-Type', 'application/json').send('{"text":"json"}')).status).toBe(400);
    expect(await kept()).toEqual({ tips: before.tips, photos: before.photos });
  });
});
