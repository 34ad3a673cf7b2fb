import { z } from 'zod';
import { pointRules, rankLandlords, setPointRules } from '../../services/points/points';
import { currentActor, currentUser, effectiveScope } from '../authorize';
import { textsFor } from '../text-for-reader';
import type { AppOptions } from '../context';
import { offsetOnly } from '../paging';
import { pageQuery } from '../paging';
import type { RouteTable } from '../route-table';
import { yearIn } from '../../domain/date-format';

export const pointsQuery = pageQuery.extend({ year: z.coerce.number().int().min(2000).max(2100).optional() });

// an award stays an award and a deduction a deduction (0 switches a rule off): a sign typed
// the wrong way round would reward an overdue hazard or fine a commitment
const award = z.number().int().min(0).max(1000);
const deduction = z.number().int().min(-1000).max(0);
export const rulesBody = z
  .object({
    commitment: award,
    inspection_on_time: award,
    hazard_closed: award,
    tip_accepted: award,
    hazard_overdue: deduction,
    inspection_returned: deduction,
  })
  .partial()
  .strict();

/** `GET /points?scope=&year=`: the landlords of a scope ranked by their points (SPEC §6); `GET/PUT /points/rules`. */
export function pointRoutes(o: AppOptions, router: RouteTable): void {
  router.get('/points', 'points:read', async (ctx) => {
    const q = pointsQuery.parse(ctx.query);
    offsetOnly(q);
    const scope = await effectiveScope(o.store, ctx, q.scope);
    const year = q.year ?? yearIn(o.timeZone, o.clock.now());
    const gridIds =
      scope.level === 'street'
        ? null
        : scope.gridId
          ? [scope.gridId]
          : (await o.store.grids.find({ communityId: scope.communityId! })).map((g) => g.id);
    let ranked = await rankLandlords(o, { gridIds, year });
    if (scope.level === 'group') {
      const mine = new Set(await o.store.houses.distinct('landlordId', { groupId: scope.groupId! }));
      ranked = ranked.filter((r) => mine.has(r.landlordId));
    }
    const items = ranked.slice(q.offset, q.offset + q.limit).map((x) => textsFor(currentActor(ctx), x, ['name']));
    ctx.body = { year, items, total: ranked.length, limit: q.limit, offset: q.offset };
  });
  router.get('/points/rules', 'points:read', async (ctx) => {
    ctx.body = await pointRules(o);
  });
  router.put('/points/rules', 'points:rules', async (ctx) => {
    const user = currentUser(ctx);
    ctx.body = await setPointRules(o, { rules: rulesBody.parse(ctx.request.body ?? {}), by: `user:${user.id}` });
  });
}
