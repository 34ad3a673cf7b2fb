import type { Group, House, Locale } from '../../domain/types';
import type { Deps } from '../deps';

/** A room to tell something in: its group, whom to @mention, and the group's language. */
export interface Audience {
  group: Group;
  roomId: string;
  mentions: string[];
  lng: Locale | null;
}

/** The WeChat ids of a house's registered landlord (none when it is not registered): whom news about it @mentions. */
export async function ownerMentions({ store }: Deps, house: Pick<House, 'contactId'> | null): Promise<string[]> {
  const owner = house?.contactId ? await store.contacts.get(house.contactId) : null;
  return owner ? [owner.wechatId] : [];
}

/** Where news about a house is told: its group's room, @mentioning its registered landlord. Null when the room is not bound. */
export async function houseAudience(deps: Deps, houseId: string): Promise<Audience | null> {
  const house = await deps.store.houses.get(houseId);
  const group = house ? await deps.store.groups.get(house.groupId) : null;
  if (!house || !group?.roomId) return null;
  return { group, roomId: group.roomId, mentions: await ownerMentions(deps, house), lng: group.locale ?? null };
}
