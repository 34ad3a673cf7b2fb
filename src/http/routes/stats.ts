import Router from '@koa/router';
import { z } from 'zod';
import { periodOf, PERIOD_RE } from '../../domain/period';
import { getStats } from '../../services/get-stats';
import { effectiveScope } from '../authorize';
import { depsOf, type AppOptions, type AppState } from '../context';

export const statsQuery = z.object({
  scope: z.string().max(100).optional(),
  period: z.string().regex(PERIOD_RE, 'period must be YYYY-MM').optional(),
});

export function statsRoutes(o: AppOptions): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/stats', async (ctx) => {
    const q = statsQuery.parse(ctx.query);
    const scope = await effectiveScope(o.store, ctx, q.scope);
    ctx.body = await getStats(depsOf(o), scope, q.period ?? periodOf(o.clock.now(), o.timeZone));
  });
  return router;
}
