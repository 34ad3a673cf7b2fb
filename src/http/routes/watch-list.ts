import Router from '@koa/router';
import { periodOf } from '../../domain/period';
import { watchList } from '../../services/watch-list';
import { effectiveScope, requireRole } from '../authorize';
import { depsOf, type AppOptions, type AppState } from '../context';
import { pageQuery } from './resources';

/**
 * `GET /landlords?watch=1` (重点关注): the landlords of a scope who need a visit, each with
 * the reason (staff, admin). Without `watch` the plain landlord list answers.
 */
export function watchListRoutes(o: AppOptions): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/landlords', async (ctx, next) => {
    if (ctx.query.watch === undefined) return next();
    requireRole(ctx, 'admin', 'staff');
    const q = pageQuery.parse({ ...ctx.query, watch: undefined });
    const entries = await watchList(depsOf(o), { placed: await effectiveScope(o.store, ctx, q.scope), period: periodOf(o.clock.now(), o.timeZone) });
    const landlords = new Map((await o.store.landlords.find({ id: { in: entries.map((e) => e.landlordId) } })).map((l) => [l.id, l]));
    const items = entries.map((e) => ({ ...landlords.get(e.landlordId)!, watch: { reasons: e.reasons, houseCodes: e.houseCodes } }));
    ctx.body = { items: items.slice(q.offset, q.offset + q.limit), total: items.length, limit: q.limit, offset: q.offset };
  });
  return router;
}
