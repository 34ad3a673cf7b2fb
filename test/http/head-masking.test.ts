/**
 * Issue 30: free text a head (户长) reads through the API — a return reason, a hazard's
 * description, the names and addresses people typed, in lists, rankings, points and the monthly
 * report — goes through the one maskPersonal on the way out, however the number was written;
 * staff read it as stored. And the upload spool (multer's temporary files) is the owner's alone:
 * the folder 0700, each file 0600.
 */
import Koa from 'koa';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { singleUpload } from '../../src/http/upload';
import { auth, rosterAppFixture } from '../support/app-fixture';
import { tempDir } from '../support/fixtures';

type Fixture = Awaited<ReturnType<typeof rosterAppFixture>>;
let f: Fixture;
let head: string;
let staff: string;
/** the ways a number was typed into each text, and what staff read back */
const typed = {
  reason: '请联系 138.1234.5678 补拍',
  description: '楼道堆物，房东电话 (138)12345678',
  address: '平山村东港路1号 138 123 45678',
  landlord: '张三 1381 234 5678',
  group: '联防组１３８１２３４５６７８',
  id: '户主证件 110101.19900307.1234',
};
/** the numbers typed above, found however they are written: in the text read with separators and width undone */
const leaks = (text: string) => {
  const plain = text.normalize('NFKC').replace(/[\s.()（）—-]/g, '');
  return ['13812345678', '110101199003071234'].filter((n) => plain.includes(n));
};

beforeAll(async () => {
  f = await rosterAppFixture();
  const s = f.store;
  const c = (await s.communities.findOne({ name: '平山村' }))!;
  const group = (await s.groups.findOne({ communityId: c.id }, { name: 1 }))!;
  const house = (await s.houses.find({ groupId: group.id }, { sort: { code: 1 } }))[0]!;
  await s.groups.update(group.id, { name: typed.group });
  await s.houses.update(house.id, { address: `${typed.address} ${typed.id}` });
  await s.landlords.update(house.landlordId, { name: typed.landlord });
  const round = await s.rounds.insert({ period: '2026-11', deadline: new Date('2026-11-30T12:00:00Z'), scope: `group:${group.id}`, status: 'open', openedAt: new Date() });
  await s.submissions.insert({ communityId: house.communityId, gridId: house.gridId, groupId: house.groupId, roundId: round.id, period: '2026-11', houseId: house.id, houseCode: house.code, status: 'returned', items: {}, returnReason: typed.reason, reviewedBy: null, reviewedAt: null });
  // (a hazard stored before texts were masked when stored)
  await s.hazards.insert({ communityId: house.communityId, gridId: house.gridId, groupId: house.groupId, number: await s.nextSequence('hazard'), houseId: house.id, houseCode: house.code, description: typed.description, deadline: new Date('2026-12-01T00:00:00Z'), status: 'open', openedBy: 'user:test', evidencePhotoIds: [], sitePhotos: null, rectifiedAt: null, closedAt: null, closedBy: null });
  await s.points.insert({ landlordId: house.landlordId, contactId: null, gridId: house.gridId, reason: 'commitment', amount: 5, refId: `r${house.id}` });
  head = await f.userToken('head', `group:${group.id}`);
  staff = await f.userToken('staff', `community:${c.id}`);
});
afterAll(() => f.close());

const reads = [
  '/api/v1/submissions',
  '/api/v1/hazards',
  '/api/v1/houses',
  '/api/v1/landlords',
  '/api/v1/groups',
  '/api/v1/stats/ranking',
  '/api/v1/points',
  '/api/v1/reports/monthly.xlsx?format=csv&period=2026-11',
];

describe('free text a head reads is masked (issue 30)', () => {
  it.each(reads)('%s: no phone or ID number reaches a head, staff read what was typed', async (url) => {
    const asHead = await request(f.server).get(url).set(auth(head)).expect(200);
    const text = asHead.type === 'application/json' ? JSON.stringify(asHead.body) : asHead.text;
    expect(leaks(text)).toEqual([]);
    expect(text).toMatch(/138\*{4}5678/);
    const asStaff = await request(f.server).get(url).set(auth(staff)).expect(200);
    const staffText = asStaff.type === 'application/json' ? JSON.stringify(asStaff.body) : asStaff.text;
    expect(leaks(staffText).length).toBeGreaterThan(0); // (the same texts, as stored)
  });

  it('ordinary text stays as written for a head', async () => {
    const r = await request(f.server).get('/api/v1/submissions').set(auth(head)).expect(200);
    expect(r.body.items[0].returnReason).toBe('请联系 138****5678 补拍');
  });
});

describe('the upload spool (issue 30)', () => {
  it('is a 0700 folder (an older, wider one narrowed) and each spooled file is 0600; a refused upload leaves none', async () => {
    const tmp = tempDir();
    try {
      const dir = path.join(tmp.dir, 'uploads');
      mkdirSync(dir, { mode: 0o755 });
      const app = new Koa();
      app.use(async (ctx, next) => {
        try {
          await next();
        } catch (e) {
          ctx.status = 413;
          ctx.body = { code: (e as { code?: string }).code };
        }
      });
      app.use(singleUpload({ field: 'file', maxBytes: 1024, fields: 1, dir }));
      app.use((ctx) => {
        const file = (ctx as unknown as { file: { path: string } }).file;
        ctx.body = { mode: statSync(file.path).mode & 0o777, dir: path.dirname(file.path) };
      });
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      const r = await request(app.callback()).post('/').attach('file', Buffer.from('社区,网格\n'), 'r.csv').expect(200);
      expect(r.body).toEqual({ mode: 0o600, dir });
      const big = await request(app.callback()).post('/').attach('file', Buffer.alloc(4096, 'a'), 'r.csv').expect(413);
      expect(big.body.code).toBe('payload_too_large');
      expect(readdirSync(dir).length).toBe(1); // only the first (the app removes it in real use), not the refused one
    } finally {
      tmp.cleanup();
    }
  });

  it("the app's own spool folder is 0700", () => {
    expect(statSync(path.join(f.dir, 'uploads')).mode & 0o777).toBe(0o700);
  });
});
