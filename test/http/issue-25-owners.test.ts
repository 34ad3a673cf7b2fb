/**
 * Issue 25 through the API: a hazard made from a tip takes staff's words (item 9), hazard texts
 * are masked when stored and when shown to heads, the monthly report's 审核人 shows names
 * (item 10), and a landlord who left the room is visible on the house (item 8).
 */
import request from 'supertest';
import { openRound } from '../../src/services/inspection/open-round';
import { auth, rosterAppFixture } from '../support/app-fixture';

let f: Awaited<ReturnType<typeof rosterAppFixture>>;
beforeAll(async () => { f = await rosterAppFixture(); });
afterAll(async () => { await f?.close(); });

const PHONE = '13912345678';

describe('tipsters and hazard texts (issue 25, item 9)', () => {
  it('accepting a tip with a hazard needs staff\'s own description; the tip\'s text is never copied', async () => {
    const house = (await f.store.houses.findOne({ code: 'P00005' }))!;
    const contact = await f.store.contacts.insert({ wechatId: 'wx-tipster', name: '隔壁', landlordId: null, userId: null, locale: null });
    const text = `P00005 我是隔壁的，别说是我说的 ${PHONE}`;
    const tip = await f.store.tips.insert({
      number: await f.store.nextSequence('tip'), reporterContactId: contact.id, houseId: house.id, communityId: house.communityId, gridId: house.gridId,
      groupId: house.groupId, hazardId: null, text, photoIds: [], status: 'new', decidedBy: null, decidedAt: null, reason: null,
    });
    const refused = await request(f.server).post(`/api/v1/tips/${tip.id}/accept`).set(auth(f.adminToken)).send({ hazard: { days: 3 } }).expect(400);
    expect(refused.body.error.code).toBe('validation');
    expect((await f.store.tips.get(tip.id))!.status).toBe('new');
    const r = (await request(f.server).post(`/api/v1/tips/${tip.id}/accept`).set(auth(f.adminToken)).send({ hazard: { description: '楼道电动车充电', days: 3 } }).expect(200)).body;
    expect(r.hazard.description).toBe('楼道电动车充电');
    const stored = (await f.store.hazards.get(r.hazard.id))!;
    expect(stored.description).not.toContain('隔壁');
    expect(JSON.stringify(await f.posted())).not.toContain('隔壁');
  });

  it('a hazard text is masked when stored, and an older unmasked one is masked when a head reads it', async () => {
    const made = (await request(f.server).post('/api/v1/hazards').set(auth(f.adminToken)).send({ houseCode: 'P00006', description: `私拉电线，房东电话 ${PHONE}` }).expect(201)).body;
    expect(made.description).not.toContain(PHONE);
    expect((await f.store.hazards.get(made.id))!.description).not.toContain(PHONE);
    // written before texts were masked when stored
    await f.store.hazards.update(made.id, { description: `私拉电线，房东电话 ${PHONE}` });
    const group = (await f.store.groups.findOne({ id: made.groupId }))!;
    const head = await f.userToken('head', `group:${group.id}`);
    const seen = (await request(f.server).get('/api/v1/hazards').set(auth(head)).expect(200)).body;
    expect(JSON.stringify(seen)).not.toContain(PHONE);
    expect(seen.items.some((h: { description: string }) => h.description.startsWith('私拉电线'))).toBe(true);
  });
});

describe('the monthly report\'s 审核人 (issue 25, item 10)', () => {
  it('names the staff user or the head who approved, never an internal id', async () => {
    const period = '2026-12';
    const round = await openRound(f.deps, { period, deadline: new Date('2026-12-20T15:59:59Z'), scope: 'street', by: 'test' });
    const [a, b] = [(await f.store.houses.findOne({ code: 'P00001' }))!, (await f.store.houses.findOne({ code: 'P00002' }))!];
    const staff = await f.store.users.insert({ name: '审核员小周', role: 'staff', scope: 'street', contactId: null, active: true });
    const headContact = await f.store.contacts.insert({ wechatId: 'wx-head', name: '户长老张', landlordId: null, userId: null, locale: null });
    for (const [h, by] of [[a, `user:${staff.id}`], [b, `contact:${headContact.id}`]] as const) {
      await f.store.submissions.insert({
        communityId: h.communityId, gridId: h.gridId, groupId: h.groupId, roundId: round.round.id, period, houseId: h.id, houseCode: h.code,
        status: 'approved', items: {}, returnReason: null, reviewedBy: by, reviewedAt: new Date(),
      });
    }
    const csv = (await request(f.server).get(`/api/v1/reports/monthly.xlsx?period=${period}&format=csv`).set(auth(f.adminToken)).buffer(true).parse((res, done) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => done(null, body));
    }).expect(200)).body as string;
    const line = (code: string) => csv.split('\r\n').find((l) => l.includes(code))!;
    expect(line('P00001')).toContain('审核员小周');
    expect(line('P00002')).toContain('户长老张');
    expect(csv).not.toContain(`user:${staff.id}`);
    expect(csv).not.toContain(`contact:${headContact.id}`);
  });
});

describe('a landlord who left the room (issue 25, item 8)', () => {
  it('is visible to staff on the house record', async () => {
    const h = (await f.store.houses.findOne({ code: 'P00007' }))!;
    const left = new Date('2026-12-03T02:00:00Z');
    await f.store.houses.update(h.id, { holderLeftAt: left });
    const seen = (await request(f.server).get(`/api/v1/houses/${h.id}`).set(auth(f.adminToken)).expect(200)).body;
    expect(seen.holderLeftAt).toBe(left.toISOString());
  });
});
