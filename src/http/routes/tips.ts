import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { isOverdue, MAX_HAZARD_DAYS } from '../../domain/hazard';
import { placedFilter } from '../../domain/scope';
import type { Tip } from '../../domain/types';
import { enqueue, PRIORITY } from '../../services/sending/outbox';
import { decideTip } from '../../services/tips/tips';
import { currentUser, effectiveScope } from '../authorize';
import type { AppOptions, Ctx } from '../context';
import { hazardNotices } from '../hazard-notices';
import { listPage } from '../paging';
import { pageQuery } from './records';
import type { RouteTable } from '../route-table';

export const tipsQuery = pageQuery.extend({ status: z.enum(['new', 'accepted', 'rejected']).optional() });
export const acceptBody = z.object({
  points: z.number().int().min(0).max(1000).optional(),
  hazard: z.object({ description: z.string().trim().min(1).max(300).optional(), days: z.number().int().min(1).max(MAX_HAZARD_DAYS).optional() }).strict().optional(),
}).strict();
export const rejectBody = z.object({ reason: z.string().trim().min(1).max(200) }).strict();

/** What staff see of a tip: everything but who sent it (the reporter is told privately, by the bot). */
const present = ({ reporterContactId: _hidden, ...tip }: Tip) => tip;

/** Tips (有奖举报) for staff: list within their scope, accept (optionally with a hazard) or reject (SPEC §6). */
export function tipRoutes(o: AppOptions, router: RouteTable): void {
  const deps = o;
  const notices = hazardNotices(o);
  const load = async (ctx: Ctx): Promise<Tip> => {
    const tip = await o.store.tips.get(String(ctx.params.id).slice(0, 64));
    const where = placedFilter(await effectiveScope(o.store, ctx, undefined));
    if (!tip || Object.entries(where).some(([k, v]) => (tip as unknown as Record<string, unknown>)[k] !== v)) throw new DomainError('not_found', 'tip', { what: o.t('api:what.record', { lng: ctx.state.lng }) });
    return tip;
  };
  /** the reporter hears the decision in their private chat with the bot, never in a group */
  const tell = async (tip: Tip) => {
    const reporter = await o.store.contacts.get(tip.reporterContactId);
    if (!reporter) return;
    const lng = reporter.locale ?? o.locale;
    await enqueue(deps, [{ key: `tip:decided:${tip.id}`, contactId: reporter.wechatId, priority: PRIORITY.bulk, text: o.t(`bot:tip.decided_${tip.status}`, { lng, number: tip.number, reason: tip.reason ?? '' }) }]);
  };

  router.get('/tips', 'tips:read', async (ctx) => {
    const q = tipsQuery.parse(ctx.query);
    const where = { ...placedFilter(await effectiveScope(o.store, ctx, q.scope)), ...(q.status ? { status: q.status } : {}) };
    const page = await listPage(o.store.tips, where, q, { field: 'number', dir: -1 });
    ctx.body = { ...page, items: page.items.map(present) };
  });
  router.post('/tips/:id/accept', 'tips:review', async (ctx) => {
    const user = currentUser(ctx);
    const body = acceptBody.parse(ctx.request.body ?? {});
    const r = await decideTip(deps, { tip: await load(ctx), by: `user:${user.id}`, accept: true, points: body.points, hazard: body.hazard });
    await tell(r.tip);
    // the hazard opened from it is announced in the house's group like any other
    if (r.hazard) await notices.opened(r.hazard);
    // the hazard as the hazards API shows one (with `overdue`), or null
    ctx.body = { ...present(r.tip), hazard: r.hazard ? { ...r.hazard, overdue: isOverdue(r.hazard, deps.clock.now()) } : null };
  });
  router.post('/tips/:id/reject', 'tips:review', async (ctx) => {
    const user = currentUser(ctx);
    const { reason } = rejectBody.parse(ctx.request.body ?? {});
    const r = await decideTip(deps, { tip: await load(ctx), by: `user:${user.id}`, accept: false, reason });
    await tell(r.tip);
    ctx.body = present(r.tip);
  });
}
