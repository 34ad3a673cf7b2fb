/**
 * Issue 28's reach watch on a real SQLite store: staff are told once per trouble and once on
 * recovery (across a restart: what was told is read from the outbox); personal notices go by
 * SMS only past the grace period, one per reachable landlord (an opted-out one gets none, the
 * per-number daily limit holds); landlords reachable by SMS only get theirs whatever the account does.
 */
import { createReachRecorder } from '../../src/services/reach/recorder';
import { CHANNEL } from '../../src/services/reach/channels';
import { watchReach } from '../../src/services/reach/watch';
import { enqueue } from '../../src/services/sending/outbox';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import type { Store } from '../../src/storage/store';
import { depsFor, tempDir } from '../support/fixtures';

let store: Store;
let tmp: ReturnType<typeof tempDir>;
let deps: ReturnType<typeof depsFor>;
const sms = { templates: { deadline: 'T1', hazard_due: 'T2' }, dailyLimitPerNumber: 2 };
beforeEach(() => { tmp = tempDir(); store = createSqliteStore({ dataDir: tmp.dir }); deps = depsFor(store, '2026-11-15T02:00:00Z'); });
afterEach(async () => { await store.close(); tmp.cleanup(); });

async function street() {
  const c = await store.communities.insert({ name: '社区' });
  const g = await store.grids.insert({ communityId: c.id, name: '网格' });
  const group = await store.groups.insert({ communityId: c.id, gridId: g.id, name: '联防1组', headHouseId: null, roomId: 'room@chatroom', locale: null, botId: 'bot' });
  const landlords = [];
  for (const [i, pref] of [[1, null], [2, 'never'], [3, 'only']] as const) {
    const l = await store.landlords.insert({ name: `房东${i}`, phone: `1700000000${i}`, sms: pref });
    const contact = pref === 'only' ? null : await store.contacts.insert({ wechatId: `wx-${i}`, name: `房东${i}`, landlordId: l.id, userId: null, locale: null });
    const house = await store.houses.insert({ communityId: c.id, gridId: g.id, groupId: group.id, code: `H00${i}`, address: `路${i}号`, landlordId: l.id, contactId: contact?.id ?? null, pendingContactId: null, tenants: 3, rooms: 2, isKey: false });
    landlords.push({ l, house });
  }
  return { c, g, group, landlords };
}
const staffKinds = async () => (await store.outbox.find({ account: CHANNEL.staff }, { sort: { createdAt: 1 } })).map((e) => e.key.split(':').at(-2));
const smsTo = async () => (await store.outbox.find({ account: CHANNEL.sms })).map((e) => e.contactId).sort();

describe('the reach watch (issue 28)', () => {
  it('tells staff once per trouble and once on recovery, also across a restart', async () => {
    const o = { staffAlarms: true, fallbackAfterMs: 60 * 60_000 };
    deps.reach.loggedIn('bot', '安心房东', deps.clock.now());
    expect((await watchReach(deps, o)).alarm).toBeNull();
    deps.reach.loggedOut(deps.clock.now());
    for (let i = 0; i < 3; i += 1) await watchReach(deps, o);
    expect(await staffKinds()).toEqual(['logged_out']);
    // a restart: a new live record that hears the login; the recovery is told, once
    deps.reach = createReachRecorder(deps.clock.now());
    deps.clock.advance(1000);
    deps.reach.loggedIn('bot', '安心房东', deps.clock.now());
    for (let i = 0; i < 3; i += 1) await watchReach(deps, o);
    deps.clock.advance(1000);
    deps.reach.limited(deps.clock.now(), new Date(deps.clock.now().getTime() + 600_000));
    await watchReach(deps, o);
    await watchReach(deps, o);
    expect(await staffKinds()).toEqual(['logged_out', 'ok', 'limited']);
    const texts = (await store.outbox.find({ account: CHANNEL.staff }, { sort: { createdAt: 1 } })).map((e) => e.text);
    expect(texts[0]).toContain('掉线');
    expect(texts[2]).toContain('频繁');
  });

  it('tells the recovery of an outage told before the account was known (a start waiting for a scan)', async () => {
    const o = { staffAlarms: true, fallbackAfterMs: 0 };
    await watchReach(deps, o); // never logged in yet
    deps.clock.advance(1000);
    deps.reach.loggedIn('bot', '安心房东', deps.clock.now());
    await watchReach(deps, o);
    await watchReach(deps, o);
    expect((await store.outbox.find({ account: CHANNEL.staff }, { sort: { createdAt: 1 } })).map((e) => e.key.split(':').slice(1, 3).join(':'))).toEqual(['*:logged_out', '*:ok']);
  });

  it('sends personal notices by SMS only past the grace period, one per reachable landlord, never to one opted out', async () => {
    const { group } = await street();
    await enqueue(deps, [{ key: `remind:r1:${group.id}:2026-11-15`, roomId: 'room@chatroom', account: 'bot', text: '请完成自查', mentions: ['wx-1', 'wx-2'] }]);
    const o = { staffAlarms: false, sms, fallbackAfterMs: 30 * 60_000 };
    deps.reach.loggedIn('bot', null, deps.clock.now());
    deps.reach.loggedOut(deps.clock.now());
    await watchReach(deps, o);
    const only = (await store.landlords.findOne({ sms: 'only' } as never))!;
    expect(await smsTo()).toEqual([only.id]); // the SMS-only landlord's, at once; the others wait for the grace period
    deps.clock.advance(30 * 60_000);
    await watchReach(deps, o);
    await watchReach(deps, o);
    const first = (await store.landlords.findOne({ phone: '17000000001' }))!;
    expect(await smsTo()).toEqual([first.id, only.id].sort());
    expect(await store.outbox.findOne({ key: { gte: 'remind:', lt: 'remind;' } })).toMatchObject({ status: 'rerouted' });
  });

  it("an overdue hazard's SMS goes to the hazard's landlord, not to the head its room post @mentions", async () => {
    const { c, g, group, landlords } = await street();
    const headLandlord = await store.landlords.insert({ name: '户长', phone: '17000000004', sms: null });
    const headContact = await store.contacts.insert({ wechatId: 'wx-4', name: '户长', landlordId: headLandlord.id, userId: null, locale: null });
    const head = await store.houses.insert({ communityId: c.id, gridId: g.id, groupId: group.id, code: 'H004', address: '路4号', landlordId: headLandlord.id, contactId: headContact.id, pendingContactId: null, tenants: 3, rooms: 2, isKey: false });
    await store.groups.update(group.id, { headHouseId: head.id });
    const house = landlords[0]!.house;
    const hazard = await store.hazards.insert({ communityId: c.id, gridId: g.id, groupId: group.id, number: 1, houseId: house.id, houseCode: house.code, description: '楼道堆物', deadline: new Date('2026-11-14T00:00:00Z'), status: 'open', openedBy: 'user:x', evidencePhotoIds: [], sitePhotos: null, rectifiedAt: null, closedAt: null, closedBy: null });
    // as hazard-notices makes it: the room post tells the head (@mentions the head), about house H001
    await enqueue(deps, [{ key: `hazard:overdue:${hazard.id}`, roomId: 'room@chatroom', account: 'bot', text: '隐患 #1 已超期', mentions: ['wx-4'] }]);
    const o = { staffAlarms: false, sms: { ...sms, templates: { hazard_overdue: 'T3', returned: 'T4' } }, fallbackAfterMs: 0 };
    deps.reach.loggedIn('bot', null, deps.clock.now());
    deps.reach.loggedOut(deps.clock.now());
    await watchReach(deps, o);
    const sent = await store.outbox.find({ account: CHANNEL.sms });
    expect(sent.map((e) => [e.contactId, JSON.parse(e.text)])).toEqual([[landlords[0]!.l.id, { kind: 'hazard_overdue', params: { houses: 'H001' } }]]);
    expect(await store.outbox.findOne({ key: `hazard:overdue:${hazard.id}` })).toMatchObject({ status: 'rerouted' });
  });

  it('holds the per-number daily limit, and leaves a notice with nobody reachable by SMS for the room', async () => {
    const { group } = await street();
    const o = { staffAlarms: false, sms, fallbackAfterMs: 0 };
    deps.reach.loggedIn('bot', null, deps.clock.now());
    deps.reach.loggedOut(deps.clock.now());
    for (let d = 0; d < 3; d += 1) await enqueue(deps, [{ key: `remind:r1:${group.id}:day${d}`, roomId: 'room@chatroom', account: 'bot', text: '请完成自查', mentions: ['wx-1'] }]);
    await watchReach(deps, o);
    const first = (await store.landlords.findOne({ phone: '17000000001' }))!;
    expect((await store.outbox.find({ account: CHANNEL.sms, contactId: first.id })).length).toBe(2);
    expect(await store.outbox.count({ key: { gte: 'remind:', lt: 'remind;' }, status: 'pending' })).toBe(1);
    await enqueue(deps, [{ key: `remind:r1:${group.id}:x`, roomId: 'room@chatroom', account: 'bot', text: '请完成自查', mentions: ['wx-2'] }]);
    await watchReach(deps, o);
    expect(await store.outbox.findOne({ key: `remind:r1:${group.id}:x` })).toMatchObject({ status: 'pending' });
  });
});
