import Router from '@koa/router';
import { z } from 'zod';
import { rankLandlords } from '../../services/points';
import { effectiveScope } from '../authorize';
import { depsOf, type AppOptions, type AppState } from '../context';
import { pageQuery } from './resources';

export const pointsQuery = pageQuery.extend({ year: z.coerce.number().int().min(2000).max(2100).optional() });

/** `GET /points?scope=&year=`: the landlords of a scope ranked by their points (SPEC §6). */
export function pointRoutes(o: AppOptions): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/points', async (ctx) => {
    const q = pointsQuery.parse(ctx.query);
    const scope = await effectiveScope(o.store, ctx, q.scope);
    const year = q.year ?? Number(new Intl.DateTimeFormat('en', { timeZone: o.timeZone, year: 'numeric' }).format(o.clock.now()));
    const gridIds = scope.level === 'street' ? null
      : scope.gridId ? [scope.gridId] : (await o.store.grids.find({ communityId: scope.communityId! })).map((g) => g.id);
    let ranked = await rankLandlords(depsOf(o), { gridIds, year });
    if (scope.level === 'group') {
      const mine = new Set(await o.store.houses.distinct('landlordId', { groupId: scope.groupId! }));
      ranked = ranked.filter((r) => mine.has(r.landlordId));
    }
    ctx.body = { year, items: ranked.slice(q.offset, q.offset + q.limit), total: ranked.length, limit: q.limit, offset: q.offset };
  });
  return router;
}
