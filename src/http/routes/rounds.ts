import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { deadlineFrom, PERIOD_RE } from '../../domain/period';
import { placedFilter, scopeCoversGroup, type PlacedScope } from '../../domain/scope';
import { reminder, roundAnnouncement } from '../../render/messages';
import { boundGroups } from '../../services/groups/bound-groups';
import { scopesWithin } from '../../services/access/scopes-within';
import { openRound } from '../../services/inspection/open-round';
import { noticeKey } from '../../services/sending/notifier';
import { remindMissing, remindNow } from '../../services/inspection/remind-missing';
import { review } from '../../services/inspection/review-submission';
import { groupT, postNotices } from '../../render/notices';
import { ymdIn } from '../../domain/period';
import { currentActor, currentUser, effectiveScope, loadInScope } from '../authorize';
import { textsFor } from '../text-for-reader';
import type { AppOptions } from '../context';
import { cursorOf, keyOf, listPage, offsetOnly } from '../paging';
import { KEY_ITEMS } from '../../domain/checklist';
import type { ChecklistItem } from '../../domain/types';
import { approveSeveral, reviewQueue } from '../../services/inspection/review-queue';
import { errorParams } from '../error-middleware';
import { pageQuery } from '../paging';
import type { RouteTable } from '../route-table';

export const openBody = z
  .object({
    period: z.string().regex(PERIOD_RE, 'period must be YYYY-MM'),
    deadline: z.iso.date().or(z.iso.datetime({ offset: true })),
    scope: z.string().max(100).optional(),
  })
  .strict();
export const returnBody = z
  .object({
    reason: z.string().trim().min(1).max(200),
    // one item of the set (the review queue): only its photos are to be sent again
    item: z.enum(KEY_ITEMS as [ChecklistItem, ...ChecklistItem[]]).optional(),
  })
  .strict();
/** the review queue: keyset paging only (`after`), the caller's scope or one inside it */
export const reviewQueueQuery = pageQuery.omit({ offset: true, total: true }).strict();
/** 批量通过: the sets to approve at once */
export const approveSeveralBody = z.object({ ids: z.array(z.string().min(1).max(64)).min(1).max(100) }).strict();
export const submissionsQuery = pageQuery.extend({
  round: z.string().max(64).optional(),
  status: z.enum(['partial', 'complete', 'approved', 'returned']).optional(),
});

/** The scope strings that contain a resolved scope (a round of the whole street covers a community's staff too). */
const coveringScopes = (p: PlacedScope): string[] => [
  'street',
  ...(p.communityId && p.level !== 'community' ? [`community:${p.communityId}`] : []),
  ...(p.gridId && p.level === 'group' ? [`grid:${p.gridId}`] : []),
];

/** Rounds, submissions and their review, from the dashboard or a script. */
export function roundRoutes(o: AppOptions, router: RouteTable): void {
  /** the round scopes a caller sees: inside theirs, or covering it; null for all */
  const visibleScopes = async (p: PlacedScope) => {
    const w = await scopesWithin(o.store, p);
    return w && [...w, ...coveringScopes(p)];
  };
  const roundVisible = async (p: PlacedScope, scope: string) => {
    const v = await visibleScopes(p);
    return !v || v.includes(scope);
  };

  router.post('/rounds', 'rounds:open', async (ctx) => {
    const user = currentUser(ctx);
    const body = openBody.parse(ctx.request.body ?? {});
    const scope = await effectiveScope(o.store, ctx, body.scope);
    const { round, announce } = await openRound(o, {
      period: body.period,
      deadline: deadlineFrom(body.deadline, o.timeZone),
      scope: scope.label,
      by: `user:${user.id}`,
    });
    const announced = await o.notifier.post(
      announce.map((a) => ({
        key: noticeKey.announce(round.id, a.group.roomId!),
        roomId: a.group.roomId!,
        ...roundAnnouncement(groupT(o, a.group), a.group.locale ?? o.locale, o.timeZone, round, a.keyHouses),
      })),
    );
    ctx.status = 201;
    ctx.body = { ...round, announced };
  });

  router.get('/rounds', 'rounds:read', async (ctx) => {
    const q = pageQuery.parse(ctx.query);
    offsetOnly(q);
    // the caller's rounds: those whose scope lies inside theirs, and the wider ones that cover it
    const visible = await visibleScopes(await effectiveScope(o.store, ctx, q.scope));
    const where = visible ? { scope: { in: visible } } : {};
    const [items, total] = await Promise.all([
      o.store.rounds.find(where, { limit: q.limit, offset: q.offset, sort: { openedAt: -1 } }),
      o.store.rounds.count(where),
    ]);
    ctx.body = { items, total, limit: q.limit, offset: q.offset };
  });

  router.post('/rounds/:id/remind', 'rounds:remind', async (ctx) => {
    const round = await o.store.rounds.get(String(ctx.params.id).slice(0, 64));
    const placed = await effectiveScope(o.store, ctx, undefined);
    // another scope's round does not exist for the caller
    if (!round || round.status !== 'open' || !(await roundVisible(placed, round.scope))) throw new DomainError('not_found', 'round');
    const groups = (await boundGroups(o.store, placed)).filter((g) => scopeCoversGroup(round.scope, g));
    const day = ymdIn(o.clock.now(), o.timeZone);
    const notices = await Promise.all(
      groups.map(async (g) => ({
        key: noticeKey.remind(round.id, g.id, day),
        roomId: g.roomId!,
        ...reminder(groupT(o, g), await remindMissing(o, g)),
      })),
    );
    // keyed by round, group and day: a retried request posts nothing more (`already` says so)
    const reminded = await o.notifier.post(notices);
    ctx.body = { reminded, already: notices.length - reminded };
  });

  // 催办 for one group from the dashboard (issue 26): the room is told who still owes what, at most once per cooldown
  router.post('/groups/:id/remind', 'rounds:remind', async (ctx) => {
    const group = await loadInScope(ctx, o.store.groups);
    if (!group.roomId) throw new DomainError('room_not_bound', group.id);
    const r = await remindNow(o, { group, by: `user:${currentUser(ctx).id}` });
    if (r.status === 'cooling') {
      ctx.body = { status: 'cooling', last: r.last, next: r.next, houses: 0 };
      return;
    }
    const posted = await o.notifier.post([
      { key: noticeKey.remindGroup(group.id, r.previous), roomId: group.roomId, ...reminder(groupT(o, group), r.missing) },
    ]);
    // a second click at the same instant finds the same reminder before it: the room is told once
    const now = o.clock.now();
    ctx.body = posted
      ? { status: 'sent', houses: r.missing.codes.length }
      : { status: 'cooling', last: now, next: new Date(now.getTime() + o.remindCooldownMs), houses: 0 };
  });

  router.get('/submissions', 'submissions:read', async (ctx) => {
    const q = submissionsQuery.parse(ctx.query);
    const where = {
      ...placedFilter(await effectiveScope(o.store, ctx, q.scope)),
      ...(q.round ? { roundId: q.round } : {}),
      ...(q.status ? { status: q.status } : {}),
    };
    const page = await listPage(o.store.submissions, where, q);
    // a return reason is what a reviewer typed: a head reads it masked (issue 30)
    ctx.body = { ...page, items: page.items.map((x) => textsFor(currentActor(ctx), x, ['returnReason'])) };
  });

  // the review queue (待审核, issue 26): the complete sets of the caller's scope with their labelled photos
  router.get('/review-queue', 'submissions:review', async (ctx) => {
    const q = reviewQueueQuery.parse(ctx.query);
    const within = await effectiveScope(o.store, ctx, q.scope, 'submissions:review');
    const page = await reviewQueue(o, { within, limit: q.limit, ...(q.after !== undefined ? { afterId: keyOf(q.after) } : {}) });
    ctx.body = { items: page.items, limit: q.limit, next: cursorOf(page.lastId) };
  });

  // 批量通过: several sets approved at once; one refused (a head's own house, no longer complete) does not stop the rest
  router.post('/submissions/approve', 'submissions:review', async (ctx) => {
    const { ids } = approveSeveralBody.parse(ctx.request.body ?? {});
    const within = await effectiveScope(o.store, ctx, undefined, 'submissions:review');
    const r = await approveSeveral(o, { ids, within, by: currentActor(ctx) });
    await postNotices(o, r.notices);
    const lng = ctx.state.lng;
    ctx.body = {
      approved: r.approved,
      refused: r.refused.map((x) => ({
        id: x.id,
        houseCode: x.houseCode,
        code: x.error.code,
        message: o.t(`api:errors.${x.error.code}`, { lng, detail: '', what: '', ...errorParams(x.error, o.t, lng) }),
      })),
    };
  });

  for (const action of ['approve', 'return'] as const) {
    router.post(`/submissions/:id/${action}`, 'submissions:review', async (ctx) => {
      const body = action === 'return' ? returnBody.parse(ctx.request.body ?? {}) : undefined;
      const [reason, item] = [body?.reason, body?.item];
      const r = await review(o, { submission: await loadInScope(ctx, o.store.submissions), action, reason, item, by: currentActor(ctx) });
      await postNotices(o, r.notices);
      ctx.body = r.submission;
    });
  }
}
