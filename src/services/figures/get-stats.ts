import { placedFilter, type PlacedScope } from '../../domain/scope';
import { emptyFigures, type FigureQuery, type FigureRow } from '../../storage/figures';
import type { Store } from '../../storage/store';
import type { Deps } from '../deps';
import { currentLetterVersion } from '../commitments/letter-version';
import { frozenFigures, isClosed } from './frozen-figures';

/** The figures of a scope and month (SPEC §6), with their rates. */
export interface Stats extends Omit<FigureRow, 'key'> {
  scope: string;
  period: string;
  letterVersion: number | null;
  rates: { commitment: number; inspection: number; compliance: number };
}

const rate = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 10_000) / 10_000);

/** A row of figures with its rates (SPEC §6). */
export const withRates = <R extends FigureRow>(r: R) => ({
  ...r,
  rates: { commitment: rate(r.committed, r.houses), inspection: rate(r.submitted, r.houses), compliance: rate(r.compliant, r.houses) },
});

/**
 * Figures are kept by the store for the current month and letter (issue 29); any other month
 * (not closed) is counted by the database; a result is reused only while nothing it depends on
 * can have changed: the store's revision (every write here, or another process's commit)
 * and the clock before the next hazard deadline. So a cached figure always equals a recount.
 */
const memo = new WeakMap<Store, Map<string, { revision: string; until: number; rows: FigureRow[] }>>();
/** what a count depends on besides the revision: the scope's place columns, the grouping, the month */
const keyOf = (q: Omit<FigureQuery, 'now' | 'letterVersion'>) =>
  JSON.stringify([q.where.communityId ?? null, q.where.gridId ?? null, q.where.groupId ?? null, q.by, q.period]);
const ADDED = ['houses', 'keyHouses', 'committed', 'submitted', 'approved', 'compliant', 'hazardsOpen', 'hazardsOverdue'] as const;
/** the street's row as the sum of its communities' (every house and hazard lies in exactly one) */
const sumRows = (rows: FigureRow[]): FigureRow =>
  rows.reduce((sum, r) => {
    for (const k of ADDED) sum[k] += r[k];
    return sum;
  }, emptyFigures(null));
export async function countFigures(
  deps: Deps,
  q: Omit<FigureQuery, 'now' | 'letterVersion'>,
): Promise<{ letterVersion: number | null; rows: FigureRow[] }> {
  const { store, clock } = deps;
  const now = clock.now();
  const revision = store.revision();
  const key = keyOf(q);
  const cache = memo.get(store) ?? memo.set(store, new Map()).get(store)!;
  const hit = revision !== null ? cache.get(key) : undefined;
  const letterVersion = await currentLetterVersion(store);
  if (hit && hit.revision === `${revision}:${letterVersion}` && now.getTime() < hit.until) return { letterVersion, rows: hit.rows };
  // a closed month is what was true when it closed (issue 29): its frozen rows, not today's houses
  if (await isClosed(deps, q.period)) return { letterVersion, rows: await frozenFigures(deps, q) };
  // the month and letter the store keeps counters for (issue 29): summed from its groups, no recount
  const kept = await store.kept?.read({ ...q, letterVersion, now });
  if (kept) return { letterVersion, rows: kept };
  // many callers asking the same at once share one count (a dashboard opened by a whole office)
  const flightKey = `${key}|${revision}:${letterVersion}`;
  let flight = revision !== null ? inFlight.get(flightKey) : undefined;
  if (!flight) {
    // a scope's total is counted per part one level down (the street per community, a community per
    // grid, a grid per group) in the same one pass and summed: the overview asks for the parts next
    const below = q.by !== 'all' || q.where.groupId ? null : q.where.gridId ? 'group' : q.where.communityId ? 'grid' : 'community';
    flight = Promise.all([store.figures({ ...q, by: below ?? q.by, letterVersion, now }), store.nextDeadline(now)])
      .then(([counted, next]) => {
        const rows = below ? [sumRows(counted)] : counted;
        if (revision !== null) {
          if (cache.size > 500) cache.clear();
          const entry = (r: FigureRow[]) => ({
            revision: `${revision}:${letterVersion}`,
            until: next ? next.getTime() : Number.POSITIVE_INFINITY,
            rows: r,
          });
          cache.set(key, entry(rows));
          const column = below && (`${below}Id` as const);
          if (column)
            for (const c of counted)
              if (c.key) cache.set(keyOf({ where: { [column]: c.key }, by: 'all', period: q.period }), entry([{ ...c, key: null }]));
        }
        return rows;
      })
      .finally(() => inFlight.delete(flightKey));
    if (revision !== null) inFlight.set(flightKey, flight);
  }
  return { letterVersion, rows: await flight };
}
const inFlight = new Map<string, Promise<FigureRow[]>>();

/**
 * The campaign figures of SPEC §6 for a scope and month. `submitted` counts houses whose
 * submission for the period has every photo (complete or approved); a house is `compliant`
 * when it has committed to the current letter, its submission for the period is approved,
 * and it has no overdue hazard now.
 */
export async function getStats(deps: Deps, scope: PlacedScope & { label: string }, period: string): Promise<Stats> {
  const { letterVersion, rows } = await countFigures(deps, { where: placedFilter(scope), by: 'all', period });
  const { key: _key, ...figures } = withRates(rows[0]!);
  return { scope: scope.label, period, letterVersion, ...figures };
}
