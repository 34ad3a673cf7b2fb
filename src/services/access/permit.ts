import { DomainError } from '../../domain/errors';
import { actingAs, type Action, type Actor, type Target } from '../../domain/policy';
import type { Placed } from '../../domain/types';

/** A record's place in the street, as a policy target (with its house, for own-house rules). */
export const targetOf = (r: Placed & { houseId?: string }): Target => ({
  level: 'group',
  communityId: r.communityId,
  gridId: r.gridId,
  groupId: r.groupId,
  houseId: r.houseId,
});

/**
 * The policy applied where a service acts: the actor that may take the action (a person in
 * WeChat may be several), or the error the person is told — their own house, or not allowed.
 */
export function permit(actors: Actor | readonly Actor[], action: Action, target: Target, code = ''): Actor {
  const { actor, refusal } = actingAs(Array.isArray(actors) ? actors : [actors as Actor], action, target);
  if (actor) return actor;
  if (refusal === 'own_house') throw new DomainError('own_house', code, { code });
  if (refusal === 'scope') throw new DomainError('outside_scope', action);
  throw new DomainError('not_allowed', action);
}
