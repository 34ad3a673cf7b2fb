import { z } from 'zod';
import { periodOf, PERIOD_RE } from '../../domain/period';
import { getStats } from '../../services/get-stats';
import { effectiveScope } from '../authorize';
import { depsOf, type AppOptions } from '../context';
import type { RouteTable } from '../route-table';

export const statsQuery = z.object({
  scope: z.string().max(100).optional(),
  period: z.string().regex(PERIOD_RE, 'period must be YYYY-MM').optional(),
});

export function statsRoutes(o: AppOptions, router: RouteTable): void {
  router.get('/stats', 'stats:read', async (ctx) => {
    const q = statsQuery.parse(ctx.query);
    const scope = await effectiveScope(o.store, ctx, q.scope);
    ctx.body = await getStats(depsOf(o), scope, q.period ?? periodOf(o.clock.now(), o.timeZone));
  });
}
