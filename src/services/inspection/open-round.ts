import { BASE_ITEMS, KEY_ITEMS } from '../../domain/checklist';
import { DomainError } from '../../domain/errors';
import type { Group, Round } from '../../domain/types';
import { boundGroups } from '../groups/bound-groups';
import type { Deps } from '../deps';
import { resolveScope } from '../access/resolve-scope';

export interface RoundAnnouncement {
  group: Group;
  houses: number;
  keyHouses: number;
}

/**
 * Opens a self-inspection round now for a scope (one per period and scope) and says
 * which bound rooms should hear of it, with the checklist their houses need.
 */
export async function openRound(
  deps: Deps,
  input: { period: string; deadline: Date; scope: string; by: string },
): Promise<{ round: Round; announce: RoundAnnouncement[] }> {
  const { store, clock } = deps;
  const placed = await resolveScope(store, input.scope);
  if (input.deadline <= clock.now()) throw new DomainError('validation', 'deadline in the past', { detailKey: 'deadline_future' });
  const round = await store.rounds.insert({
    period: input.period,
    deadline: input.deadline,
    scope: input.scope,
    status: 'open',
    openedAt: clock.now(),
  });
  await store.audit.insert({
    actor: input.by,
    action: 'open_round',
    target: `round:${round.id}`,
    detail: { period: input.period, scope: input.scope },
    communityId: placed.communityId ?? null,
    gridId: placed.gridId ?? null,
    groupId: placed.groupId ?? null,
  });
  const groups = await boundGroups(store, placed);
  const announce = await Promise.all(
    groups.map(async (group) => ({
      group,
      houses: await store.houses.count({ groupId: group.id }),
      keyHouses: await store.houses.count({ groupId: group.id, isKey: true }),
    })),
  );
  return { round, announce };
}

export const checklistFor = (keyHouse: boolean) => (keyHouse ? KEY_ITEMS : BASE_ITEMS);
