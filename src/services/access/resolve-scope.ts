import { DomainError } from '../../domain/errors';
import { parseScope, type PlacedScope } from '../../domain/scope';
import type { Store } from '../../storage/store';

/** `group:ID` → its group, grid and community ids; unknown ids are `not_found`. */
export async function resolveScope(store: Store, input: string | undefined | null): Promise<PlacedScope> {
  const scope = parseScope(input);
  const missing = () => new DomainError('not_found', `scope ${input} not found`, { what: String(input) });
  switch (scope.level) {
    case 'street':
      return { level: 'street' };
    case 'community': {
      const c = await store.communities.get(scope.id);
      if (!c) throw missing();
      return { level: 'community', communityId: c.id };
    }
    case 'grid': {
      const g = await store.grids.get(scope.id);
      if (!g) throw missing();
      return { level: 'grid', communityId: g.communityId, gridId: g.id };
    }
    case 'group': {
      const g = await store.groups.get(scope.id);
      if (!g) throw missing();
      return { level: 'group', communityId: g.communityId, gridId: g.gridId, groupId: g.id };
    }
  }
}
