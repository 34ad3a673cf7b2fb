import { z } from 'zod';
import { isOverdue, MAX_HAZARD_DAYS } from '../../domain/hazard';
import { placedFilter } from '../../domain/scope';
import type { Tip } from '../../domain/types';
import { postNotices } from '../../render/notices';
import { decideTip } from '../../services/tips/tips';
import { currentUser, effectiveScope, loadInScope } from '../authorize';
import type { AppOptions } from '../context';
import { listPage } from '../paging';
import { pageQuery } from '../paging';
import type { RouteTable } from '../route-table';

export const tipsQuery = pageQuery.extend({ status: z.enum(['new', 'accepted', 'rejected']).optional() });
export const acceptBody = z
  .object({
    points: z.number().int().min(0).max(1000).optional(),
    // the hazard's description is staff's own words: a tip's text (and who wrote it) never reaches the group (issue 25)
    hazard: z
      .object({ description: z.string().trim().min(1).max(300), days: z.number().int().min(1).max(MAX_HAZARD_DAYS).optional() })
      .strict()
      .optional(),
  })
  .strict();
export const rejectBody = z.object({ reason: z.string().trim().min(1).max(200) }).strict();

/** What staff see of a tip: everything but who sent it (the reporter is told privately, by the bot). */
const present = ({ reporterContactId: _hidden, ...tip }: Tip) => tip;

/** Tips (有奖举报) for staff: list within their scope, accept (optionally with a hazard) or reject (SPEC §6). */
export function tipRoutes(o: AppOptions, router: RouteTable): void {
  router.get('/tips', 'tips:read', async (ctx) => {
    const q = tipsQuery.parse(ctx.query);
    const where = { ...placedFilter(await effectiveScope(o.store, ctx, q.scope)), ...(q.status ? { status: q.status } : {}) };
    const page = await listPage(o.store.tips, where, q, { field: 'number', dir: -1 });
    ctx.body = { ...page, items: page.items.map(present) };
  });
  router.post('/tips/:id/accept', 'tips:review', async (ctx) => {
    const user = currentUser(ctx);
    const body = acceptBody.parse(ctx.request.body ?? {});
    const r = await decideTip(o, {
      tip: await loadInScope(ctx, o.store.tips),
      by: `user:${user.id}`,
      accept: true,
      points: body.points,
      hazard: body.hazard,
    });
    // the reporter privately; the hazard opened from it in the house's group, like any other
    await postNotices(o, r.notices);
    // the hazard as the hazards API shows one (with `overdue`), or null
    ctx.body = { ...present(r.tip), hazard: r.hazard ? { ...r.hazard, overdue: isOverdue(r.hazard, o.clock.now()) } : null };
  });
  router.post('/tips/:id/reject', 'tips:review', async (ctx) => {
    const user = currentUser(ctx);
    const { reason } = rejectBody.parse(ctx.request.body ?? {});
    const r = await decideTip(o, { tip: await loadInScope(ctx, o.store.tips), by: `user:${user.id}`, accept: false, reason });
    await postNotices(o, r.notices);
    ctx.body = present(r.tip);
  });
}
