/** Issue 10: the hazards API — scoped, keyed notices, and 4xx for bad input. */
import request from 'supertest';
import { auth, rosterAppFixture } from '../support/app-fixture';

let f: Awaited<ReturnType<typeof rosterAppFixture>>;

beforeEach(async () => {
  f = await rosterAppFixture();
  const g = (await f.store.groups.findOne({ name: '平山村第1网格联防1组' }))!;
  await f.store.groups.update(g.id, { roomId: 'room-1@chatroom' });
});
afterEach(async () => { await f.close(); });

describe('hazards API (issue 10)', () => {
  it('opens, lists, closes and reopens a hazard; the room is told once per change', async () => {
    const opened = await request(f.server).post('/api/v1/hazards').set(auth(f.adminToken)).send({ houseCode: 'p00002', description: '楼道堆放杂物', days: 3 }).expect(201);
    expect(opened.body).toMatchObject({ number: 1, status: 'open', houseCode: 'P00002', overdue: false });
    expect((await f.posted()).at(-1)).toMatchObject({ roomId: 'room-1@chatroom', text: expect.stringContaining('隐患 #1：P00002') });
    const list = (await request(f.server).get('/api/v1/hazards?status=open').set(auth(f.adminToken)).expect(200)).body;
    expect(list).toMatchObject({ total: 1, items: [{ number: 1 }] });
    f.deps.clock.advance(5 * 86_400_000);
    expect((await request(f.server).get('/api/v1/hazards?status=overdue').set(auth(f.adminToken)).expect(200)).body.items[0].overdue).toBe(true);
    const closed = await request(f.server).post(`/api/v1/hazards/${opened.body.id}/close`).set(auth(f.adminToken)).expect(200);
    expect(closed.body).toMatchObject({ status: 'closed', closedBy: expect.stringMatching(/^user:/), overdue: false });
    const notices = (await f.posted()).length;
    await request(f.server).post(`/api/v1/hazards/${opened.body.id}/close`).set(auth(f.adminToken)).expect(200);
    expect((await f.posted()).length).toBe(notices); // closing again changes and posts nothing
    const reopened = await request(f.server).post(`/api/v1/hazards/${opened.body.id}/reopen`).set(auth(f.adminToken)).send({ reason: '复查时仍有杂物' }).expect(200);
    expect(reopened.body.status).toBe('open');
    expect(await f.store.audit.count({ action: 'reopen_hazard' })).toBe(1);
  });

  it('keeps to the caller\'s scope and refuses bad input with 4xx', async () => {
    const b = (await f.store.communities.findOne({ name: '西墅社区' }))!;
    const staffB = await f.userToken('staff', `community:${b.id}`);
    await request(f.server).post('/api/v1/hazards').set(auth(staffB)).send({ houseCode: 'P00002', description: '电线老化' }).expect(404);
    const h = (await request(f.server).post('/api/v1/hazards').set(auth(f.adminToken)).send({ houseCode: 'P00002', description: '电线老化' }).expect(201)).body;
    expect((await request(f.server).get('/api/v1/hazards').set(auth(staffB)).expect(200)).body.total).toBe(0);
    await request(f.server).post(`/api/v1/hazards/${h.id}/close`).set(auth(staffB)).expect(404);
    const head = await f.userToken('head', `group:${h.groupId}`);
    expect((await request(f.server).get('/api/v1/hazards').set(auth(head)).expect(200)).body.total).toBe(1);
    await request(f.server).post(`/api/v1/hazards/${h.id}/close`).set(auth(head)).expect(403);
    for (const body of [{}, { houseCode: 'P00002' }, { houseCode: 'P00002', description: 'x', days: 0 }, { houseCode: 'P00002', description: 'x', deadline: '2020-01-01' }, { houseCode: 'P00002', description: 'x', extra: 1 }, { houseCode: { $gt: '' }, description: 'x' }]) {
      const r = await request(f.server).post('/api/v1/hazards').set(auth(f.adminToken)).send(body);
      expect([JSON.stringify(body), r.status]).toEqual([JSON.stringify(body), 400]);
      expect(r.body.error.code).toMatch(/^(validation|operator_refused|bad_request)$/);
    }
    await request(f.server).get('/api/v1/hazards?status=burning').set(auth(f.adminToken)).expect(400);
    await request(f.server).post('/api/v1/hazards/nope/close').set(auth(f.adminToken)).expect(404);
  });
});

describe('GET /points (issue 10)', () => {
  it('ranks the landlords of a scope by their points this year', async () => {
    const h = (await request(f.server).post('/api/v1/hazards').set(auth(f.adminToken)).send({ houseCode: 'P00002', description: '电线老化' }).expect(201)).body;
    await request(f.server).post(`/api/v1/hazards/${h.id}/close`).set(auth(f.adminToken)).expect(200);
    const r = (await request(f.server).get(`/api/v1/points?scope=grid:${h.gridId}`).set(auth(f.adminToken)).expect(200)).body;
    expect(r).toMatchObject({ total: 1, items: [{ name: '杨英敏', points: 10, rank: 1 }] });
    expect(JSON.stringify(r)).not.toMatch(/1[3-9]\d{9}/);
    const other = (await f.store.communities.findOne({ name: '西墅社区' }))!;
    expect((await request(f.server).get(`/api/v1/points?scope=community:${other.id}`).set(auth(f.adminToken)).expect(200)).body.total).toBe(0);
    await request(f.server).get('/api/v1/points?year=nineteen').set(auth(f.adminToken)).expect(400);
  });
});
