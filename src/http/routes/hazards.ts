import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { isOverdue, MAX_HAZARD_DAYS } from '../../domain/hazard';
import { deadlineFrom } from '../../domain/period';
import { placedFilter } from '../../domain/scope';
import type { Group, Hazard } from '../../domain/types';
import { addSitePhoto, closeHazard, openHazard, reopenHazard } from '../../services/hazards/hazards';
import { keepPhoto } from '../../services/inspection/submit-photo';
import { PHOTO_MAX_BYTES } from '../../domain/photo';
import { hazardNotices } from '../hazard-notices';
import { currentActor, currentUser, effectiveScope } from '../authorize';
import type { AppOptions, Ctx } from '../context';
import { listPage } from '../paging';
import { singleUpload } from '../upload';
import { pageQuery } from './records';
import type { RouteTable } from '../route-table';

export const hazardBody = z.object({
  houseCode: z.string().trim().min(2).max(24).transform((s) => s.toUpperCase()),
  description: z.string().trim().min(1).max(300),
  deadline: z.iso.date().or(z.iso.datetime({ offset: true })).optional(),
  days: z.number().int().min(1).max(MAX_HAZARD_DAYS).optional(),
}).strict();
export const reopenBody = z.object({ reason: z.string().trim().min(1).max(200) }).strict();
export const sitePhotoBody = z.object({ kind: z.enum(['before', 'after']) }).strict();
export const hazardsQuery = pageQuery.extend({ status: z.enum(['open', 'rectified', 'closed', 'overdue']).optional() });

/** What the API says of a hazard: the record, and whether it is overdue now. */
const present = (h: Hazard, now: Date) => ({ ...h, overdue: isOverdue(h, now) });

/** Hazards from the dashboard or a script: list, open, close, reopen (SPEC §6). */
export function hazardRoutes(o: AppOptions, router: RouteTable): void {
  const deps = o;
  const botT = (g: Group) => (key: string, params: Record<string, unknown>) => o.t(`bot:${key}`, { lng: g.locale ?? o.locale, ...params });
  /** a hazard in the caller's scope, or 404 */
  const load = async (ctx: Ctx): Promise<Hazard> => {
    const h = await o.store.hazards.get(String(ctx.params.id).slice(0, 64));
    const where = placedFilter(await effectiveScope(o.store, ctx, undefined));
    if (!h || Object.entries(where).some(([k, v]) => (h as unknown as Record<string, unknown>)[k] !== v)) throw new DomainError('not_found', 'hazard', { what: o.t('api:what.record', { lng: ctx.state.lng }) });
    return h;
  };
  const notices = hazardNotices(o);

  router.get('/hazards', 'hazards:read', async (ctx) => {
    const q = hazardsQuery.parse(ctx.query);
    const now = o.clock.now();
    const status = q.status === 'overdue' ? { status: { in: ['open', 'rectified'] }, deadline: { lt: now } } : q.status ? { status: q.status } : {};
    const where = { ...placedFilter(await effectiveScope(o.store, ctx, q.scope)), ...status } as never;
    const page = await listPage(o.store.hazards, where, q, { field: 'number', dir: -1 });
    ctx.body = { ...page, items: page.items.map((h) => present(h, now)) };
  });

  router.post('/hazards', 'hazards:open', async (ctx) => {
    const user = currentUser(ctx);
    const body = hazardBody.parse(ctx.request.body ?? {});
    const house = await o.store.houses.findOne({ code: body.houseCode });
    const where = placedFilter(await effectiveScope(o.store, ctx, undefined));
    if (!house || Object.entries(where).some(([k, v]) => (house as unknown as Record<string, unknown>)[k] !== v)) throw new DomainError('not_found', 'house', { what: o.t('api:what.houses', { lng: ctx.state.lng }) });
    const h = await openHazard(deps, { house, description: body.description, days: body.days, deadline: body.deadline ? deadlineFrom(body.deadline, o.timeZone) : undefined, by: `user:${user.id}` });
    await notices.opened(h);
    ctx.status = 201;
    ctx.body = present(h, o.clock.now());
  });

  router.post('/hazards/:id/close', 'hazards:close', async (ctx) => {
    const user = currentUser(ctx);
    const h = await closeHazard(deps, { hazard: await load(ctx), by: currentActor(ctx) });
    await notices.closed(h);
    ctx.body = present(h, o.clock.now());
  });

  // a photo staff took on site: multipart `image`, and `kind` before|after
  const upload = singleUpload({ field: 'image', maxBytes: PHOTO_MAX_BYTES, fields: 2 });
  router.post('/hazards/:id/photos', 'hazards:open', upload, async (ctx) => {
    const user = currentUser(ctx);
    const { kind } = sitePhotoBody.parse(ctx.request.body ?? {});
    const bytes = (ctx as unknown as { file?: { buffer: Buffer } }).file?.buffer;
    if (!bytes) throw new DomainError('validation', 'image', { detailKey: 'image_required' });
    const hazard = await load(ctx);
    const photo = await keepPhoto(deps, { bytes, contactId: null, messageId: null });
    ctx.status = 201;
    ctx.body = present(await addSitePhoto(deps, { hazard, photoId: photo.id, kind, by: `user:${user.id}` }), o.clock.now());
  });

  router.post('/hazards/:id/reopen', 'hazards:close', async (ctx) => {
    const user = currentUser(ctx);
    const { reason } = reopenBody.parse(ctx.request.body ?? {});
    ctx.body = present(await reopenHazard(deps, { hazard: await load(ctx), by: currentActor(ctx), reason }), o.clock.now());
  });
}
