import Router from '@koa/router';
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { deadlineFrom, PERIOD_RE } from '../../domain/period';
import { placedFilter, scopeCoversGroup } from '../../domain/scope';
import type { Group } from '../../domain/types';
import { reminder, roundAnnouncement, type BotT } from '../../render/messages';
import { boundGroups } from '../../services/bound-groups';
import { openRound } from '../../services/open-round';
import { reviewSubmission } from '../../services/review-submission';
import { effectiveScope, requireRole } from '../authorize';
import { depsOf, type AppOptions, type AppState, type Ctx } from '../context';
import { pageQuery } from './resources';

export const openBody = z.object({
  period: z.string().regex(PERIOD_RE, 'period must be YYYY-MM'),
  deadline: z.iso.date().or(z.iso.datetime({ offset: true })),
  scope: z.string().max(100).optional(),
}).strict();
export const returnBody = z.object({ reason: z.string().trim().min(1).max(200) }).strict();
export const submissionsQuery = pageQuery.extend({ round: z.string().max(64).optional(), status: z.enum(['partial', 'complete', 'approved', 'returned']).optional() });

/** Rounds, submissions and their review, from the dashboard or a script. */
export function roundRoutes(o: AppOptions): Router<AppState> {
  const router = new Router<AppState>();
  const botT = (g: Group): BotT => (key, params) => o.t(`bot:${key}`, { lng: g.locale ?? o.locale, ...params });
  const loadSubmission = async (ctx: Ctx) => {
    const sub = await o.store.submissions.get(String(ctx.params.id).slice(0, 64));
    const scope = await effectiveScope(o.store, ctx, undefined);
    const where = placedFilter(scope);
    if (!sub || (Object.entries(where).some(([k, v]) => (sub as unknown as Record<string, unknown>)[k] !== v))) throw new DomainError('not_found', 'submission');
    return sub;
  };

  router.post('/rounds', async (ctx) => {
    const user = requireRole(ctx, 'admin', 'staff');
    const body = openBody.parse(ctx.request.body ?? {});
    const scope = await effectiveScope(o.store, ctx, body.scope);
    const { round, announce } = await openRound(depsOf(o), { period: body.period, deadline: deadlineFrom(body.deadline, o.timeZone), scope: scope.label, by: `user:${user.id}` });
    let announced = 0;
    for (const a of announce) {
      const post = roundAnnouncement(botT(a.group), a.group.locale ?? o.locale, o.timeZone, round, a.keyHouses);
      try { await o.notifier.toRoom(a.group.roomId!, post.text); announced += 1; } catch (err) { o.log.warn({ err, groupId: a.group.id }, 'round announcement not sent'); }
    }
    ctx.status = 201;
    ctx.body = { ...round, announced };
  });

  router.get('/rounds', async (ctx) => {
    const q = pageQuery.parse(ctx.query);
    await effectiveScope(o.store, ctx, q.scope);
    const [items, total] = await Promise.all([o.store.rounds.find({}, { limit: q.limit, offset: q.offset, sort: { openedAt: -1 } }), o.store.rounds.count({})]);
    ctx.body = { items, total, limit: q.limit, offset: q.offset };
  });

  router.post('/rounds/:id/remind', async (ctx) => {
    requireRole(ctx, 'admin', 'staff');
    const round = await o.store.rounds.get(String(ctx.params.id).slice(0, 64));
    if (!round || round.status !== 'open') throw new DomainError('not_found', 'round');
    const groups = (await boundGroups(o.store, await effectiveScope(o.store, ctx, undefined))).filter((g) => scopeCoversGroup(round.scope, g));
    let reminded = 0;
    for (const g of groups) {
      const post = await reminder(depsOf(o), botT(g), g);
      try { await o.notifier.toRoom(g.roomId!, post.text, post.mentions); reminded += 1; } catch (err) { o.log.warn({ err, groupId: g.id }, 'reminder not sent'); }
    }
    ctx.body = { reminded };
  });

  router.get('/submissions', async (ctx) => {
    const q = submissionsQuery.parse(ctx.query);
    const where = { ...placedFilter(await effectiveScope(o.store, ctx, q.scope)), ...(q.round ? { roundId: q.round } : {}), ...(q.status ? { status: q.status } : {}) };
    const [items, total] = await Promise.all([o.store.submissions.find(where, { limit: q.limit, offset: q.offset }), o.store.submissions.count(where)]);
    ctx.body = { items, total, limit: q.limit, offset: q.offset };
  });

  for (const action of ['approve', 'return'] as const) {
    router.post(`/submissions/:id/${action}`, async (ctx) => {
      const user = requireRole(ctx, 'admin', 'staff');
      const reason = action === 'return' ? returnBody.parse(ctx.request.body ?? {}).reason : undefined;
      const sub = await loadSubmission(ctx);
      ctx.body = await reviewSubmission(depsOf(o), { submission: sub, action, reason, reviewer: { id: `user:${user.id}`, isHead: false, isStaff: true, ownHouseIds: [] } });
      const house = await o.store.houses.get(sub.houseId);
      const group = house ? await o.store.groups.get(house.groupId) : null;
      const owner = house?.contactId ? await o.store.contacts.get(house.contactId) : null;
      if (group?.roomId) {
        const t = botT(group);
        const text = action === 'approve' ? t('review.approved', { code: sub.houseCode }) : t('review.returned', { code: sub.houseCode, reason });
        await o.notifier.toRoom(group.roomId, text, owner ? [owner.wechatId] : []).catch((err) => o.log.warn({ err }, 'review notice not sent'));
      }
    });
  }
  return router;
}
