import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { isOverdue, MAX_HAZARD_DAYS } from '../../domain/hazard';
import { deadlineFrom } from '../../domain/period';
import { placedFilter } from '../../domain/scope';
import type { Hazard, Role } from '../../domain/types';
import type { Filter } from '../../storage/store';
import { addSitePhoto, closeHazard, openHazard, reopenHazard } from '../../services/hazards/hazards';
import { keepPhoto } from '../../services/inspection/keep-photo';
import { PHOTO_MAX_BYTES } from '../../domain/photo';
import { postNotices } from '../../render/notices';
import { currentActor, currentUser, effectiveScope, loadInScope } from '../authorize';
import type { AppOptions } from '../context';
import { listPage } from '../paging';
import { singleUpload, uploadedBytes } from '../upload';
import { pageQuery } from '../paging';
import { textFor } from '../text-for-reader';
import type { RouteTable } from '../route-table';

export const hazardBody = z
  .object({
    houseCode: z
      .string()
      .trim()
      .min(2)
      .max(24)
      .transform((s) => s.toUpperCase()),
    description: z.string().trim().min(1).max(300),
    deadline: z.iso
      .date()
      .or(z.iso.datetime({ offset: true }))
      .optional(),
    days: z.number().int().min(1).max(MAX_HAZARD_DAYS).optional(),
  })
  .strict();
export const reopenBody = z.object({ reason: z.string().trim().min(1).max(200) }).strict();
export const sitePhotoBody = z.object({ kind: z.enum(['before', 'after']) }).strict();
export const hazardsQuery = pageQuery.extend({ status: z.enum(['open', 'rectified', 'closed', 'overdue']).optional() });

/** What the API says of a hazard: the record, and whether it is overdue now. */
/** A hazard as the API shows it; to a head, its text masked (one written before texts were masked when stored: issue 25). */
const present = (h: Hazard, now: Date, role?: Role) => ({
  ...h,
  description: textFor(role && { role })(h.description),
  overdue: isOverdue(h, now),
});

/** Hazards from the dashboard or a script: list, open, close, reopen (SPEC §6). */
export function hazardRoutes(o: AppOptions, router: RouteTable): void {
  router.get('/hazards', 'hazards:read', async (ctx) => {
    const q = hazardsQuery.parse(ctx.query);
    const now = o.clock.now();
    const status: Filter<Hazard> =
      q.status === 'overdue' ? { status: { in: ['open', 'rectified'] }, deadline: { lt: now } } : q.status ? { status: q.status } : {};
    const where: Filter<Hazard> = { ...placedFilter(await effectiveScope(o.store, ctx, q.scope)), ...status };
    const page = await listPage(o.store.hazards, where, q, { field: 'number', dir: -1 });
    ctx.body = { ...page, items: page.items.map((h) => present(h, now, currentUser(ctx).role)) };
  });

  router.post('/hazards', 'hazards:open', async (ctx) => {
    const body = hazardBody.parse(ctx.request.body ?? {});
    const { hazard, notices } = await openHazard(o, {
      houseCode: body.houseCode,
      within: currentActor(ctx).scope,
      by: currentActor(ctx),
      description: body.description,
      days: body.days,
      deadline: body.deadline ? deadlineFrom(body.deadline, o.timeZone) : undefined,
    });
    await postNotices(o, notices);
    ctx.status = 201;
    ctx.body = present(hazard, o.clock.now());
  });

  router.post('/hazards/:id/close', 'hazards:close', async (ctx) => {
    const { hazard, notices } = await closeHazard(o, { hazard: await loadInScope(ctx, o.store.hazards), by: currentActor(ctx) });
    await postNotices(o, notices);
    ctx.body = present(hazard, o.clock.now());
  });

  // a photo staff took on site: multipart `image`, and `kind` before|after
  const upload = singleUpload({ field: 'image', maxBytes: PHOTO_MAX_BYTES, fields: 2 });
  router.post('/hazards/:id/photos', 'hazards:open', upload, async (ctx) => {
    const user = currentUser(ctx);
    const { kind } = sitePhotoBody.parse(ctx.request.body ?? {});
    const bytes = uploadedBytes(ctx);
    if (!bytes) throw new DomainError('validation', 'image', { detailKey: 'image_required' });
    const hazard = await loadInScope(ctx, o.store.hazards);
    const photo = await keepPhoto(o, { bytes, contactId: null, messageId: null });
    ctx.status = 201;
    ctx.body = present(await addSitePhoto(o, { hazard, photoId: photo.id, kind, by: `user:${user.id}` }), o.clock.now());
  });

  router.post('/hazards/:id/reopen', 'hazards:close', async (ctx) => {
    const { reason } = reopenBody.parse(ctx.request.body ?? {});
    ctx.body = present(
      await reopenHazard(o, { hazard: await loadInScope(ctx, o.store.hazards), by: currentActor(ctx), reason }),
      o.clock.now(),
    );
  });
}
