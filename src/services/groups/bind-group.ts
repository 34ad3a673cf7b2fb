import { audit } from '../access/audit';
import { DomainError } from '../../domain/errors';
import type { Group } from '../../domain/types';
import { redeemBindCode } from './bind-codes';
import type { Deps } from '../deps';

/** `绑定群 CODE` in a room: the room becomes that group's WeChat room. */
export async function bindGroup(
  deps: Deps,
  input: { code: string; roomId: string; botId: string; by: string },
): Promise<{ group: Group; houses: number }> {
  const already = await deps.store.groups.findOne({ roomId: input.roomId });
  if (already) throw new DomainError('room_already_bound', already.name, { group: already.name });
  const code = await redeemBindCode(deps, 'group', input.code, input.by);
  const group = await deps.store.groups.update(code.targetId, { roomId: input.roomId, botId: input.botId });
  if (!group) throw new DomainError('code_invalid', input.code);
  await audit(deps, {
    actor: input.by,
    action: 'bind_group',
    target: `group:${group.id}`,
    detail: { roomId: input.roomId },
    at: { communityId: group.communityId, gridId: group.gridId, groupId: group.id },
  });
  return { group, houses: await deps.store.houses.count({ groupId: group.id }) };
}
