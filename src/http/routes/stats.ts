import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { periodOf, PERIOD_RE } from '../../domain/period';
import { PassThrough } from 'node:stream';
import { roleAllows } from '../../domain/policy';
import { prepareMonthlyReport } from '../../services/figures/monthly-report';
import { readRegister, REGISTER_STATUSES, type RegisterRow } from '../../services/figures/register';
import { loadExcel } from '../../libraries';
import { getStats } from '../../services/figures/get-stats';
import { rankScope } from '../../services/figures/ranking';
import { placedFilter } from '../../domain/scope';
import { currentActor, effectiveScope } from '../authorize';
import { textFor, textsFor } from '../text-for-reader';
import type { AppOptions } from '../context';
import type { RouteTable } from '../route-table';

export const statsQuery = z.object({
  scope: z.string().max(100).optional(),
  period: z.string().regex(PERIOD_RE, 'period must be YYYY-MM').optional(),
});

export const rankingQuery = statsQuery.extend({
  by: z.enum(['group', 'grid']).default('group'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

export const reportQuery = statsQuery.extend({ format: z.enum(['xlsx', 'csv']).default('xlsx') });

export const registerQuery = statsQuery
  .extend({
    /** a house code's start, a landlord's name, words of an address, or phone digits (for those who may read phones) */
    q: z.string().max(40).optional(),
    status: z.enum(REGISTER_STATUSES).optional(),
    after: z
      .string()
      .max(24)
      .regex(/^[A-Za-z0-9_-]+$/, 'after must be the next of a previous page')
      .optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export const registerExportQuery = registerQuery.omit({ after: true, limit: true }).strict();

/** the register's free text, as typed by people */
const REGISTER_TEXT = ['address', 'landlordName', 'community', 'grid', 'group'] as const;
const REGISTER_COLUMNS = [
  'code',
  'address',
  'community',
  'grid',
  'group',
  'landlord',
  'phone',
  'isKey',
  'registered',
  'bound',
  'committed',
  'submission',
  'hazardsOpen',
  'hazardsOverdue',
  'points',
] as const;

export function statsRoutes(o: AppOptions, router: RouteTable): void {
  router.get('/stats', 'stats:read', async (ctx) => {
    const q = statsQuery.parse(ctx.query);
    const scope = await effectiveScope(o.store, ctx, q.scope);
    ctx.body = await getStats(o, scope, q.period ?? periodOf(o.clock.now(), o.timeZone));
  });
  // the groups (or grids) of a scope, best first: compliance, then commitment and inspection rates
  router.get('/stats/ranking', 'stats:read', async (ctx) => {
    const q = rankingQuery.parse(ctx.query);
    const scope = await effectiveScope(o.store, ctx, q.scope);
    const period = q.period ?? periodOf(o.clock.now(), o.timeZone);
    // within one group there are no grids to rank: a row named after its grid would hold only the group's figures
    const by = scope.groupId ? 'group' : q.by;
    const items = await rankScope(o, { where: placedFilter(scope), by, period });
    ctx.body = {
      scope: scope.label,
      period,
      by,
      items: items.slice(q.offset, q.offset + q.limit).map((x) => textsFor(currentActor(ctx), x, ['name'])),
      total: items.length,
      limit: q.limit,
      offset: q.offset,
    };
  });
  // the register (台账, issue 26): houses with their landlord, place names and this month's state, searched and filtered
  router.get('/register', 'records:read', async (ctx) => {
    const q = registerQuery.parse(ctx.query);
    const scope = await effectiveScope(o.store, ctx, q.scope);
    const period = q.period ?? periodOf(o.clock.now(), o.timeZone);
    const showPhones = roleAllows(currentActor(ctx).role, 'phones:read');
    const page = await readRegister(o, { where: scope, period, q: q.q, status: q.status, after: q.after, limit: q.limit, showPhones });
    // what people typed (names, addresses) reaches a head through the one masking (issue 30)
    ctx.body = { period, next: page.next, items: page.items.map((r) => textsFor(currentActor(ctx), r, REGISTER_TEXT)) };
  });
  // the register as filtered, as a workbook (streamed, page by page)
  router.get('/register.xlsx', 'records:read', async (ctx) => {
    const q = registerExportQuery.parse(ctx.query);
    const scope = await effectiveScope(o.store, ctx, q.scope);
    const period = q.period ?? periodOf(o.clock.now(), o.timeZone);
    const showPhones = roleAllows(currentActor(ctx).role, 'phones:read');
    const t = (key: string) => o.t(`api:report.${key}`, { lng: ctx.state.lng });
    const first = await readRegister(o, { where: scope, period, q: q.q, status: q.status, limit: 200, showPhones });
    const out = new PassThrough();
    ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    ctx.set('Content-Disposition', `attachment; filename="anxin-register-${period}.xlsx"`);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = out;
    const cells = (row: RegisterRow) => {
      const r = textsFor(currentActor(ctx), row, REGISTER_TEXT);
      const yes = (b: boolean) => t(b ? 'yes' : 'no');
      return [
        r.code,
        r.address,
        r.community,
        r.grid,
        r.group,
        r.landlordName,
        r.landlordPhone,
        yes(r.isKey),
        yes(r.registered),
        yes(r.bound),
        yes(r.committed),
        t(`status.${r.submission ?? 'none'}`),
        r.hazardsOpen,
        r.hazardsOverdue,
        r.points,
      ];
    };
    (async () => {
      const book = new (loadExcel().stream.xlsx.WorkbookWriter)({ stream: out, useStyles: false, useSharedStrings: false });
      const sheet = book.addWorksheet(t('register_sheet'));
      sheet.addRow(REGISTER_COLUMNS.map((c) => t(`columns.${c === 'landlord' ? 'landlord' : c}`))).commit();
      for (let page = first; ;) {
        for (const r of page.items) sheet.addRow(cells(r)).commit();
        if (!page.next || ctx.res.destroyed) break;
        page = await readRegister(o, { where: scope, period, q: q.q, status: q.status, after: page.next, limit: 200, showPhones });
      }
      sheet.commit();
      await book.commit();
    })().catch((err: unknown) => {
      o.log.error({ err }, 'register export failed');
      out.destroy(err as Error);
    });
  });
  // the monthly report: a summary sheet and a sheet per community, streamed (or the house rows as CSV)
  // a report of a large street is minutes of work: a few at a time per process, and none for a caller who left
  let running = 0;
  const MAX_REPORTS = 2;
  router.get('/reports/monthly.xlsx', 'stats:read', async (ctx) => {
    const q = reportQuery.parse(ctx.query);
    if (running >= MAX_REPORTS) throw new DomainError('report_busy', 'reports busy', { max: MAX_REPORTS });
    const scope = await effectiveScope(o.store, ctx, q.scope);
    const period = q.period ?? periodOf(o.clock.now(), o.timeZone);
    const t = (key: string, params?: Record<string, unknown>) => o.t(key, { lng: ctx.state.lng, ...params });
    const report = await prepareMonthlyReport(o, {
      where: scope,
      period,
      year: Number(period.slice(0, 4)),
      showPhones: roleAllows(currentActor(ctx).role, 'phones:read'),
      text: textFor(currentActor(ctx)),
      format: q.format,
      t,
    });
    const out = new PassThrough();
    const file = `anxin-report-${period}.${q.format}`;
    ctx.type = q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    ctx.set('Content-Disposition', `attachment; filename="${file}"`);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = out;
    running += 1;
    ctx.res.once('close', () => {
      if (!out.writableEnded) out.destroy();
    });
    report
      .write(out)
      .catch((err: unknown) => {
        if (!out.destroyed) {
          o.log.error({ err }, 'monthly report failed');
          out.destroy(err as Error);
        }
      })
      .finally(() => {
        running -= 1;
      });
  });
}
