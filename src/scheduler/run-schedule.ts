import { insertOrNull } from '../domain/errors';
import { afterQuietHours } from '../domain/quiet-hours';
import { periodOf, ymdIn, zonedInstant } from '../domain/period';
import { scopeCoversGroup } from '../domain/scope';
import { seasonalCalendar } from '../domain/seasonal';
import type { Group, Schedule } from '../domain/types';
import { reminder, roundAnnouncement, type BotT, type Post } from '../render/messages';
import { boundGroups } from '../services/groups/bound-groups';
import type { Deps } from '../services/deps';
import { noticeKey, type NoticeData } from '../services/sending/notifier';
import { dueHazardNotices, weeklyHazardLists } from '../services/hazards/hazard-notices';
import { groupT, sayIn } from '../render/notices';
import { remindMissing } from '../services/inspection/remind-missing';
import { openRound } from '../services/inspection/open-round';
import { enqueue, PRIORITY } from '../services/sending/outbox';
import { resolveScope } from '../services/access/resolve-scope';
import { rankScope, type Ranked } from '../services/figures/ranking';
import { closeMonth } from '../services/figures/monthly-report';

const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

/**
 * Posts one message per group, keyed by schedule, run and room: a run repeated after a
 * crash, or fired by two processes at once, sends each message once. Quiet hours hold it.
 */
async function post(
  deps: Deps,
  s: Schedule,
  runAt: Date,
  groups: Group[],
  render: (t: BotT, lng: string, g: Group) => Promise<Post | null> | Post | null,
  keyOf: (g: Group) => string = (g) => `schedule:${s.name}:${runAt.toISOString()}:${g.roomId}`,
  repeats?: (p: Post, last: string) => boolean,
): Promise<number> {
  const notBefore = afterQuietHours(deps.clock.now(), s.timeZone);
  const entries = [];
  for (const g of groups) {
    const p = await render(groupT(deps, g), g.locale ?? deps.locale, g);
    if (p && repeats) {
      // a quiet group (issue 25): what this schedule last put in this room, said again, is not news
      const last = await deps.store.outbox.findOne(
        { roomId: g.roomId, key: { gte: `schedule:${s.name}:`, lt: `schedule:${s.name};`, ne: keyOf(g) } },
        { createdAt: -1 },
      );
      if (last && repeats(p, last.text)) continue;
    }
    if (p)
      entries.push({
        key: keyOf(g),
        roomId: g.roomId,
        account: g.botId ?? '*',
        text: p.text,
        mentions: p.mentions ?? [],
        priority: PRIORITY.bulk,
        notBefore,
      });
  }
  await enqueue(deps, entries);
  return entries.length;
}

/** Notices a service returned, rendered each in its reader's language and queued, held by quiet hours. */
async function enqueueNotices(deps: Deps, s: Schedule, notices: readonly NoticeData[]): Promise<number> {
  const notBefore = afterQuietHours(deps.clock.now(), s.timeZone);
  await enqueue(
    deps,
    notices.map((n) => ({
      key: n.key,
      text: sayIn(deps, n.lng, n.say),
      priority: PRIORITY.bulk,
      notBefore,
      ...(n.account ? { account: n.account } : {}),
      ...(n.roomId ? { roomId: n.roomId, mentions: n.mentions } : { contactId: n.contactId! }),
    })),
  );
  return notices.length;
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
      // opened before, or by another process meanwhile
      const round =
        (await store.rounds.findOne({ period, scope: s.scope })) ??
        (await insertOrNull(async () => (await openRound(deps, { period, deadline, scope: s.scope, by: `schedule:${s.name}` })).round)) ??
        (await store.rounds.findOne({ period, scope: s.scope }));
      const r = round!;
      // keyed by the round it announces: the same round announced over the API is not posted again
      return post(
        deps,
        s,
        runAt,
        groups,
        async (t, lng, g) => roundAnnouncement(t, lng, timeZone, r, await store.houses.count({ groupId: g.id, isKey: true })),
        (g) => noticeKey.announce(r.id, g.roomId!),
      );
    }
    case 'deadline_reminder': {
      const before = new Set(([] as number[]).concat((s.params.daysBefore as number[] | number) ?? [3, 1]));
      const today = ymdIn(runAt, s.timeZone);
      const rounds = (await store.rounds.find({ status: 'open' })).filter((r) =>
        before.has(daysBetween(today, ymdIn(r.deadline, s.timeZone))),
      );
      if (rounds.length === 0) return 0;
      return post(
        deps,
        s,
        runAt,
        groups.filter((g) => rounds.some((r) => scopeCoversGroup(r.scope, g))),
        async (t, _lng, g) => reminder(t, await remindMissing(deps, g)),
        undefined,
        // "all done" is said once; a reminder of who is still missing is said on each of its days
        (p, last) => !p.mentions?.length && p.text === last,
      );
    }
    case 'hazard_notices':
      return enqueueNotices(deps, s, await dueHazardNotices(deps, groups, s.timeZone));
    case 'hazard_weekly':
      return enqueueNotices(deps, s, await weeklyHazardLists(deps, runAt, s.timeZone));
    case 'daily_ranking': {
      const open = await store.rounds.find({ status: 'open' });
      const ranked = groups.filter((g) => open.some((r) => scopeCoversGroup(r.scope, g)));
      if (ranked.length === 0) return 0;
      const period = periodOf(runAt, s.timeZone);
      // each grid's groups, ranked by the same aggregation as GET /stats/ranking
      const byGrid = new Map<string, Ranked[]>();
      for (const gridId of new Set(ranked.map((x) => x.gridId)))
        byGrid.set(gridId, await rankScope(deps, { where: { gridId }, by: 'group', period }));
      // every group of a grid reads the same standings: written once per grid and language (a grid has ~100 groups)
      const written = new Map<string, string>();
      return post(
        deps,
        s,
        runAt,
        // a ranking of one group says nothing its own receipts did not: posted where there is something to rank
        ranked.filter((g) => (byGrid.get(g.gridId)?.length ?? 0) > 1),
        (t, lng, g) => {
          const k = `${g.gridId}|${lng}`;
          let text = written.get(k);
          if (text === undefined) {
            const rows = byGrid.get(g.gridId) ?? [];
            text = [
              t('ranking.title', { date: ymdIn(runAt, s.timeZone) }),
              ...rows.map(
                (r) => `${r.rank}. ${t('ranking.line', { group: r.name, committed: r.committed, approved: r.approved, total: r.houses })}`,
              ),
            ].join('\n');
            written.set(k, text);
          }
          return { text };
        },
        undefined,
        // the same standings as last time are not news: the ranking is posted on days something moved
        (p, last) => p.text.slice(p.text.indexOf('\n')) === last.slice(last.indexOf('\n')),
      );
    }
  }
}
