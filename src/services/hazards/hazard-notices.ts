import { ymdIn } from '../../domain/period';
import { placedFilter, scopeCoversGroup } from '../../domain/scope';
import type { Group, Hazard } from '../../domain/types';
import { linkedStaff } from '../access/linked-staff';
import { resolveScope } from '../access/resolve-scope';
import type { Deps } from '../deps';
import { award } from '../points/points';
import { ownerMentions } from '../sending/house-audience';
import { noticeKey, type NoticeData } from '../sending/notifier';

const DAY_MS = 86_400_000;
const LIVE: { in: Hazard['status'][] } = { in: ['open', 'rectified'] };

const statusSay = (h: Hazard) => ({ key: `hazard.status_${h.status}` });

/**
 * The hazards of these groups that are due tomorrow (their landlord is @mentioned in the
 * group) or past their deadline (the head is told in the group, and each linked staff
 * member whose scope covers it privately; the overdue deduction is made, once per hazard).
 * Keyed by hazard (and person), so each notice is posted once however often this runs.
 */
export async function dueHazardNotices(deps: Deps, groups: readonly Group[], timeZone: string): Promise<NoticeData[]> {
  const { store, clock } = deps;
  const now = clock.now();
  const tomorrow = ymdIn(new Date(now.getTime() + DAY_MS), timeZone);
  const live = await store.hazards.find({ status: LIVE, deadline: { lt: new Date(now.getTime() + 2 * DAY_MS) } });
  const byId = new Map(groups.map((g) => [g.id, g]));
  const staff = await linkedStaff(deps);
  const notices: NoticeData[] = [];
  for (const h of live) {
    const g = byId.get(h.groupId);
    if (!g?.roomId) continue;
    const params = { number: h.number, code: h.houseCode, deadline: h.deadline, group: g.name };
    const room = { roomId: g.roomId, account: g.botId ?? '*', lng: g.locale };
    const house = await store.houses.get(h.houseId);
    if (h.deadline >= now && ymdIn(h.deadline, timeZone) === tomorrow) {
      notices.push({
        ...room,
        key: noticeKey.hazardDue(h.id),
        mentions: await ownerMentions(deps, house),
        say: { key: 'hazard.reminder', params },
      });
    } else if (h.deadline < now) {
      if (house) await award(deps, { reason: 'hazard_overdue', refId: h.id, house });
      const head = g.headHouseId ? await store.houses.get(g.headHouseId) : null;
      notices.push({
        ...room,
        key: noticeKey.hazardOverdue(h.id),
        mentions: await ownerMentions(deps, head),
        say: { key: 'hazard.overdue_head', params },
      });
      for (const s of staff.filter((x) => scopeCoversGroup(x.user.scope, g))) {
        notices.push({
          key: noticeKey.hazardOverdue(h.id, s.user.id),
          contactId: s.wechatId,
          account: g.botId ?? '*',
          mentions: [],
          lng: g.locale,
          say: { key: 'hazard.overdue_staff', params: { ...params, status: statusSay(h) } },
        });
      }
    }
  }
  return notices;
}

/** The weekly list: each linked staff member gets the overdue hazards of their scope in one private message, keyed by week. */
export async function weeklyHazardLists(deps: Deps, runAt: Date, timeZone: string): Promise<NoticeData[]> {
  const { store, clock } = deps;
  const now = clock.now();
  const notices: NoticeData[] = [];
  for (const s of await linkedStaff(deps)) {
    const placed = await resolveScope(store, s.user.scope).catch(() => null);
    if (!placed) continue;
    const overdue = await store.hazards.find(
      { ...placedFilter(placed), status: LIVE, deadline: { lt: now } },
      { sort: { deadline: 1 }, limit: 30 },
    );
    if (overdue.length === 0) continue;
    const lines = overdue.map((h) => ({
      key: 'hazard.weekly_line',
      params: { number: h.number, code: h.houseCode, deadline: h.deadline, status: statusSay(h) },
    }));
    notices.push({
      key: `hazard:weekly:${s.user.id}:${ymdIn(runAt, timeZone)}`,
      contactId: s.wechatId,
      mentions: [],
      lng: s.lng,
      say: [{ key: 'hazard.weekly_title', params: { count: overdue.length } }, ...lines],
    });
  }
  return notices;
}
