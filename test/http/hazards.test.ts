/** Issue 10: the hazards API — scoped, keyed notices, and 4xx for bad input. */
import request from 'supertest';
import { createI18n } from '../../src/i18n';
import { ensureDefaultSchedules } from '../../src/scheduler/schedule-runner';
import { runSchedule } from '../../src/scheduler/run-schedule';
import { auth, rosterAppFixture } from '../support/app-fixture';
import { MOBILE } from '../support/fixtures';
import { uniqueJpeg } from '../support/images';

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
    expect(JSON.stringify(r)).not.toMatch(MOBILE);
    const other = (await f.store.communities.findOne({ name: '西墅社区' }))!;
    expect((await request(f.server).get(`/api/v1/points?scope=community:${other.id}`).set(auth(f.adminToken)).expect(200)).body.total).toBe(0);
    await request(f.server).get('/api/v1/points?year=nineteen').set(auth(f.adminToken)).expect(400);
  });
});

describe('tips API (issue 10)', () => {
  async function tipFrom(reporter: string, text: string, houseCode: string | null) {
    const contact = await f.store.contacts.insert({ wechatId: reporter, name: '居民', landlordId: null, userId: null, locale: null });
    const house = houseCode ? (await f.store.houses.findOne({ code: houseCode }))! : null;
    return f.store.tips.insert({
      number: await f.store.nextSequence('tip'), reporterContactId: contact.id, houseId: house?.id ?? null, communityId: house?.communityId ?? null, gridId: house?.gridId ?? null,
      groupId: house?.groupId ?? null, hazardId: null, text, photoIds: [], status: 'new', decidedBy: null, decidedAt: null, reason: null,
    });
  }

  it('accepts a tip with a hazard: the reporter is told privately and earns points once; the reporter is never shown', async () => {
    const tip = await tipFrom('wx-resident', 'P00004 楼道停放电动车', 'P00004');
    const list = (await request(f.server).get('/api/v1/tips?status=new').set(auth(f.adminToken)).expect(200)).body;
    expect(list.total).toBe(1);
    expect(JSON.stringify(list)).not.toContain('reporterContactId');
    // issue 25: the hazard takes a description staff wrote; the tip's text is never copied
    await request(f.server).post(`/api/v1/tips/${tip.id}/accept`).set(auth(f.adminToken)).send({ hazard: { days: 3 } }).expect(400);
    const r = (await request(f.server).post(`/api/v1/tips/${tip.id}/accept`).set(auth(f.adminToken)).send({ hazard: { description: '楼道停放电动车', days: 3 } }).expect(200)).body;
    expect(r).toMatchObject({ status: 'accepted', hazard: { number: 1, houseCode: 'P00004', description: '楼道停放电动车' } });
    await request(f.server).post(`/api/v1/tips/${tip.id}/accept`).set(auth(f.adminToken)).send({}).expect(200); // a retry
    expect(await f.store.points.count({ reason: 'tip_accepted' })).toBe(1);
    expect(await f.store.hazards.count({})).toBe(1);
    const told = await f.store.outbox.find({ key: `tip:decided:${tip.id}` });
    expect(told).toMatchObject([{ contactId: 'wx-resident', roomId: null, text: expect.stringContaining('#1 已核实受理') }]);
    expect((await f.posted()).map((p) => p.text).join('\n')).not.toContain('居民');
    // the hazard opened from the tip is announced in the house's group, once, like one opened from the dashboard
    const announced = (await f.posted()).filter((p) => p.text.includes('隐患 #1'));
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatchObject({ roomId: 'room-1@chatroom', text: expect.stringContaining('P00004') });
    await request(f.server).post(`/api/v1/tips/${tip.id}/reject`).set(auth(f.adminToken)).send({ reason: '重复' }).expect(409);
  });

  it('a tip\'s photos are seen by the staff of the place it names, and by nobody of another scope', async () => {
    const tip = await tipFrom('wx-3', 'P00004 楼道私拉电线', 'P00004');
    const bytes = uniqueJpeg();
    const { sha256, size } = await f.store.blobs.put(bytes);
    const photo = await f.store.photos.insert({ sha256, mime: 'image/jpeg', size, contactId: null, messageId: null, houseId: null, roundId: null, item: null, hazardId: null, tipId: tip.id, counted: true });
    const [a, b] = [(await f.store.communities.findOne({ name: '平山村' }))!, (await f.store.communities.findOne({ name: '西墅社区' }))!];
    const got = await request(f.server).get(`/api/v1/photos/${photo.id}`).set(auth(await f.userToken('staff', `community:${a.id}`))).expect(200);
    expect(Buffer.compare(got.body as Buffer, bytes)).toBe(0);
    await request(f.server).get(`/api/v1/photos/${photo.id}`).set(auth(await f.userToken('staff', `community:${b.id}`))).expect(404);
    // a tip that names no house is street-wide: its photos too
    const loose = await tipFrom('wx-4', '后门堆了纸箱', null);
    const other = await f.store.photos.insert({ sha256, mime: 'image/jpeg', size, contactId: null, messageId: null, houseId: null, roundId: null, item: null, hazardId: null, tipId: loose.id, counted: true });
    await request(f.server).get(`/api/v1/photos/${other.id}`).set(auth(await f.userToken('staff', `community:${a.id}`))).expect(404);
    await request(f.server).get(`/api/v1/photos/${other.id}`).set(auth(f.adminToken)).expect(200);
  });

  it('rejects with a reason; keeps to the scope; refuses bad input', async () => {
    const tip = await tipFrom('wx-2', '后门堆了纸箱', null);
    const a = (await f.store.communities.findOne({ name: '平山村' }))!;
    const staffA = await f.userToken('staff', `community:${a.id}`);
    expect((await request(f.server).get('/api/v1/tips').set(auth(staffA)).expect(200)).body.total).toBe(0); // a street-wide tip is for street staff
    await request(f.server).post(`/api/v1/tips/${tip.id}/reject`).set(auth(staffA)).send({ reason: 'x' }).expect(404);
    await request(f.server).post(`/api/v1/tips/${tip.id}/reject`).set(auth(f.adminToken)).send({}).expect(400);
    await request(f.server).post(`/api/v1/tips/${tip.id}/accept`).set(auth(f.adminToken)).send({ hazard: { description: '楼道堆物' } }).expect(400); // no house to open it on
    const r = (await request(f.server).post(`/api/v1/tips/${tip.id}/reject`).set(auth(f.adminToken)).send({ reason: '现场核查无此情况' }).expect(200)).body;
    expect(r).toMatchObject({ status: 'rejected', reason: '现场核查无此情况' });
    const head = await f.userToken('head', `group:${(await f.store.groups.findOne({}))!.id}`);
    await request(f.server).get('/api/v1/tips').set(auth(head)).expect(403);
  });
});

describe('weekly overdue list (issue 10)', () => {
  it('sends each linked staff member the overdue hazards of their scope, once a week', async () => {
    const i18n = await createI18n('zh-CN');
    const sdeps = { ...f.deps, t: i18n.t.bind(i18n), locale: 'zh-CN' as const };
    await ensureDefaultSchedules(sdeps);
    const a = (await f.store.communities.findOne({ name: '平山村' }))!;
    const b = (await f.store.communities.findOne({ name: '西墅社区' }))!;
    for (const [name, scope, wx] of [['甲', `community:${a.id}`, 'wx-staff-a'], ['乙', `community:${b.id}`, 'wx-staff-b']] as const) {
      const c = await f.store.contacts.insert({ wechatId: wx, name, landlordId: null, userId: null, locale: null });
      await f.store.users.insert({ name, role: 'staff', scope, contactId: c.id, active: true });
    }
    await request(f.server).post('/api/v1/hazards').set(auth(f.adminToken)).send({ houseCode: 'P00002', description: '电线老化', days: 1 }).expect(201);
    const weekly = (await f.store.schedules.findOne({ name: 'hazard-weekly' }))!;
    f.deps.clock.set('2026-11-23T01:30:00Z'); // Monday 09:30
    const runAt = new Date('2026-11-23T01:30:00Z');
    expect(await runSchedule(sdeps, weekly, runAt)).toBe(1);
    expect(await runSchedule(sdeps, weekly, runAt)).toBe(1); // a repeated run queues nothing new (same key)
    const sent = await f.store.outbox.find({ key: { gte: 'hazard:weekly:', lt: 'hazard:weekly;' } });
    expect(sent).toMatchObject([{ contactId: 'wx-staff-a', roomId: null, text: expect.stringContaining('#1 P00002') }]);
  });
});

describe('watch list (issue 10)', () => {
  it('lists landlords with a hazard overdue 15+ days, or two months without an approved inspection, with the reason', async () => {
    await request(f.server).post('/api/v1/hazards').set(auth(f.adminToken)).send({ houseCode: 'P00002', description: '电线老化', days: 1 }).expect(201);
    expect((await request(f.server).get('/api/v1/landlords?watch=1').set(auth(f.adminToken)).expect(200)).body.total).toBe(0);
    f.deps.clock.advance(20 * 86_400_000);
    const one = (await request(f.server).get('/api/v1/landlords?watch=1').set(auth(f.adminToken)).expect(200)).body;
    expect(one).toMatchObject({ total: 1, items: [{ name: '杨英敏', watch: { reasons: ['hazard_overdue_15d'], houseCodes: ['P00002'] } }] });
    // two past rounds; P00001 was approved in one of them
    const p1 = (await f.store.houses.findOne({ code: 'P00001' }))!;
    for (const period of ['2026-10', '2026-11']) {
      const r = await f.store.rounds.insert({ period, deadline: new Date(`${period}-20T15:59:59Z`), scope: 'street', status: 'closed', openedAt: new Date(`${period}-01T01:00:00Z`) });
      if (period === '2026-11') {
        await f.store.submissions.insert({ communityId: p1.communityId, gridId: p1.gridId, groupId: p1.groupId, roundId: r.id, period, houseId: p1.id, houseCode: 'P00001', status: 'approved', items: {}, returnReason: null, reviewedBy: null, reviewedAt: null });
      }
    }
    // now December: November and October count
    const all = (await request(f.server).get('/api/v1/landlords?watch=1&limit=100').set(auth(f.adminToken)).expect(200)).body;
    expect(all.total).toBe(39);
    expect(all.items.some((l: { name: string }) => l.name === '陈娜英')).toBe(false);
    expect(all.items.find((l: { name: string }) => l.name === '杨英敏').watch.reasons).toEqual(['hazard_overdue_15d', 'noncompliant_2_months']);
    const head = await f.userToken('head', `group:${p1.groupId}`);
    await request(f.server).get('/api/v1/landlords?watch=1').set(auth(head)).expect(403);
    expect((await request(f.server).get('/api/v1/landlords').set(auth(f.adminToken)).expect(200)).body.total).toBe(40); // the plain list is unchanged
  });
});

describe('points rules (issue 10)', () => {
  it('an admin changes an amount: later awards use it, earlier ones stay; staff may read, not change', async () => {
    expect((await request(f.server).get('/api/v1/points/rules').set(auth(f.adminToken)).expect(200)).body).toMatchObject({ hazard_closed: 10, tip_accepted: 20 });
    const staff = await f.userToken('staff', 'street');
    await request(f.server).put('/api/v1/points/rules').set(auth(staff)).send({ hazard_closed: 50 }).expect(403);
    await request(f.server).put('/api/v1/points/rules').set(auth(f.adminToken)).send({ hazard_closed: 'lots' }).expect(400);
    await request(f.server).put('/api/v1/points/rules').set(auth(f.adminToken)).send({ free_money: 5 }).expect(400);
    // a sign the wrong way round (an overdue hazard rewarded, a commitment fined) is refused
    for (const body of [{ hazard_overdue: 5 }, { commitment: -50 }, { inspection_returned: 1 }]) {
      expect((await request(f.server).put('/api/v1/points/rules').set(auth(f.adminToken)).send(body).expect(400)).body.error.code).toBe('validation');
    }
    const first = (await request(f.server).post('/api/v1/hazards').set(auth(f.adminToken)).send({ houseCode: 'P00002', description: '电线老化' }).expect(201)).body;
    await request(f.server).post(`/api/v1/hazards/${first.id}/close`).set(auth(f.adminToken)).expect(200);
    expect((await request(f.server).put('/api/v1/points/rules').set(auth(f.adminToken)).send({ hazard_closed: 25 }).expect(200)).body.hazard_closed).toBe(25);
    const second = (await request(f.server).post('/api/v1/hazards').set(auth(f.adminToken)).send({ houseCode: 'P00002', description: '杂物' }).expect(201)).body;
    await request(f.server).post(`/api/v1/hazards/${second.id}/close`).set(auth(f.adminToken)).expect(200);
    expect((await f.store.points.find({ reason: 'hazard_closed' }, { sort: { createdAt: 1 } })).map((p) => p.amount).sort()).toEqual([10, 25]);
    expect(await f.store.audit.count({ action: 'set_point_rules' })).toBe(1);
  });
});

describe('site photos (issue 10)', () => {
  it('staff attach before and after photos to a hazard; other files are refused', async () => {
    const h = (await request(f.server).post('/api/v1/hazards').set(auth(f.adminToken)).send({ houseCode: 'P00002', description: '电线老化' }).expect(201)).body;
    for (const kind of ['before', 'after']) {
      await request(f.server).post(`/api/v1/hazards/${h.id}/photos`).set(auth(f.adminToken)).field('kind', kind).attach('image', uniqueJpeg(), 'site.jpg').expect(201);
    }
    const got = (await request(f.server).get('/api/v1/hazards').set(auth(f.adminToken)).expect(200)).body.items[0];
    expect(got.sitePhotos.map((p: { kind: string }) => p.kind)).toEqual(['before', 'after']);
    expect((await request(f.server).post(`/api/v1/hazards/${h.id}/photos`).set(auth(f.adminToken)).field('kind', 'after').attach('image', Buffer.from('<html>'), 'x.jpg').expect(415)).body.error.code).toBe('photo_unsupported');
    await request(f.server).post(`/api/v1/hazards/${h.id}/photos`).set(auth(f.adminToken)).field('kind', 'during').attach('image', uniqueJpeg(), 'x.jpg').expect(400);
    await request(f.server).post(`/api/v1/hazards/${h.id}/photos`).set(auth(f.adminToken)).field('kind', 'after').expect(400);
    const head = await f.userToken('head', `group:${h.groupId}`);
    await request(f.server).post(`/api/v1/hazards/${h.id}/photos`).set(auth(head)).field('kind', 'after').attach('image', uniqueJpeg(), 'x.jpg').expect(403);
  });
});
