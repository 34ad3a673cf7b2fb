import { placedFilter, type PlacedScope } from '../domain/scope';
import type { Deps } from './deps';

export interface Stats {
  scope: string;
  period: string;
  letterVersion: number | null;
  houses: number;
  keyHouses: number;
  committed: number;
  submitted: number;
  approved: number;
  compliant: number;
  hazardsOpen: number;
  hazardsOverdue: number;
  rates: { commitment: number; inspection: number; compliance: number };
}

const rate = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 10_000) / 10_000);

/**
 * The campaign figures of SPEC §6 for a scope and month. `submitted` counts submissions
 * with every required photo (complete or approved); a house is `compliant` when it has
 * committed to the current letter, its submission for the period is approved, and it
 * has no overdue hazard now.
 */
export async function getStats({ store, clock }: Deps, scope: PlacedScope & { label: string }, period: string): Promise<Stats> {
  const where = placedFilter(scope);
  const now = clock.now();
  const letter = await store.letters.findOne({}, { version: -1 });
  const letterVersion = letter?.version ?? null;
  const live = { in: ['open', 'rectified'] as ('open' | 'rectified')[] };

  const [houses, keyHouses, committedIds, submitted, approvedIds, hazardsOpen, overdueIds] = await Promise.all([
    store.houses.count(where),
    store.houses.count({ ...where, isKey: true }),
    letterVersion === null ? Promise.resolve([]) : store.commitments.distinct('houseId', { ...where, letterVersion }),
    store.submissions.count({ ...where, period, status: { in: ['complete', 'approved'] } }),
    store.submissions.distinct('houseId', { ...where, period, status: 'approved' }),
    store.hazards.count({ ...where, status: live }),
    store.hazards.distinct('houseId', { ...where, status: live, deadline: { lt: now } }),
  ]);
  const committed = new Set(committedIds);
  const overdue = new Set(overdueIds);
  const compliant = approvedIds.filter((id) => committed.has(id) && !overdue.has(id)).length;
  const hazardsOverdue = await store.hazards.count({ ...where, status: live, deadline: { lt: now } });

  return {
    scope: scope.label,
    period,
    letterVersion,
    houses,
    keyHouses,
    committed: committed.size,
    submitted,
    approved: approvedIds.length,
    compliant,
    hazardsOpen,
    hazardsOverdue,
    rates: { commitment: rate(committed.size, houses), inspection: rate(submitted, houses), compliance: rate(compliant, houses) },
  };
}
