/** Issue 27: 一户一档 on paper — the house's and the group's file open, and hold the Chinese text and the photos. */
import { PDFDocument } from 'pdf-lib';
import request from 'supertest';
import type { Group, House } from '../../src/domain/types';
import { auth, rosterAppFixture } from '../support/app-fixture';
import { uniqueJpeg, uniquePng } from '../support/images';
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

const binary = (r: request.Test) =>
  r.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

/** A hazard with a site photo, and a tip with two photos from the placard page: three photos on the house's record. */
async function history(house: House) {
  const hazard = (await request(f.server).post('/api/v1/hazards').set(auth(f.adminToken)).send({ houseCode: house.code, description: '楼道电动车充电', days: 5 }).expect(201)).body;
  await request(f.server).post(`/api/v1/hazards/${hazard.id}/photos`).set(auth(f.adminToken)).field('kind', 'before').attach('image', uniquePng(), 'site.png').expect(201);
  const sheet = await binary(request(f.server).get(`/api/v1/groups/${group.id}/placards.pdf`).set(auth(f.adminToken))).expect(200);
  expect((sheet.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  const rotated = (await request(f.server).post(`/api/v1/houses/${house.id}/placard/rotate`).set(auth(f.adminToken)).expect(201)).body;
  await request(f.server).post(new URL(rotated.link).pathname).field('text', '门口堆放纸箱').attach('photos', uniqueJpeg(), 'a.jpg').attach('photos', uniquePng(), 'b.png').expect(201);
  return hazard;
}

describe('archive PDFs (issue 27)', () => {
  it("a house's file: A4, the Chinese font embedded, its facts, plan, history and photo thumbnails", async () => {
    const house = houses[0]!;
    await history(house);
    const res = await binary(request(f.server).get(`/api/v1/houses/${house.id}/archive.pdf`).set(auth(f.adminToken))).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = await readPdf(res.body as Buffer);
    expect(pdf.fonts).toEqual([expect.stringMatching(/\+NotoSansCJKsc-Regular$/)]);
    for (const words of [`一户一档 · ${house.code}`, house.address, '一户一方案', '隐患 #1：楼道电动车充电', '整改措施', '验收方式', '销号 1', '档案记录（新的在前）', '举报 #1：门口堆放纸箱', '工作人员更换了钉牌二维码'])
      expect([words, pdf.text.includes(words)]).toEqual([words, true]);
    const landlord = (await f.store.landlords.get(house.landlordId))!;
    expect(pdf.text).toContain(landlord.phone); // staff may read phones
    // the three photos as thumbnails (JPEGs the file embeds)
    const thumbs = pdf.images.filter((i) => i.jpeg);
    expect(thumbs).toHaveLength(3);
    for (const t of thumbs) expect(t.jpeg!.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    // every line in its own place: none printed over another (a reader of the text alone would not notice)
    expect(pdf.runs.flat().length).toBeGreaterThan(15);
    expect(overprinted(pdf.runs)).toEqual([]);
    // A4
    const doc = await PDFDocument.load(res.body as Buffer);
    expect(doc.getPages().map((p) => p.getSize()).every((s) => Math.round(s.width) === 595 && Math.round(s.height) === 842)).toBe(true);

    // a head reads the file with the phone masked
    const head = await f.userToken('head', `group:${group.id}`);
    const headPdf = await readPdf((await binary(request(f.server).get(`/api/v1/houses/${house.id}/archive.pdf`).set(auth(head))).expect(200)).body as Buffer);
    expect(headPdf.text).toContain(landlord.name);
    expect(headPdf.text).not.toContain(landlord.phone);
    expect(headPdf.text).toContain(`${landlord.phone.slice(0, 3)}****${landlord.phone.slice(-4)}`);
  });

  it("a group's file (a visit day): every house on its own pages, in English when asked", async () => {
    await history(houses[2]!);
    const res = await binary(request(f.server).get(`/api/v1/groups/${group.id}/archive.pdf`).set(auth(f.adminToken))).expect(200);
    const pdf = await readPdf(res.body as Buffer);
    expect(pdf.pages).toBeGreaterThanOrEqual(houses.length);
    for (const h of houses) expect(pdf.text).toContain(`一户一档 · ${h.code}`);
    expect(pdf.text).toContain('尚未签署第 1 版承诺书');
    expect(pdf.images.filter((i) => i.jpeg)).toHaveLength(3);
    expect(overprinted(pdf.runs)).toEqual([]);
    const en = await readPdf((await binary(request(f.server).get(`/api/v1/groups/${group.id}/archive.pdf`).set(auth(f.adminToken)).set('Accept-Language', 'en')).expect(200)).body as Buffer);
    expect(en.text).toContain(`House record · ${houses[0]!.code}`);
    expect(en.text).toContain('Hazard #1');
    const other = (await f.store.communities.findOne({ name: '西墅社区' }))!;
    await request(f.server).get(`/api/v1/groups/${group.id}/archive.pdf`).set(auth(await f.userToken('staff', `community:${other.id}`))).expect(404);
    await request(f.server).get(`/api/v1/groups/${group.id}/archive.pdf?x=1`).set(auth(f.adminToken)).expect(400);
  });
});
