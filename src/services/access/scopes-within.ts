import type { PlacedScope } from '../../domain/scope';
import type { Store } from '../../storage/store';

/**
 * Every scope string that lies inside a resolved scope (itself, its grids, its groups), for
 * records that carry a scope string (broadcasts, rounds); null for the whole street.
 */
export async function scopesWithin(store: Store, p: PlacedScope): Promise<string[] | null> {
  if (p.level === 'street') return null;
  if (p.level === 'group') return [`group:${p.groupId}`];
  if (p.level === 'grid') return [`grid:${p.gridId}`, ...(await store.groups.find({ gridId: p.gridId! })).map((g) => `group:${g.id}`)];
  const [grids, groups] = await Promise.all([
    store.grids.find({ communityId: p.communityId! }),
    store.groups.find({ communityId: p.communityId! }),
  ]);
  return [`community:${p.communityId}`, ...grids.map((g) => `grid:${g.id}`), ...groups.map((g) => `group:${g.id}`)];
}
