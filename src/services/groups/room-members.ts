import { audit } from '../access/audit';
import type { Deps } from '../deps';

/**
 * A WeChat room's members left it (Wechaty's `room-leave`) or came back (`room-join`) (issue 25):
 * the houses of the room's group they hold are flagged (`holderLeftAt`, which staff see on the
 * house in the API) or unflagged; a flagged holder is not @mentioned in that room. Returns the
 * houses changed. Nothing for a room bound to no group or people who hold nothing there.
 */
export async function roomMembersChanged(
  deps: Deps,
  input: { roomId: string; wechatIds: readonly string[]; left: boolean },
): Promise<number> {
  const { store, clock } = deps;
  const group = await store.groups.findOne({ roomId: input.roomId });
  if (!group || input.wechatIds.length === 0) return 0;
  const contacts = await store.contacts.find({ wechatId: { in: [...input.wechatIds] } });
  if (contacts.length === 0) return 0;
  const houses = await store.houses.find({ groupId: group.id, contactId: { in: contacts.map((c) => c.id) } });
  const at = input.left ? clock.now() : null;
  for (const h of houses) {
    await store.houses.update(h.id, { holderLeftAt: at });
    await audit(deps, {
      actor: `contact:${h.contactId}`,
      action: input.left ? 'left_room' : 'rejoined_room',
      target: `house:${h.id}`,
      detail: { roomId: input.roomId },
      at: h,
    });
  }
  return houses.length;
}

/** The WeChat ids, of these, of people who left this room while holding a house of its group: nobody @mentions them there. */
export async function leftRoom({ store }: Deps, roomId: string, wechatIds: readonly string[]): Promise<Set<string>> {
  if (wechatIds.length === 0) return new Set();
  const group = await store.groups.findOne({ roomId });
  if (!group) return new Set();
  const gone = (await store.houses.find({ groupId: group.id })).filter((h) => h.holderLeftAt);
  const ids = [...new Set(gone.map((h) => h.contactId).filter((c): c is string => c !== null))];
  if (ids.length === 0) return new Set();
  const contacts = await store.contacts.find({ id: { in: ids }, wechatId: { in: [...wechatIds] } });
  return new Set(contacts.map((c) => c.wechatId));
}
