import type { Group } from '../../domain/types';
import type { Deps } from '../deps';

/** Where news about a house is told: its group's room, @mentioning its registered landlord. Null when the room is not bound. */
export async function houseAudience({ store }: Deps, houseId: string): Promise<{ group: Group; roomId: string; mentions: string[] } | null> {
  const house = await store.houses.get(houseId);
  const group = house ? await store.groups.get(house.groupId) : null;
  if (!house || !group?.roomId) return null;
  const owner = house.contactId ? await store.contacts.get(house.contactId) : null;
  return { group, roomId: group.roomId, mentions: owner ? [owner.wechatId] : [] };
}
