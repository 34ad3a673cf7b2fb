/**
 * Issue 28: which personal notices may go by SMS is read from their outbox keys. The key forms
 * and the kinds are declared together (`noticeKey` and `SMS_NOTICE_KEYS` in notifier.ts); this
 * checks the keys each producer really makes are read as the kind they are, and that no other
 * post (a staff member's private overdue list, an announcement, a letter, a broadcast) is.
 */
import { DEFAULT_SCHEDULE } from '../../src/domain/default-schedule';
import { dueHazardNotices } from '../../src/services/hazards/hazard-notices';
import { smsKindOf } from '../../src/services/reach/watch';
import { noticeKey } from '../../src/services/sending/notifier';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import type { Store } from '../../src/storage/store';
import { depsFor, tempDir } from '../support/fixtures';

let store: Store;
let tmp: ReturnType<typeof tempDir>;
let deps: ReturnType<typeof depsFor>;
beforeEach(() => { tmp = tempDir(); store = createSqliteStore({ dataDir: tmp.dir }); deps = depsFor(store, '2026-11-15T02:00:00Z'); });
afterEach(async () => { await store.close(); tmp.cleanup(); });

it("reads each producer's keys as the notice they are, and nothing else as a personal notice", async () => {
  const c = await store.communities.insert({ name: '社区' });
  const g = await store.grids.insert({ communityId: c.id, name: '网格' });
  const group = await store.groups.insert({ communityId: c.id, gridId: g.id, name: '联防1组', headHouseId: null, roomId: 'room@chatroom', locale: null, botId: 'bot' });
  const l = await store.landlords.insert({ name: '房东', phone: '17000000001', sms: null });
  const house = await store.houses.insert({ communityId: c.id, gridId: g.id, groupId: group.id, code: 'H001', address: '路1号', landlordId: l.id, contactId: null, pendingContactId: null, tenants: 3, rooms: 2, isKey: false });
  const hazard = (deadline: string, number: number) =>
    store.hazards.insert({ communityId: c.id, gridId: g.id, groupId: group.id, number, houseId: house.id, houseCode: house.code, description: '楼道堆物', deadline: new Date(deadline), status: 'open', openedBy: 'user:x', evidencePhotoIds: [], sitePhotos: null, rectifiedAt: null, closedAt: null, closedBy: null });
  const due = await hazard('2026-11-16T08:00:00Z', 1);
  const late = await hazard('2026-11-10T08:00:00Z', 2);
  const notices = await dueHazardNotices(deps, [group], 'Asia/Shanghai');
  const kinds = Object.fromEntries(await Promise.all(notices.filter((n) => n.roomId).map(async (n) => [n.key, await smsKindOf(deps, n.key)])));
  expect(kinds).toEqual({ [noticeKey.hazardDue(due.id)]: 'hazard_due', [noticeKey.hazardOverdue(late.id)]: 'hazard_overdue' });
  expect(await smsKindOf(deps, noticeKey.hazardOverdue(late.id, 'u1'))).toBeNull();

  expect(await smsKindOf(deps, noticeKey.remind('round-1', group.id, '2026-11-15'))).toBe('deadline');
  const reviewedAt = new Date();
  expect(await smsKindOf(deps, noticeKey.review({ id: 's1', status: 'returned', reviewedAt }))).toBe('returned');
  expect(await smsKindOf(deps, noticeKey.review({ id: 's1', status: 'approved', reviewedAt }))).toBeNull();
  for (const s of DEFAULT_SCHEDULE) await store.schedules.insert({ ...s, params: { ...s.params }, timeZone: 'Asia/Shanghai', enabled: true, lastRunAt: null, nextRunAt: new Date() });
  const reminder = DEFAULT_SCHEDULE.find((s) => s.action === 'deadline_reminder')!;
  const other = DEFAULT_SCHEDULE.find((s) => s.action !== 'deadline_reminder')!;
  expect(await smsKindOf(deps, `schedule:${reminder.name}:2026-11-15T02:00:00.000Z:room@chatroom`)).toBe('deadline');
  expect(await smsKindOf(deps, `schedule:${other.name}:2026-11-15T02:00:00.000Z:room@chatroom`)).toBeNull();
  for (const key of [noticeKey.announce('r', 'room'), noticeKey.letter(1, 'room'), 'broadcast:b1:room@chatroom', 'reply:m1:room'])
    expect([key, await smsKindOf(deps, key)]).toEqual([key, null]);
});
