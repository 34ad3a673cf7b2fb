import { placedFilter, scopeCoversGroup, type PlacedScope } from '../../domain/scope';
import type { Id } from '../../domain/types';
import type { Deps } from '../deps';

/** SPEC-level rule of the campaign plans: how old an overdue hazard must be to put its landlord on the watch list. */
export const WATCH_OVERDUE_DAYS = 15;

export interface WatchEntry {
  landlordId: Id;
  reasons: ('hazard_overdue_15d' | 'noncompliant_2_months')[];
  houseCodes: string[];
}

const previous = (period: string): string => {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};

/** Houses of a scope that a round of `period` covered and whose submission for it was not approved. */
async function notApproved(deps: Deps, placed: PlacedScope, period: string): Promise<Set<Id>> {
  const { store } = deps;
  const rounds = await store.rounds.find({ period });
  if (rounds.length === 0) return new Set();
  const houses = await store.houses.find(placedFilter(placed));
  const approved = new Set(await store.submissions.distinct('houseId', { ...placedFilter(placed), period, status: 'approved' }));
  return new Set(
    houses
      .filter(
        (h) =>
          !approved.has(h.id) &&
          rounds.some((r) => scopeCoversGroup(r.scope, { id: h.groupId, gridId: h.gridId, communityId: h.communityId })),
      )
      .map((h) => h.id),
  );
}

/**
 * 重点关注: landlords of a scope with a hazard overdue for more than 15 days, or whose house
 * missed approval in both of the last two months' rounds — with the reason, for staff.
 */
export async function watchList(deps: Deps, input: { placed: PlacedScope; period: string }): Promise<WatchEntry[]> {
  const { store, clock } = deps;
  const where = placedFilter(input.placed);
  const old = await store.hazards.find({
    ...where,
    status: { in: ['open', 'rectified'] },
    deadline: { lt: new Date(clock.now().getTime() - WATCH_OVERDUE_DAYS * 86_400_000) },
  });
  const lastMonth = previous(input.period);
  const [a, b] = await Promise.all([notApproved(deps, input.placed, lastMonth), notApproved(deps, input.placed, previous(lastMonth))]);
  const twice = [...a].filter((id) => b.has(id));
  const houses = await store.houses.find({ id: { in: [...new Set([...old.map((h) => h.houseId), ...twice])] } });
  const byLandlord = new Map<Id, WatchEntry>();
  for (const h of houses) {
    const e = byLandlord.get(h.landlordId) ?? { landlordId: h.landlordId, reasons: [], houseCodes: [] };
    if (old.some((x) => x.houseId === h.id) && !e.reasons.includes('hazard_overdue_15d')) e.reasons.push('hazard_overdue_15d');
    if (twice.includes(h.id) && !e.reasons.includes('noncompliant_2_months')) e.reasons.push('noncompliant_2_months');
    e.houseCodes.push(h.code);
    byLandlord.set(h.landlordId, e);
  }
  return [...byLandlord.values()];
}
