import { createI18n } from '../../src/i18n';
import { ensureDefaultSchedules, runDueSchedules } from '../../src/scheduler/schedule-runner';
import { ensureDefaults } from '../../src/services/setup/ensure-defaults';
import { importRoster } from '../../src/services/roster/import-roster';
import { parseRosterFile } from '../../src/services/roster/parse-roster-file';
import type { Deps } from '../../src/services/deps';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import type { Store } from '../../src/storage/store';
import { depsFor, sampleRosterBytes, tempDir } from '../support/fixtures';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let deps: Deps & { clock: ReturnType<typeof depsFor>['clock'] };
let groupId: string;

async function setup(now: string) {
  tmp = tempDir();
  store = createSqliteStore({ dataDir: tmp.dir });
  const base = depsFor(store, now);
  const i18n = await createI18n('zh-CN');
  deps = { ...base, t: i18n.t.bind(i18n), locale: 'zh-CN' };
  await ensureDefaults(deps);
  await importRoster(deps, await parseRosterFile(sampleRosterBytes()), { actor: 'test' });
  groupId = (await store.groups.findOne({ name: '平山村第1网格联防1组' }))!.id;
  await store.groups.update(groupId, { roomId: 'room-1@chatroom', botId: 'bot' });
  const other = (await store.groups.findOne({ name: '平山村第2网格联防1组' }))!;
  await store.groups.update(other.id, { roomId: 'room-2@chatroom', botId: 'bot' });
  await ensureDefaultSchedules(deps);
}
afterEach(async () => { await store.close(); tmp.cleanup(); });

const posts = (roomId?: string) => store.outbox.find(roomId ? { roomId } : {}, { sort: { id: 1 } });

describe('the default schedule, with a moved clock (Asia/Shanghai)', () => {
  it('opens the monthly round on the 1st at 09:00 and announces it; the tip follows at 10:00', async () => {
    await setup('2026-11-22T04:00:00Z');
    deps.clock.set('2026-12-01T00:59:00Z'); // 08:59: the daily schedules' missed runs happen (once), not the round
    expect((await runDueSchedules(deps)).map((r) => r.name)).not.toContain('monthly-round');
    expect(await store.rounds.count({})).toBe(0);
    deps.clock.set('2026-12-01T01:00:00Z'); // 09:00
    const ran = await runDueSchedules(deps);
    expect(ran.map((r) => r.name).filter((n) => n !== 'hazard-notices')).toEqual(['monthly-round']);
    expect(await store.rounds.findOne({ period: '2026-12' })).toMatchObject({ scope: 'street', status: 'open', deadline: new Date('2026-12-20T15:59:59Z') });
    expect((await posts()).map((p) => p.text.split('\n')[0])).toEqual(['🔥 2026-12 月度消防自查开始，请于 12/20 前完成。', '🔥 2026-12 月度消防自查开始，请于 12/20 前完成。']);
    deps.clock.set('2026-12-01T02:00:00Z'); // 10:00
    const later = await runDueSchedules(deps);
    expect(later.map((r) => r.name).sort()).toEqual(['deadline-reminders', 'monthly-tip', 'seasonal-notices']);
    expect((await posts('room-1@chatroom')).some((p) => p.text.startsWith('【12月消防提示】'))).toBe(true);
  });

  it('reminds 3 days and 1 day before the deadline, @mentioning exactly the landlords still missing', async () => {
    await setup('2026-12-01T01:30:00Z');
    await store.rounds.insert({ period: '2026-12', deadline: new Date('2026-12-20T15:59:59Z'), scope: 'street', status: 'open', openedAt: deps.clock.now() });
    const houses = await store.houses.find({ groupId }, { sort: { code: 1 } });
    // three landlords registered; one of them has finished everything
    for (const [i, h] of houses.slice(0, 3).entries()) {
      const c = await store.contacts.insert({ wechatId: `wx-${i}`, name: `房东${i}`, landlordId: h.landlordId, userId: null, locale: null });
      await store.houses.update(h.id, { contactId: c.id });
    }
    const done = houses[0]!;
    await store.commitments.insert({ communityId: done.communityId, gridId: done.gridId, groupId, houseId: done.id, houseCode: done.code, letterVersion: 1, landlordId: done.landlordId, contactId: null, messageId: null, at: deps.clock.now() });
    const round = (await store.rounds.findOne({ period: '2026-12' }))!;
    await store.submissions.insert({ communityId: done.communityId, gridId: done.gridId, groupId, roundId: round.id, period: '2026-12', houseId: done.id, houseCode: done.code, status: 'approved', items: {}, returnReason: null, reviewedBy: null, reviewedAt: null });

    const remindersOn = async (iso: string) => {
      deps.clock.set(iso);
      await runDueSchedules(deps);
      return (await posts('room-1@chatroom')).filter((p) => p.key.startsWith('schedule:deadline-reminders') && p.key.includes(iso.slice(0, 10)));
    };
    expect(await remindersOn('2026-12-16T02:00:00Z')).toHaveLength(0); // 4 days before
    const threeDays = await remindersOn('2026-12-17T02:00:00Z');
    expect(threeDays).toHaveLength(1);
    expect(threeDays[0]!.mentions.sort()).toEqual(['wx-1', 'wx-2']);
    expect(threeDays[0]!.text).toContain('尚未登记');
    expect(await remindersOn('2026-12-18T02:00:00Z')).toHaveLength(0);
    expect(await remindersOn('2026-12-19T02:00:00Z')).toHaveLength(1);
  });

  it('closes a round once its deadline has passed', async () => {
    await setup('2026-12-01T01:30:00Z');
    await store.rounds.insert({ period: '2026-12', deadline: new Date('2026-12-20T15:59:59Z'), scope: 'street', status: 'open', openedAt: deps.clock.now() });
    deps.clock.set('2026-12-20T15:00:00Z'); // 23:00 on the 20th: the missed daily runs happen, the round stays open
    await runDueSchedules(deps);
    expect((await store.rounds.findOne({ period: '2026-12' }))!.status).toBe('open');
    deps.clock.set('2026-12-20T16:05:00Z'); // 00:05 on the 21st
    await runDueSchedules(deps);
    expect((await store.rounds.findOne({ period: '2026-12' }))!.status).toBe('closed');
  });

  it('holds a post due at 22:00 until 08:00', async () => {
    await setup('2026-11-22T04:00:00Z');
    await store.schedules.insert({ name: 'late-tip', cron: '0 22 * * *', timeZone: 'Asia/Shanghai', action: 'monthly_tip', scope: 'street', params: {}, enabled: true, lastRunAt: null, nextRunAt: new Date('2026-11-22T14:00:00Z') });
    deps.clock.set('2026-11-22T14:00:00Z'); // 22:00
    await runDueSchedules(deps);
    const late = (await posts()).filter((p) => p.key.startsWith('schedule:late-tip'));
    expect(late).toHaveLength(2);
    expect(late.every((p) => p.notBefore.toISOString() === '2026-11-23T00:00:00.000Z')).toBe(true);
  });

  it('sends the Spring Festival notice on the right day in 2027 and 2028', async () => {
    await setup('2027-01-30T04:00:00Z');
    const notices = async () => (await posts('room-1@chatroom')).filter((p) => p.text.startsWith('🧨 春节将至'));
    for (const [day, expected] of [['2027-02-01', 0], ['2027-02-02', 1], ['2027-02-03', 1], ['2028-01-21', 1], ['2028-01-22', 2]] as const) {
      deps.clock.set(`${day}T02:00:00Z`); // 10:00 there
      await runDueSchedules(deps);
      expect([day, (await notices()).length]).toEqual([day, expected]);
    }
  });

  /** grid 1 gets a second group (P00006–P00010, in room-3): its groups have something to rank; grid 2 has one group */
  async function splitGrid1() {
    const first = (await store.groups.get(groupId))!;
    const second = await store.groups.insert({ communityId: first.communityId, gridId: first.gridId, name: '平山村第1网格联防2组', headHouseId: null, roomId: 'room-3@chatroom', locale: null, botId: 'bot' });
    for (const code of ['P00006', 'P00007', 'P00008', 'P00009', 'P00010']) {
      const h = (await store.houses.findOne({ code }))!;
      await store.houses.update(h.id, { groupId: second.id });
    }
  }
  const rankings = async () => (await posts()).filter((p) => p.key.startsWith('schedule:daily-ranking')).map((p) => p.roomId).sort();

  it('posts the ranking where there is something to rank, and only on evenings something moved (issue 25: a quiet group)', async () => {
    await setup('2026-12-01T11:30:00Z');
    await splitGrid1();
    await store.rounds.insert({ period: '2026-12', deadline: new Date('2026-12-20T15:59:59Z'), scope: 'street', status: 'open', openedAt: deps.clock.now() });
    deps.clock.set('2026-12-01T12:00:00Z'); // 20:00
    await runDueSchedules(deps);
    // grid 1's two groups are ranked; grid 2's one group is not (a ranking of one says nothing)
    expect(await rankings()).toEqual(['room-1@chatroom', 'room-3@chatroom']);
    deps.clock.set('2026-12-02T12:00:00Z'); // nothing moved
    await runDueSchedules(deps);
    expect(await rankings()).toHaveLength(2);
    const h = (await store.houses.findOne({ code: 'P00007' }))!;
    await store.commitments.insert({ communityId: h.communityId, gridId: h.gridId, groupId: h.groupId, houseId: h.id, houseCode: h.code, letterVersion: 1, landlordId: h.landlordId, contactId: null, messageId: null, at: deps.clock.now() });
    deps.clock.set('2026-12-03T12:00:00Z'); // a commitment moved the standings: both of grid 1's rooms hear it
    await runDueSchedules(deps);
    expect(await rankings()).toEqual(['room-1@chatroom', 'room-1@chatroom', 'room-3@chatroom', 'room-3@chatroom']);
    expect((await posts('room-3@chatroom')).at(-1)!.text).toMatch(/📊 2026-12-03[\s\S]*1\. 平山村第1网格联防2组 · 承诺 1\/5/);
  });

  it('says "all done" once: a later reminder day with nobody missing posts nothing', async () => {
    await setup('2026-12-01T01:30:00Z');
    await store.rounds.insert({ period: '2026-12', deadline: new Date('2026-12-20T15:59:59Z'), scope: 'street', status: 'open', openedAt: deps.clock.now() });
    const round = (await store.rounds.findOne({ period: '2026-12' }))!;
    for (const h of await store.houses.find({ groupId })) {
      const c = await store.contacts.insert({ wechatId: `wx-${h.code}`, name: h.code, landlordId: h.landlordId, userId: null, locale: null });
      await store.houses.update(h.id, { contactId: c.id });
      await store.commitments.insert({ communityId: h.communityId, gridId: h.gridId, groupId, houseId: h.id, houseCode: h.code, letterVersion: 1, landlordId: h.landlordId, contactId: c.id, messageId: null, at: deps.clock.now() });
      await store.submissions.insert({ communityId: h.communityId, gridId: h.gridId, groupId, roundId: round.id, period: '2026-12', houseId: h.id, houseCode: h.code, status: 'approved', items: {}, returnReason: null, reviewedBy: null, reviewedAt: null });
    }
    const done = async (iso: string) => {
      deps.clock.set(iso);
      await runDueSchedules(deps);
      return (await posts('room-1@chatroom')).filter((p) => p.key.startsWith('schedule:deadline-reminders')).map((p) => p.text);
    };
    expect(await done('2026-12-17T02:00:00Z')).toEqual(['🎉 本组全部完成，谢谢大家！']);
    expect(await done('2026-12-19T02:00:00Z')).toEqual(['🎉 本组全部完成，谢谢大家！']);
  });

  it('does a run missed while the process was down once', async () => {
    await setup('2026-12-01T13:00:00Z');
    await splitGrid1();
    await store.rounds.insert({ period: '2026-12', deadline: new Date('2026-12-20T15:59:59Z'), scope: 'street', status: 'open', openedAt: deps.clock.now() });
    deps.clock.set('2026-12-04T13:30:00Z'); // back after three evenings
    const ran = await runDueSchedules(deps);
    expect(ran.filter((r) => r.name === 'daily-ranking')).toEqual([{ name: 'daily-ranking', runAt: new Date('2026-12-04T12:00:00Z'), posts: 2 }]);
    expect(await rankings()).toHaveLength(2);
    expect((await posts('room-1@chatroom')).find((p) => p.key.startsWith('schedule:daily-ranking'))!.text).toContain('📊 2026-12-04');
    expect(await runDueSchedules(deps)).toEqual([]);
  });

  it('fires once when two processes share the store', async () => {
    await setup('2026-11-22T04:00:00Z');
    const second = createSqliteStore({ dataDir: tmp.dir });
    try {
      deps.clock.set('2026-12-01T01:00:00Z');
      const [a, b] = await Promise.all([runDueSchedules(deps), runDueSchedules({ ...deps, store: second })]);
      expect([...a, ...b].filter((r) => r.name === 'monthly-round')).toHaveLength(1);
      expect(await store.rounds.count({ period: '2026-12' })).toBe(1);
      expect((await posts()).filter((p) => p.key.startsWith('announce:'))).toHaveLength(2);
    } finally {
      await second.close();
    }
  });
});
