import request from 'supertest';
import { appFixture } from '../support/app-fixture';
import { sampleRosterBytes } from '../support/fixtures';

type Fixture = Awaited<ReturnType<typeof appFixture>>;
let f: Fixture;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
let groupId: string;

beforeEach(async () => {
  f = await appFixture();
  await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', sampleRosterBytes(), 'r.csv').expect(200);
  groupId = (await f.store.groups.findOne({ name: '平山村第1网格联防1组' }))!.id;
  await f.store.groups.update(groupId, { roomId: 'room-1@chatroom' });
});
afterEach(async () => { await f.close(); });

describe('rounds and submissions API', () => {
  it('POST /rounds opens a round and announces it in each bound room of the scope', async () => {
    const r = await request(f.server).post('/api/v1/rounds').set(auth(f.adminToken)).send({ period: '2026-11', deadline: '2026-11-20' }).expect(201);
    expect(r.body).toMatchObject({ period: '2026-11', scope: 'street', status: 'open', announced: 1 });
    // "the 20th" means the end of the 20th in Asia/Shanghai
    expect(r.body.deadline).toBe('2026-11-20T15:59:59.000Z');
    expect(await f.posted()).toEqual([{ roomId: 'room-1@chatroom', text: expect.stringContaining('2026-11 月度消防自查开始'), mentions: [] }]);
    await request(f.server).post('/api/v1/rounds').set(auth(f.adminToken)).send({ period: '2026-11', deadline: '2026-11-20' }).expect(409);
    const list = await request(f.server).get('/api/v1/rounds').set(auth(f.adminToken)).expect(200);
    expect(list.body.total).toBe(1);
  });

  it('refuses bad round input with 400s and heads with 403', async () => {
    for (const body of [{ period: '2026-13', deadline: '2026-11-20' }, { period: '2026-11', deadline: 'soon' }, { period: '2026-11', deadline: '2020-01-01' }, { period: '2026-11', deadline: '2026-11-20', extra: 1 }]) {
      const r = await request(f.server).post('/api/v1/rounds').set(auth(f.adminToken)).send(body).expect(400);
      expect(r.body.error.code).toMatch(/^(validation|bad_request)$/);
    }
    const head = await f.userToken('head', `group:${groupId}`);
    await request(f.server).post('/api/v1/rounds').set(auth(head)).send({ period: '2026-11', deadline: '2026-11-20' }).expect(403);
    const op = await request(f.server).post('/api/v1/rounds').set(auth(f.adminToken)).send({ period: '2026-11', deadline: { $gt: '' } }).expect(400);
    expect(op.body.error.code).toBe('operator_refused');
  });

  it('lists, approves and returns submissions; approving an incomplete one is a 409', async () => {
    const round = (await request(f.server).post('/api/v1/rounds').set(auth(f.adminToken)).send({ period: '2026-11', deadline: '2026-11-20' }).expect(201)).body;
    const house = (await f.store.houses.findOne({ code: 'P00001' }))!;
    const base = { communityId: house.communityId, gridId: house.gridId, groupId: house.groupId, roundId: round.id, period: '2026-11', houseId: house.id, houseCode: 'P00001', returnReason: null, reviewedBy: null, reviewedAt: null };
    const partial = await f.store.submissions.insert({ ...base, status: 'partial', items: { smoke: ['x'] } });
    const list = await request(f.server).get(`/api/v1/submissions?round=${round.id}&status=partial`).set(auth(f.adminToken)).expect(200);
    expect(list.body.items.map((s: { houseCode: string }) => s.houseCode)).toEqual(['P00001']);
    expect((await request(f.server).post(`/api/v1/submissions/${partial.id}/approve`).set(auth(f.adminToken)).expect(409)).body.error.code).toBe('submission_incomplete');
    await f.store.submissions.update(partial.id, { status: 'complete' });
    const ok = await request(f.server).post(`/api/v1/submissions/${partial.id}/approve`).set(auth(f.adminToken)).expect(200);
    expect(ok.body.status).toBe('approved');
    // approved is final: returning it is a 409 and changes nothing (its on-time points stand)
    const late = await request(f.server).post(`/api/v1/submissions/${partial.id}/return`).set(auth(f.adminToken)).send({ reason: '再看看' }).expect(409);
    expect(late.body.error).toMatchObject({ code: 'submission_approved', message: expect.stringContaining('P00001') });
    expect((await f.store.submissions.get(partial.id))!.status).toBe('approved');
    const other = (await f.store.houses.findOne({ code: 'P00002' }))!;
    const second = await f.store.submissions.insert({ ...base, houseId: other.id, houseCode: 'P00002', status: 'complete', items: { smoke: ['y'] } });
    await request(f.server).post(`/api/v1/submissions/${second.id}/return`).set(auth(f.adminToken)).send({}).expect(400);
    const reason = '照片模糊，请联系 13812345678';
    const back = await request(f.server).post(`/api/v1/submissions/${second.id}/return`).set(auth(f.adminToken)).send({ reason }).expect(200);
    expect(back.body).toMatchObject({ status: 'returned', returnReason: reason });
    // the room sees the reason with the number masked (issue 8); a retried request posts nothing more
    expect((await f.posted()).at(-1)!.text).toContain('照片模糊，请联系 138****5678');
    const notices = (await f.posted()).length;
    await request(f.server).post(`/api/v1/submissions/${second.id}/return`).set(auth(f.adminToken)).send({ reason }).expect(200);
    expect((await f.posted()).length).toBe(notices);
    await request(f.server).post('/api/v1/submissions/nope/approve').set(auth(f.adminToken)).expect(404);
  });

  it('the review queue (issue 26): complete sets paged by key; one item returned; several approved at once; bad input is a 400', async () => {
    const round = (await request(f.server).post('/api/v1/rounds').set(auth(f.adminToken)).send({ period: '2026-11', deadline: '2099-11-20' }).expect(201)).body;
    const houses = await f.store.houses.find({ groupId }, { sort: { code: 1 }, limit: 3 });
    const subs = [];
    for (const h of houses) {
      const photos = await Promise.all(['smoke', 'extinguisher'].map((item) => f.store.photos.insert({ sha256: `${h.code}-${item}`, mime: 'image/jpeg', size: 1, contactId: null, messageId: null, houseId: h.id, roundId: round.id, item: item as 'smoke', hazardId: null, tipId: null, counted: true })));
      subs.push(await f.store.submissions.insert({ communityId: h.communityId, gridId: h.gridId, groupId: h.groupId, roundId: round.id, period: '2026-11', houseId: h.id, houseCode: h.code, status: 'complete', items: { smoke: [photos[0]!.id], extinguisher: [photos[1]!.id] }, returnReason: null, returnedItem: null, reviewedBy: null, reviewedAt: null }));
    }
    // one a page, by key, to the end: every set once, each with its house, group and labelled photos
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: request.Response = await request(f.server).get(`/api/v1/review-queue?limit=1${after ? `&after=${after}` : ''}`).set(auth(f.adminToken)).expect(200);
      seen.push(...page.body.items.map((x: { houseCode: string }) => x.houseCode));
      if (page.body.items[0]) expect(page.body.items[0]).toMatchObject({ groupName: '平山村第1网格联防1组', status: 'complete', photos: [{ item: 'smoke' }, { item: 'extinguisher' }] });
      after = page.body.next;
    } while (after);
    expect(seen.sort()).toEqual(houses.map((h) => h.code).sort());
    for (const q of ['after=not*a*cursor', 'offset=5', 'limit=0', 'scope=community:nowhere']) {
      const bad = await request(f.server).get(`/api/v1/review-queue?${q}`).set(auth(f.adminToken));
      expect([q, bad.status]).toEqual([q, q.startsWith('scope') ? 404 : 400]);
    }
    // one item returned: its photos leave the set, the others stand, and the room is told which item and why
    const [a, b, c] = subs as [(typeof subs)[0], (typeof subs)[0], (typeof subs)[0]];
    await request(f.server).post(`/api/v1/submissions/${a.id}/return`).set(auth(f.adminToken)).send({ reason: '看不清', item: 'kit' }).expect(400);
    await request(f.server).post(`/api/v1/submissions/${a.id}/return`).set(auth(f.adminToken)).send({ reason: '看不清', item: 'sofa' }).expect(400);
    const back = await request(f.server).post(`/api/v1/submissions/${a.id}/return`).set(auth(f.adminToken)).send({ reason: '压力表看不清', item: 'extinguisher' }).expect(200);
    expect(back.body).toMatchObject({ status: 'returned', returnedItem: 'extinguisher', returnReason: '压力表看不清', items: { smoke: a.items.smoke } });
    expect(back.body.items.extinguisher).toBeUndefined();
    expect((await f.posted()).at(-1)!.text).toContain(`${a.houseCode} 的【灭火器】照片被退回：压力表看不清`);
    // 催办 then names the item it owes again, beside the return
    await request(f.server).post(`/api/v1/groups/${groupId}/remind`).set(auth(f.adminToken)).expect(200);
    const line = (await f.posted()).at(-1)!.text.split('\n').find((l) => l.includes(a.houseCode))!;
    expect(line).toContain('灭火器');
    expect(line).toContain('退回待重拍');
    // several at once; one no longer complete is listed with why, the other approved
    const many = await request(f.server).post('/api/v1/submissions/approve').set(auth(f.adminToken)).send({ ids: [a.id, b.id] }).expect(200);
    expect(many.body.approved.map((x: { id: string }) => x.id)).toEqual([b.id]);
    expect(many.body.refused).toEqual([{ id: a.id, houseCode: a.houseCode, code: 'submission_incomplete', message: expect.stringContaining(a.houseCode) }]);
    for (const body of [{ ids: [] }, { ids: 'x' }, {}, { ids: [c.id], extra: 1 }]) await request(f.server).post('/api/v1/submissions/approve').set(auth(f.adminToken)).send(body).expect(400);
    await request(f.server).post('/api/v1/submissions/approve').set(auth(f.adminToken)).send({ ids: [c.id, 'nope'] }).expect(404);
    expect((await f.store.submissions.get(c.id))!.status).toBe('complete');
  });

  it('催办 one group (issue 26): two requests at once tell the room once; the next says when it was; an unbound group is a 409', async () => {
    await request(f.server).post('/api/v1/rounds').set(auth(f.adminToken)).send({ period: '2026-11', deadline: '2099-11-20' }).expect(201);
    const before = (await f.posted()).length;
    const both = await Promise.all([0, 1].map(() => request(f.server).post(`/api/v1/groups/${groupId}/remind`).set(auth(f.adminToken)).expect(200)));
    expect(both.map((r) => r.body.status).sort()).toEqual(['cooling', 'sent']);
    const said = (await f.posted()).slice(before);
    expect(said).toEqual([{ roomId: 'room-1@chatroom', text: expect.stringContaining('⏰'), mentions: expect.any(Array) }]);
    const again = await request(f.server).post(`/api/v1/groups/${groupId}/remind`).set(auth(f.adminToken)).expect(200);
    expect(again.body).toMatchObject({ status: 'cooling', houses: 0 });
    expect(new Date(again.body.next).getTime() - new Date(again.body.last).getTime()).toBe(30 * 60_000);
    expect((await f.posted()).length).toBe(before + 1);
    const unbound = (await f.store.groups.findOne({ roomId: null }))!;
    expect((await request(f.server).post(`/api/v1/groups/${unbound.id}/remind`).set(auth(f.adminToken)).expect(409)).body.error.code).toBe('room_not_bound');
    await request(f.server).post('/api/v1/groups/nope/remind').set(auth(f.adminToken)).expect(404);
  });

  it('POST /rounds/:id/remind reminds each bound room of the round; bind codes are made for staff', async () => {
    const round = (await request(f.server).post('/api/v1/rounds').set(auth(f.adminToken)).send({ period: '2026-11', deadline: '2026-11-20' }).expect(201)).body;
    const r = await request(f.server).post(`/api/v1/rounds/${round.id}/remind`).set(auth(f.adminToken)).expect(200);
    expect(r.body).toEqual({ reminded: 1, already: 0 });
    // a retried request the same day posts nothing more (issue 8)
    const before = (await f.posted()).length;
    expect((await request(f.server).post(`/api/v1/rounds/${round.id}/remind`).set(auth(f.adminToken)).expect(200)).body).toEqual({ reminded: 0, already: 1 });
    expect((await f.posted()).length).toBe(before);
    expect((await f.posted()).at(-1)!.text).toContain('尚未登记：P00001、P00002');
    const code = await request(f.server).post(`/api/v1/groups/${groupId}/bind-code`).set(auth(f.adminToken)).expect(201);
    expect(code.body.code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    const head = await f.userToken('head', `group:${groupId}`);
    await request(f.server).post(`/api/v1/groups/${groupId}/bind-code`).set(auth(head)).expect(403);
  });
});

describe('outside demo mode', () => {
  it('the simulator does not exist', async () => {
    const r = await request(f.server).post('/api/v1/sim/contacts').set(auth(f.adminToken)).send({ name: 'x' });
    expect(r.status).toBe(404);
  });
});
