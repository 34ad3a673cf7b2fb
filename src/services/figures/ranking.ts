import type { Id } from '../../domain/types';
import type { FigureRow } from '../../storage/figures';
import type { Deps } from '../deps';
import { countFigures, withRates } from './get-stats';

export type Ranked = Omit<FigureRow, 'key'> & {
  rank: number;
  id: Id;
  name: string;
  rates: { commitment: number; inspection: number; compliance: number };
};

/**
 * The groups (or grids) of a scope ordered by compliance rate, then commitment and
 * inspection rates (then name), with their figures — one aggregation in the store, the
 * same the daily ranking post and the monthly report use.
 */
export async function rankScope(
  deps: Deps,
  input: { where: { communityId?: Id; gridId?: Id; groupId?: Id }; by: 'group' | 'grid'; period: string },
): Promise<Ranked[]> {
  const { rows } = await countFigures(deps, { where: input.where, by: input.by, period: input.period });
  // the same counts (nothing written since) rank the same: names and order are kept with them
  const kept = ranked.get(rows);
  if (kept) return kept;
  const ids = rows.map((r) => r.key!).filter(Boolean);
  const named = input.by === 'grid' ? await deps.store.grids.find({ id: { in: ids } }) : await deps.store.groups.find({ id: { in: ids } });
  const names = new Map(named.map((n) => [n.id, n.name]));
  const result = rows
    .filter((r) => r.key && names.has(r.key))
    .map((r) => {
      const { key, ...f } = withRates(r);
      return { ...f, id: key!, name: names.get(key!)! };
    })
    .sort(
      (a, b) =>
        b.rates.compliance - a.rates.compliance ||
        b.rates.commitment - a.rates.commitment ||
        b.rates.inspection - a.rates.inspection ||
        a.name.localeCompare(b.name, 'zh-CN'),
    )
    .map((r, i) => ({ rank: i + 1, ...r }));
  ranked.set(rows, result);
  return result;
}
const ranked = new WeakMap<FigureRow[], Ranked[]>();
