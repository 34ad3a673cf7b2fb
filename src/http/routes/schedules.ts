import { z } from 'zod';
import { SCHEDULE_ACTIONS } from '../../domain/default-schedule';
import { DomainError } from '../../domain/errors';
import { isValidCron, nextCronRun, nextCronRuns } from '../../domain/schedule-time';
import { effectiveScope } from '../authorize';
import { offsetOnly, pageQuery } from '../paging';
import { scopesWithin } from '../../services/access/scopes-within';
import type { AppOptions } from '../context';
import type { RouteTable } from '../route-table';

const cronField = z.string().trim().max(100).refine(isValidCron, 'cron must be a valid 5-field cron expression');
const zoneField = z
  .string()
  .trim()
  .max(60)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'timeZone must be an IANA time zone');
const nameField = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[^\p{Cc}\p{Cf}<>]+$/u, 'name: words, without control characters or angle brackets');
export const previewQuery = z.object({ cron: cronField, timeZone: zoneField.optional() }).strict();
const params = z.record(z.string().max(40), z.union([z.number(), z.array(z.number()).max(10), z.string().max(100)]));
export const createBody = z
  .object({
    // a name staff read: Chinese or any words (issue 26), no control characters
    name: nameField,
    cron: cronField,
    action: z.enum(SCHEDULE_ACTIONS),
    scope: z.string().max(100).default('street'),
    timeZone: zoneField.optional(),
    params: params.default({}),
    enabled: z.boolean().default(true),
  })
  .strict();
export const patchBody = z
  .object({
    name: nameField.optional(),
    cron: cronField.optional(),
    scope: z.string().max(100).optional(),
    timeZone: zoneField.optional(),
    params: params.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

/** `GET/POST/PATCH /schedules`: admins and street staff change what runs when. */
export function scheduleRoutes(o: AppOptions, router: RouteTable): void {
  router.get('/schedules', 'schedules:read', async (ctx) => {
    const q = pageQuery.parse(ctx.query);
    offsetOnly(q);
    // a scoped reader sees what runs for their place: schedules inside their scope and the ones
    // over it (the street's, their community's or grid's), not another community's
    const placed = await effectiveScope(o.store, ctx, q.scope);
    const within = await scopesWithin(o.store, placed);
    const over = ['street', placed.communityId && `community:${placed.communityId}`, placed.gridId && `grid:${placed.gridId}`].filter(
      (x): x is string => Boolean(x),
    );
    const where = within ? { scope: { in: [...new Set([...over, ...within])] } } : {};
    const [items, total] = await Promise.all([
      o.store.schedules.find(where, { sort: { name: 1 }, limit: q.limit, offset: q.offset }),
      o.store.schedules.count(where),
    ]);
    ctx.body = { items, total, limit: q.limit, offset: q.offset };
  });
  // the next runs of a cron expression, in the street's time zone: the schedule form previews them before saving
  router.get('/schedules/preview', 'schedules:read', async (ctx) => {
    const q = previewQuery.parse(ctx.query);
    const timeZone = q.timeZone ?? o.timeZone;
    ctx.body = { cron: q.cron, timeZone, runs: nextCronRuns(q.cron, timeZone, o.clock.now(), 3) };
  });
  router.post('/schedules', 'schedules:edit', async (ctx) => {
    const b = createBody.parse(ctx.request.body ?? {});
    // by id or by name, as everywhere else (`community:平山村`); stored by id
    const scope = (await effectiveScope(o.store, ctx, b.scope, 'schedules:edit')).label;
    const timeZone = b.timeZone ?? o.timeZone;
    ctx.status = 201;
    ctx.body = await o.store.schedules.insert({
      ...b,
      scope,
      timeZone,
      lastRunAt: null,
      nextRunAt: nextCronRun(b.cron, timeZone, o.clock.now()),
    });
  });
  router.patch('/schedules/:id', 'schedules:edit', async (ctx) => {
    const s = await o.store.schedules.get(String(ctx.params.id).slice(0, 64));
    if (!s) throw new DomainError('not_found', 'schedule', { what: o.t('api:what.record', { lng: ctx.state.lng }) });
    const b = patchBody.parse(ctx.request.body ?? {});
    if (b.scope) b.scope = (await effectiveScope(o.store, ctx, b.scope, 'schedules:edit')).label;
    const cronExpr = b.cron ?? s.cron;
    const timeZone = b.timeZone ?? s.timeZone;
    const moved = b.cron !== undefined || b.timeZone !== undefined;
    ctx.body = await o.store.schedules.update(s.id, {
      ...b,
      ...(moved ? { nextRunAt: nextCronRun(cronExpr, timeZone, o.clock.now()) } : {}),
    });
  });
}
