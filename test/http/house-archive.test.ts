/** Issue 27: 一户一档 — a house's year on one timeline, its plan, and who may read it. */
import request from 'supertest';
import { resolveSpeaker } from '../../src/services/conversation/speaker';
import { commit } from '../../src/services/commitments/commit';
import { aboutMe } from '../../src/services/conversation/about-me';
import { registerHouse } from '../../src/services/groups/register-house';
import { proveRegistration } from '../../src/services/groups/prove-registration';
import { openRound } from '../../src/services/inspection/open-round';
import { keepPhoto } from '../../src/services/inspection/keep-photo';
import { nameItem, submitPhoto } from '../../src/services/inspection/submit-photo';
import { addEvidence } from '../../src/services/hazards/hazards';
import { reportTip } from '../../src/services/tips/tips';
import { BASE_ITEMS } from '../../src/domain/checklist';
import type { Group, House } from '../../src/domain/types';
import { auth, rosterAppFixture } from '../support/app-fixture';
import { uniqueJpeg } from '../support/images';

// PDFs made and read back, a year of history: wide limits, so a busy machine is slow, not failing
jest.setTimeout(120_000);

let f: Awaited<ReturnType<typeof rosterAppFixture>>;
let group: Group;
let house: House;
const ROOM = 'room-1@chatroom';
const WX = 'wx-landlord-p1';

beforeEach(async () => {
  f = await rosterAppFixture();
  group = (await f.store.groups.findOne({ name: '平山村第1网格联防1组' }))!;
  await f.store.groups.update(group.id, { roomId: ROOM });
  group = (await f.store.groups.get(group.id))!;
  house = (await f.store.houses.findOne({ code: 'P00001' }))!;
});
afterEach(async () => {
  await f.close();
});

const said = async (at = f.deps.clock.now()) => ({ contactId: (await f.store.contacts.findOne({ wechatId: WX }))!.id, conversation: ROOM, at });
const tick = () => f.deps.clock.advance(60_000);
const speaker = () => resolveSpeaker(f.deps, { group }, WX, '陈娜英');

/** A house's year through the services the bot and the API use: what the acceptance of issue 27 asks for. */
async function buildYear() {
  const { deps, store } = f;
  deps.clock.set('2025-11-20T02:00:00Z');
  // registration: 登记 and the last four digits of the roster's phone
  await registerHouse(deps, { group, wechatId: WX, name: '陈娜英', houseCode: 'P00001', said: { conversation: ROOM, at: deps.clock.now() } });
  const phone = (await store.landlords.get(house.landlordId))!.phone;
  tick();
  expect(await proveRegistration(deps, { said: await said(), digits: phone.slice(-4), group })).toMatchObject({ status: 'registered' });
  tick();
  await commit(deps, { speaker: await speaker(), messageId: 'm-commit' });
  // twelve monthly rounds, each with a photo per item, reviewed by staff: the last one returned
  const rounds = [];
  for (let m = 0; m < 12; m += 1) {
    const month = new Date(Date.UTC(2025, 11 + m, 1, 1));
    deps.clock.set(month);
    const period = month.toISOString().slice(0, 7);
    const { round } = await openRound(deps, { period, deadline: new Date(month.getTime() + 19 * 86_400_000), scope: `group:${group.id}`, by: 'user:test' });
    rounds.push(round);
    for (const item of BASE_ITEMS) {
      tick();
      await nameItem(deps, { speaker: await speaker(), said: await said(), item });
      tick();
      const photo = await keepPhoto(deps, { bytes: uniqueJpeg(), contactId: (await said()).contactId, messageId: null });
      expect(await submitPhoto(deps, { speaker: await speaker(), photo, said: await said() })).toMatchObject({ status: 'labelled', item });
    }
    tick();
    const sub = (await store.submissions.findOne({ roundId: round.id, houseId: house.id }))!;
    const verb = m === 11 ? 'return' : 'approve';
    await request(f.server).post(`/api/v1/submissions/${sub.id}/${verb}`).set(auth(f.adminToken)).send(verb === 'return' ? { reason: '灭火器照片看不清压力表' } : {}).expect(200);
  }
  // three hazards: one closed after evidence, one with evidence waiting for the check, one open
  const hazard = async (description: string) =>
    (await request(f.server).post('/api/v1/hazards').set(auth(f.adminToken)).send({ houseCode: 'P00001', description, days: 10 }).expect(201)).body as { id: string };
  deps.clock.set('2026-11-03T02:00:00Z');
  const closed = await hazard('楼道堆放杂物');
  tick();
  const evidence = async (id: string) => {
    const photo = await keepPhoto(deps, { bytes: uniqueJpeg(), contactId: null, messageId: null });
    await addEvidence(deps, { hazard: (await store.hazards.get(id))!, photoId: photo.id });
  };
  await evidence(closed.id);
  tick();
  await request(f.server).post(`/api/v1/hazards/${closed.id}/close`).set(auth(f.adminToken)).expect(200);
  tick();
  const rectified = await hazard('插线板串接');
  tick();
  await evidence(rectified.id);
  tick();
  const open = await hazard('电动车在楼道充电');
  // a tip naming the house, sent privately to the bot by a neighbour
  tick();
  const neighbour = await store.contacts.insert({ wechatId: 'wx-neighbour', name: '邻居王', landlordId: null, userId: null, locale: null });
  await reportTip(deps, { reporterContactId: neighbour.id, text: 'P00001 门口堆了很多纸箱 我的电话13912345678', said: { contactId: neighbour.id, conversation: 'private', at: deps.clock.now() } });
  // a change of landlord, made by staff
  tick();
  const other = (await store.houses.findOne({ code: 'P00005' }))!;
  await request(f.server).patch(`/api/v1/houses/${house.id}`).set(auth(f.adminToken)).send({ landlordId: other.landlordId }).expect(200);
  return { rounds, closed, rectified, open, neighbour, newLandlordId: other.landlordId };
}

describe('GET /houses/:id/archive (issue 27: 一户一档)', () => {
  it("holds a house's whole year, newest first, and a plan of exactly what is still open", async () => {
    const year = await buildYear();
    const all = (await request(f.server).get(`/api/v1/houses/${house.id}/archive?limit=500`).set(auth(f.adminToken)).expect(200)).body;
    const items = all.timeline.items as { kind: string; at: string; [k: string]: unknown }[];
    expect(all.timeline.total).toBe(items.length);
    // ordered newest first
    const times = items.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // complete: each fact of the year is there, once
    const of = (kind: string) => items.filter((e) => e.kind === kind);
    expect(of('registration').map((e) => e.action)).toEqual(['register_proved']);
    expect(of('commitment')).toEqual([expect.objectContaining({ letterVersion: 1 })]);
    const rounds = of('round');
    expect(rounds.map((e) => e.period)).toEqual(year.rounds.map((r) => r.period).reverse());
    for (const r of rounds) {
      expect((r.items as { item: string; photoIds: string[] }[]).map((i) => i.item)).toEqual([...BASE_ITEMS]);
      expect(r.photos).toHaveLength(5);
    }
    expect(rounds[0]).toMatchObject({ period: '2026-11', status: 'returned', review: { returnReason: '灭火器照片看不清压力表' } });
    expect(rounds.slice(1).every((r) => r.status === 'approved')).toBe(true);
    expect(of('review').map((e) => e.action)).toEqual(['return_submission', ...Array(11).fill('approve_submission')]);
    const hazards = of('hazard');
    expect(hazards.map((h) => [h.description, h.status])).toEqual([
      ['电动车在楼道充电', 'open'],
      ['插线板串接', 'rectified'],
      ['楼道堆放杂物', 'closed'],
    ]);
    expect((hazards[2]!.evidencePhotoIds as string[]).length).toBe(1);
    expect(hazards[2]).toMatchObject({ closedBy: expect.stringMatching(/^user:/), closedAt: expect.any(String) });
    const tips = of('tip');
    expect(tips).toHaveLength(1);
    // never the tipster: not their contact, not the phone they typed
    expect(JSON.stringify(all)).not.toContain(year.neighbour.id);
    expect(JSON.stringify(all)).not.toContain('13912345678');
    expect(tips[0]).not.toHaveProperty('reporterContactId');
    const edits = of('edit');
    expect(edits.find((e) => e.action === 'edit_houses')).toMatchObject({ detail: { after: { landlordId: year.newLandlordId } } });
    expect(edits.map((e) => e.action).sort()).toEqual(['close_hazard', 'edit_houses', 'open_hazard', 'open_hazard', 'open_hazard']);
    // points the house's records earned: its commitment, eleven rounds approved on time, the returned one, the hazard closed in time
    expect(of('points').map((e) => e.reason).sort()).toEqual(
      ['commitment', 'hazard_closed', 'inspection_returned', ...Array(11).fill('inspection_on_time')].sort(),
    );
    expect(items).toHaveLength(1 + 1 + 12 + 12 + 3 + 1 + 5 + 14);
    // each entry is also a line in the caller's language
    expect(hazards[0]!.text).toContain('电动车在楼道充电');
    // the landlord now is the new one, the group and its head are named
    expect(all.landlord.id).toBe(year.newLandlordId);
    expect(all.group).toMatchObject({ id: group.id, name: '平山村第1网格联防1组' });
    expect(all.head).toMatchObject({ code: 'P00003' });
    // the plan: exactly the two hazards not closed, each with its measures and check, and the returned round
    expect(all.plan.hazards.map((h: { hazardId: string; step: string }) => [h.hazardId, h.step])).toEqual([
      [year.rectified.id, 'check'],
      [year.open.id, 'evidence'],
    ]);
    expect(all.plan.hazards[1]).toMatchObject({ measures: expect.stringContaining(`整改`), check: expect.stringContaining('销号') });
    expect(all.plan.round).toMatchObject({ period: '2026-11', submission: 'returned', returnReason: '灭火器照片看不清压力表' });
    expect(all.plan.roundText).toContain('退回');
    // the roster's landlord changed by staff; the registered WeChat holder, and so their commitment, stay
    expect(all.plan.committed).toBe(true);

    // paged: pages of 7 put together are the whole timeline, in the same order
    const paged = [];
    for (let offset = 0; offset < all.timeline.total; offset += 7) {
      const page = (await request(f.server).get(`/api/v1/houses/${house.id}/archive?limit=7&offset=${offset}`).set(auth(f.adminToken)).expect(200)).body;
      expect(page.timeline).toMatchObject({ total: all.timeline.total, limit: 7, offset });
      paged.push(...page.timeline.items);
    }
    expect(paged).toEqual(items);
  });

  it('lists what the current round still lacks, the same list the bot tells the landlord', async () => {
    f.deps.clock.set('2026-11-02T02:00:00Z');
    await registerHouse(f.deps, { group, wechatId: WX, name: '陈娜英', houseCode: 'P00001', said: { conversation: ROOM, at: f.deps.clock.now() } });
    tick();
    await proveRegistration(f.deps, { said: await said(), digits: (await f.store.landlords.get(house.landlordId))!.phone.slice(-4), group });
    await openRound(f.deps, { period: '2026-11', deadline: new Date('2026-11-20T15:00:00Z'), scope: 'street', by: 'user:test' });
    for (const item of ['smoke', 'exit'] as const) {
      tick();
      await nameItem(f.deps, { speaker: await speaker(), said: await said(), item });
      tick();
      const photo = await keepPhoto(f.deps, { bytes: uniqueJpeg(), contactId: null, messageId: null });
      await submitPhoto(f.deps, { speaker: await speaker(), photo, said: await said() });
    }
    const told = (await aboutMe(f.deps, await speaker())).houses[0]!;
    const plan = (await request(f.server).get(`/api/v1/houses/${house.id}/archive`).set(auth(f.adminToken)).expect(200)).body.plan;
    expect(plan.round.owed).toEqual(told.owed);
    expect(plan.round.owed).toEqual(['extinguisher', 'ebike', 'wiring']);
    expect(plan).toMatchObject({ committed: false, hazards: [] });
    expect(plan.roundText).toContain('灭火器');
  });

  it('is scoped by the policy: out of scope is the same 404 as missing; heads see the phone masked', async () => {
    const phone = (await f.store.landlords.get(house.landlordId))!.phone;
    const other = (await f.store.communities.findOne({ name: '西墅社区' }))!;
    const outsider = await f.userToken('staff', `community:${other.id}`);
    const missing = await request(f.server).get('/api/v1/houses/nope/archive').set(auth(outsider)).expect(404);
    const hidden = await request(f.server).get(`/api/v1/houses/${house.id}/archive`).set(auth(outsider)).expect(404);
    expect(hidden.body).toEqual(missing.body);
    const otherHead = await f.userToken('head', `group:${(await f.store.groups.findOne({ name: '平山村第2网格联防1组' }))!.id}`);
    await request(f.server).get(`/api/v1/houses/${house.id}/archive`).set(auth(otherHead)).expect(404);
    await request(f.server).get(`/api/v1/houses/${house.id}/archive.pdf`).set(auth(outsider)).expect(404);

    const head = await f.userToken('head', `group:${group.id}`);
    const seen = (await request(f.server).get(`/api/v1/houses/${house.id}/archive`).set(auth(head)).expect(200)).body;
    expect(seen.landlord.phone).not.toBe(phone);
    expect(seen.landlord.phone).toMatch(/\*/);
    expect(JSON.stringify(seen)).not.toContain(phone);
    const staff = await f.userToken('staff', `community:${group.communityId}`);
    expect((await request(f.server).get(`/api/v1/houses/${house.id}/archive`).set(auth(staff)).expect(200)).body.landlord.phone).toBe(phone);
    // reading it is audited, as the landlord list's phones are
    expect(await f.store.audit.count({ action: 'read_phones', target: `landlords:${house.landlordId}` })).toBe(1);

    for (const q of ['limit=0', 'limit=501', 'offset=-1', 'limit=abc', 'page=2']) {
      const r = await request(f.server).get(`/api/v1/houses/${house.id}/archive?${q}`).set(auth(f.adminToken));
      expect([q, r.status, r.body.error?.code]).toEqual([q, 400, 'validation']);
    }
  });
});
