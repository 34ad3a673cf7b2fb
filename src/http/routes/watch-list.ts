import { DomainError } from '../../domain/errors';
import { roleAllows } from '../../domain/policy';
import { periodOf } from '../../domain/period';
import { watchList } from '../../services/points/watch-list';
import { currentActor, effectiveScope } from '../authorize';
import type { AppOptions, Ctx } from '../context';
import { pageQuery } from '../paging';

/**
 * `GET /landlords?watch=1` (重点关注): the landlords of a scope who need a visit, each with
 * the reason. Staff and admins only (it shows phones); the landlord list hands over to it.
 */
export async function answerWatchList(o: AppOptions, ctx: Ctx): Promise<void> {
  if (!roleAllows(currentActor(ctx).role, 'phones:read')) throw new DomainError('forbidden', 'watch list');
  const { watch: _watch, ...query } = ctx.query;
  const q = pageQuery.parse(query);
  const entries = await watchList(o, { placed: await effectiveScope(o.store, ctx, q.scope), period: periodOf(o.clock.now(), o.timeZone) });
  const landlords = new Map((await o.store.landlords.find({ id: { in: entries.map((e) => e.landlordId) } })).map((l) => [l.id, l]));
  const items = entries.map((e) => ({ ...landlords.get(e.landlordId)!, watch: { reasons: e.reasons, houseCodes: e.houseCodes } }));
  ctx.body = { items: items.slice(q.offset, q.offset + q.limit), total: items.length, limit: q.limit, offset: q.offset };
}
