import { afterQuietHours } from '../../domain/quiet-hours';
import { periodOf, ymdIn, zonedInstant } from '../../domain/period';
import { placedFilter, scopeCoversGroup } from '../../domain/scope';
import { seasonalCalendar } from '../../domain/seasonal';
import type { Group, Schedule } from '../../domain/types';
import type { Translate } from '../../i18n';
import { reminder, roundAnnouncement, type BotT, type Post } from '../../render/messages';
import { boundGroups } from '../groups/bound-groups';
import type { Deps } from '../deps';
import { noticeKey } from '../sending/notifier';
import { award } from '../points/points';
import { remindMissing } from '../inspection/remind-missing';
import { openRound } from '../inspection/open-round';
import { enqueue, PRIORITY } from '../sending/outbox';
import { resolveScope } from '../access/resolve-scope';
import { rankScope, type Ranked } from '../figures/ranking';
import { closeMonth } from '../figures/monthly-report';
import { monthDay } from '../../domain/date-format';


const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);


/**
 * Posts one message per group, keyed by schedule, run and room: a run repeated after a
 * crash, or fired by two processes at once, sends each message once. Quiet hours hold it.
 */
async function post(
  deps: Deps, s: Schedule, runAt: Date, groups: Group[], render: (t: BotT, lng: string, g: Group) => Promise<Post | null> | Post | null,
  keyOf: (g: Group) => string = (g) => `schedule:${s.name}:${runAt.toISOString()}:${g.roomId}`,
): Promise<number> {
  const notBefore = afterQuietHours(deps.clock.now(), s.timeZone);
  const entries = [];
  for (const g of groups) {
    const lng = g.locale ?? deps.locale;
    const p = await render((key, params) => deps.t(key.includes(':') ? key : `bot:${key}`, { lng, ...params }), lng, g);
    if (p) entries.push({ key: keyOf(g), roomId: g.roomId, account: g.botId ?? '*', text: p.text, mentions: p.mentions ?? [], priority: PRIORITY.bulk, notBefore });
  }
  await enqueue(deps, entries);
  return entries.length;
}

/**
 * Hazards due tomorrow: their landlord is @mentioned in the group. Hazards past their
 * deadline: the head is told in the group, and each staff member whose scope covers it by
 * private chat. Keyed by hazard (and person), so each notice is posted once however often this runs.
 */
async function hazardNotices(deps: Deps, s: Schedule, groups: Group[]): Promise<number> {
  const { store, clock } = deps;
  const now = clock.now();
  const tomorrow = ymdIn(new Date(now.getTime() + 86_400_000), s.timeZone);
  const live = await store.hazards.find({ status: { in: ['open', 'rectified'] }, deadline: { lt: new Date(now.getTime() + 2 * 86_400_000) } });
  const byId = new Map(groups.map((g) => [g.id, g]));
  const staff = (await store.users.find({ active: true, contactId: { ne: null } })).filter((u) => u.role === 'staff' || u.role === 'admin');
  const staffContacts = new Map((await store.contacts.find({ id: { in: staff.map((u) => u.contactId!) } })).map((c) => [c.id, c]));
  const notBefore = afterQuietHours(now, s.timeZone);
  const entries = [];
  for (const h of live) {
    const g = byId.get(h.groupId);
    if (!g?.roomId) continue;
    const lng = g.locale ?? deps.locale;
    const t = (key: string, params: Record<string, unknown>) => deps.t(`bot:${key}`, { lng, ...params });
    const deadline = monthDay(lng, s.timeZone, h.deadline);
    const params = { number: h.number, code: h.houseCode, deadline, group: g.name };
    const base = { roomId: g.roomId, account: g.botId ?? '*', priority: PRIORITY.bulk, notBefore };
    const house = await store.houses.get(h.houseId);
    if (h.deadline >= now && ymdIn(h.deadline, s.timeZone) === tomorrow) {
      const owner = house?.contactId ? await store.contacts.get(house.contactId) : null;
      entries.push({ ...base, key: `hazard:remind:${h.id}`, text: t('hazard.reminder', params), mentions: owner ? [owner.wechatId] : [] });
    } else if (h.deadline < now) {
      // the overdue deduction, once per hazard (the ledger's key), however often this runs
      if (house) await award(deps, { reason: 'hazard_overdue', refId: h.id, house });
      const head = g.headHouseId ? await store.houses.get(g.headHouseId) : null;
      const headContact = head?.contactId ? await store.contacts.get(head.contactId) : null;
      entries.push({ ...base, key: `hazard:overdue:${h.id}`, text: t('hazard.overdue_head', params), mentions: headContact ? [headContact.wechatId] : [] });
      for (const u of staff.filter((x) => scopeCoversGroup(x.scope, g))) {
        const c = staffContacts.get(u.contactId!);
        if (c) entries.push({ key: `hazard:overdue:${h.id}:user:${u.id}`, contactId: c.wechatId, account: g.botId ?? '*', priority: PRIORITY.bulk, notBefore, text: t('hazard.overdue_staff', { ...params, status: t(`hazard.status_${h.status}`, {}) }) });
      }
    }
  }
  await enqueue(deps, entries);
  return entries.length;
}

/** The weekly list: each linked staff member gets the overdue hazards of their scope, one private message, keyed by week. */
async function hazardWeekly(deps: Deps, s: Schedule, runAt: Date): Promise<number> {
  const { store, clock } = deps;
  const now = clock.now();
  const staff = (await store.users.find({ active: true, contactId: { ne: null } })).filter((u) => u.role === 'staff' || u.role === 'admin');
  const entries = [];
  for (const u of staff) {
    const contact = await store.contacts.get(u.contactId!);
    const placed = await resolveScope(store, u.scope).catch(() => null);
    if (!contact || !placed) continue;
    const overdue = await store.hazards.find({ ...placedFilter(placed), status: { in: ['open', 'rectified'] }, deadline: { lt: now } }, { sort: { deadline: 1 }, limit: 30 });
    if (overdue.length === 0) continue;
    const lng = contact.locale ?? deps.locale;
    const t = (key: string, params: Record<string, unknown>) => deps.t(`bot:${key}`, { lng, ...params });
    const day = (d: Date) => monthDay(lng, s.timeZone, d);
    const lines = overdue.map((h) => t('hazard.weekly_line', { number: h.number, code: h.houseCode, deadline: day(h.deadline), status: t(`hazard.status_${h.status}`, {}) }));
    entries.push({ key: `hazard:weekly:${u.id}:${ymdIn(runAt, s.timeZone)}`, contactId: contact.wechatId, priority: PRIORITY.bulk, notBefore: afterQuietHours(now, s.timeZone), text: [t('hazard.weekly_title', { count: overdue.length }), ...lines].join('\n') });
  }
  await enqueue(deps, entries);
  return entries.length;
}

/** Does what a schedule's run is for. Returns how many room posts it queued. */
export async function runSchedule(deps: Deps, s: Schedule, runAt: Date): Promise<number> {
  const { store, timeZone } = deps;
  const groups = await boundGroups(store, await resolveScope(store, s.scope));
  switch (s.action) {
    case 'close_month': {
      const period = periodOf(runAt, s.timeZone);
      await closeMonth(deps, { period, year: Number(period.slice(0, 4)) });
      return 0;
    }
    case 'close_rounds': {
      await store.rounds.updateWhere({ status: 'open', deadline: { lt: deps.clock.now() } }, { status: 'closed' });
      return 0;
    }
    case 'monthly_tip': {
      const month = Number(periodOf(runAt, s.timeZone).slice(5));
      return post(deps, s, runAt, groups, (t) => ({ text: t(`templates:tips.${month}`) }));
    }
    case 'seasonal_notice': {
      const today = ymdIn(runAt, s.timeZone);
      const notices = seasonalCalendar(Number(today.slice(0, 4))).filter((n) => n.date === today);
      if (notices.length === 0) return 0;
      return post(deps, s, runAt, groups, (t) => ({ text: notices.map((n) => t(`templates:seasonal.${n.notice}`)).join('\n\n') }));
    }
    case 'open_round': {
      const period = periodOf(runAt, s.timeZone);
      const day = String(s.params.deadlineDay ?? 20).padStart(2, '0');
      const deadline = zonedInstant(`${period}-${day}`, '23:59:59', s.timeZone);
      let round = await store.rounds.findOne({ period, scope: s.scope });
      if (!round) {
        try {
          round = (await openRound(deps, { period, deadline, scope: s.scope, by: `schedule:${s.name}` })).round;
        } catch (e) {
          if ((e as { code?: string }).code !== 'conflict') throw e;
          round = await store.rounds.findOne({ period, scope: s.scope }); // another process opened it
        }
      }
      const r = round!;
      // keyed by the round it announces: the same round announced over the API is not posted again
      return post(deps, s, runAt, groups, async (t, lng, g) => roundAnnouncement(t, lng, timeZone, r, await store.houses.count({ groupId: g.id, isKey: true })), (g) => noticeKey.announce(r.id, g.roomId!));
    }
    case 'deadline_reminder': {
      const before = new Set(([] as number[]).concat(s.params.daysBefore as number[] | number ?? [3, 1]));
      const today = ymdIn(runAt, s.timeZone);
      const rounds = (await store.rounds.find({ status: 'open' })).filter((r) => before.has(daysBetween(today, ymdIn(r.deadline, s.timeZone))));
      if (rounds.length === 0) return 0;
      return post(deps, s, runAt, groups.filter((g) => rounds.some((r) => scopeCoversGroup(r.scope, g))), async (t, _lng, g) => reminder(t, await remindMissing(deps, g)));
    }
    case 'hazard_notices':
      return hazardNotices(deps, s, groups);
    case 'hazard_weekly':
      return hazardWeekly(deps, s, runAt);
    case 'daily_ranking': {
      const open = await store.rounds.find({ status: 'open' });
      const ranked = groups.filter((g) => open.some((r) => scopeCoversGroup(r.scope, g)));
      if (ranked.length === 0) return 0;
      const period = periodOf(runAt, s.timeZone);
      // each grid's groups, ranked by the same aggregation as GET /stats/ranking
      const byGrid = new Map<string, Ranked[]>();
      for (const gridId of new Set(ranked.map((x) => x.gridId))) byGrid.set(gridId, await rankScope(deps, { where: { gridId }, by: 'group', period }));
      return post(deps, s, runAt, ranked, (t, _lng, g) => {
        const rows = byGrid.get(g.gridId) ?? [];
        return { text: [t('ranking.title', { date: ymdIn(runAt, s.timeZone) }), ...rows.map((r) => `${r.rank}. ${t('ranking.line', { group: r.name, committed: r.committed, approved: r.approved, total: r.houses })}`)].join('\n') };
      });
    }
  }
}
