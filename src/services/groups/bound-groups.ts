import { placedFilter, type PlacedScope } from '../../domain/scope';
import type { Group } from '../../domain/types';
import type { Store } from '../../storage/store';

/** The groups of a resolved scope whose WeChat room is bound: where posts for that scope go. */
export function boundGroups(store: Store, scope: PlacedScope): Promise<Group[]> {
  const f = placedFilter(scope);
  return store.groups.find({ ...(f.groupId ? { id: f.groupId } : f), roomId: { ne: null } });
}
