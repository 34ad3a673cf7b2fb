import { z } from 'zod';
import { periodOf, PERIOD_RE } from '../../domain/period';
import { PassThrough } from 'node:stream';
import { roleAllows } from '../../domain/policy';
import { prepareMonthlyReport } from '../../services/monthly-report';
import { currentActor } from '../authorize';
import { getStats } from '../../services/get-stats';
import { rankScope } from '../../services/ranking';
import { placedFilter } from '../../domain/scope';
import { effectiveScope } from '../authorize';
import { depsOf, type AppOptions } from '../context';
import type { RouteTable } from '../route-table';

export const statsQuery = z.object({
  scope: z.string().max(100).optional(),
  period: z.string().regex(PERIOD_RE, 'period must be YYYY-MM').optional(),
});

export const rankingQuery = statsQuery.extend({ by: z.enum(['group', 'grid']).default('group') });

export const reportQuery = statsQuery.extend({ format: z.enum(['xlsx', 'csv']).default('xlsx') });

export function statsRoutes(o: AppOptions, router: RouteTable): void {
  router.get('/stats', 'stats:read', async (ctx) => {
    const q = statsQuery.parse(ctx.query);
    const scope = await effectiveScope(o.store, ctx, q.scope);
    ctx.body = await getStats(depsOf(o), scope, q.period ?? periodOf(o.clock.now(), o.timeZone));
  });
  // the groups (or grids) of a scope, best first: compliance, then commitment and inspection rates
  router.get('/stats/ranking', 'stats:read', async (ctx) => {
    const q = rankingQuery.parse(ctx.query);
    const scope = await effectiveScope(o.store, ctx, q.scope);
    const period = q.period ?? periodOf(o.clock.now(), o.timeZone);
    const items = await rankScope(depsOf(o), { where: placedFilter(scope), by: q.by, period });
    ctx.body = { scope: scope.label, period, by: q.by, items, total: items.length };
  });
  // the monthly report: a summary sheet and a sheet per community, streamed (or the house rows as CSV)
  router.get('/reports/monthly.xlsx', 'stats:read', async (ctx) => {
    const q = reportQuery.parse(ctx.query);
    const scope = await effectiveScope(o.store, ctx, q.scope);
    const period = q.period ?? periodOf(o.clock.now(), o.timeZone);
    const t = (key: string, params?: Record<string, unknown>) => o.t(key, { lng: ctx.state.lng, ...params });
    const report = await prepareMonthlyReport(depsOf(o), { where: scope, period, year: Number(period.slice(0, 4)), showPhones: roleAllows(currentActor(ctx).role, 'phones:read'), format: q.format, t });
    const out = new PassThrough();
    const file = `anxin-report-${period}.${q.format}`;
    ctx.type = q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    ctx.set('Content-Disposition', `attachment; filename="${file}"`);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = out;
    report.write(out)
      .catch((err: unknown) => { o.log.error({ err }, 'monthly report failed'); out.destroy(err as Error); });
  });
}
