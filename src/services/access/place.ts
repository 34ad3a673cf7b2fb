import { DomainError } from '../../domain/errors';
import type { Target } from '../../domain/policy';
import type { PlacedScope } from '../../domain/scope';

/** Where someone acts: a bound room's group (`room`), or a staff member's scope. */
export type Place = PlacedScope & { room?: boolean };

/** A place someone acts in (a bound room's group, or a staff member's scope) as a policy target. */
export const placeTarget = (p: PlacedScope): Target => ({
  level: p.level,
  communityId: p.communityId,
  gridId: p.gridId,
  groupId: p.groupId,
});

/**
 * A record that is not in the place someone acts in. In a room that is "not in this group"
 * (with its code or number, which the speaker typed); for a scoped caller a record outside
 * the scope does not exist (404, whether it exists elsewhere or not).
 */
export function notFoundIn(within: Place, what: 'houses' | 'record', ref: { code?: string; number?: number }): DomainError {
  if (within.room && what === 'houses' && ref.code) return new DomainError('house_not_in_group', ref.code, { code: ref.code });
  return new DomainError('not_found', what, { whatKey: what });
}
