import type { HouseFigure, FigureQuery, FigureRow } from '../../storage/figures';
import { emptyFigures } from '../../storage/figures';
import type { Store } from '../../storage/store';
import type { Deps } from '../deps';

/** Whether a month has been closed (its house rows frozen by `closeMonth`). */
export const isClosed = async ({ store }: Deps, period: string) =>
  (await store.audit.count({ target: `period:${period}`, action: 'close_month' })) > 0;

/** One frozen house row added to a row of figures (the same definitions as the live count, SPEC §6). */
export function addHouse(f: FigureRow, h: HouseFigure): void {
  f.houses += 1;
  f.keyHouses += Number(h.isKey);
  f.committed += Number(h.committed);
  f.submitted += Number(h.submission === 'complete' || h.submission === 'approved');
  f.approved += Number(h.submission === 'approved');
  f.compliant += Number(h.committed && h.submission === 'approved' && h.hazardsOverdue === 0);
  f.hazardsOpen += h.hazardsOpen;
  f.hazardsOverdue += h.hazardsOverdue;
}

const PAGE = 5000;
/** closed months' figures, kept for good: a closed month never changes (issue 29: months that stay as they were) */
const kept = new WeakMap<Store, Map<string, Promise<FigureRow[]>>>();

/**
 * The figures of a closed month, summed from its frozen house rows: what was true when it
 * closed, whatever the roster, hazards or reviews did afterwards. Read once per scope and
 * grouping, then kept (closing is once and for good).
 */
export function frozenFigures(deps: Deps, q: Pick<FigureQuery, 'where' | 'by' | 'period'>): Promise<FigureRow[]> {
  const { store } = deps;
  const cache = kept.get(store) ?? kept.set(store, new Map()).get(store)!;
  const key = JSON.stringify([q.where.communityId ?? null, q.where.gridId ?? null, q.where.groupId ?? null, q.by, q.period]);
  let rows = cache.get(key);
  if (!rows) {
    rows = sumFrozen(store, q).catch((e) => {
      cache.delete(key);
      throw e;
    });
    if (cache.size > 2000) cache.clear();
    cache.set(key, rows);
  }
  return rows;
}

async function sumFrozen(store: Store, q: Pick<FigureQuery, 'where' | 'by' | 'period'>): Promise<FigureRow[]> {
  const parts = new Map<string | null, FigureRow>();
  const column = q.by === 'all' ? null : (`${q.by}Id` as const);
  if (!column) parts.set(null, emptyFigures(null));
  const where = {
    ...(q.where.communityId ? { communityId: q.where.communityId } : {}),
    ...(q.where.gridId ? { gridId: q.where.gridId } : {}),
    ...(q.where.groupId ? { groupId: q.where.groupId } : {}),
  };
  for (let after: string | undefined; ;) {
    const page = await store.reportRows.find(
      { ...where, period: q.period, ...(after ? { code: { gt: after } } : {}) },
      { sort: { code: 1 }, limit: PAGE },
    );
    for (const r of page) {
      const k = column ? r[column] : null;
      addHouse(parts.get(k) ?? parts.set(k, emptyFigures(k)).get(k)!, r.data);
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!.code;
  }
  return [...parts.values()];
}
