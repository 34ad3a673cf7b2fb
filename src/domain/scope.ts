import { DomainError } from './errors';
import type { Id } from './types';

/** `street`, `community:<id>`, `grid:<id>` or `group:<id>` (SPEC §2). */
export type Scope = { level: 'street' } | { level: 'community' | 'grid' | 'group'; id: Id };

const SCOPE_RE = /^(community|grid|group):([A-Za-z0-9_-]{1,64})$/;

export function parseScope(input: string | undefined | null): Scope {
  const s = (input ?? 'street').trim();
  if (s === '' || s === 'street') return { level: 'street' };
  const m = SCOPE_RE.exec(s);
  if (!m) throw new DomainError('scope_invalid', `invalid scope "${s.slice(0, 80)}"`, { scope: s.slice(0, 80) });
  return { level: m[1] as 'community' | 'grid' | 'group', id: m[2] as Id };
}

export function formatScope(scope: Scope): string {
  return scope.level === 'street' ? 'street' : `${scope.level}:${scope.id}`;
}

/** A scope with every ancestor resolved (a group scope knows its grid and community). */
export interface PlacedScope {
  level: Scope['level'];
  communityId?: Id;
  gridId?: Id;
  groupId?: Id;
}

/** Whether `inner` lies inside `outer`; both resolved. */
export function scopeContains(outer: PlacedScope, inner: PlacedScope): boolean {
  if (outer.level === 'street') return true;
  if (outer.level === 'community') return inner.communityId === outer.communityId;
  if (outer.level === 'grid') return inner.gridId === outer.gridId;
  return inner.groupId === outer.groupId;
}

/** The filter on denormalised `communityId/gridId/groupId` fields that a resolved scope means. */
export function placedFilter(scope: PlacedScope): { communityId?: Id; gridId?: Id; groupId?: Id } {
  if (scope.level === 'group') return { groupId: scope.groupId };
  if (scope.level === 'grid') return { gridId: scope.gridId };
  if (scope.level === 'community') return { communityId: scope.communityId };
  return {};
}

/** Whether a scope string covers a group (for staff rights and rounds). */
export function scopeCoversGroup(scope: string, g: { id: Id; gridId: Id; communityId: Id }): boolean {
  return scope === 'street' || scope === `community:${g.communityId}` || scope === `grid:${g.gridId}` || scope === `group:${g.id}`;
}
