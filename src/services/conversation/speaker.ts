import type { Actor } from '../../domain/policy';
import { scopeContains } from '../../domain/scope';
import { resolveScope } from '../access/resolve-scope';
import type { Contact, Group, House, User } from '../../domain/types';
import type { Deps } from '../deps';

/** Who is speaking, as the rules see them: their contact record, their houses here, their roles. */
export interface Speaker {
  wechatId: string;
  name: string;
  contact: Contact | null;
  /** in a room: their houses in its group; in a private chat: all their houses */
  houses: House[];
  /** the head of this room's group (never in a private chat) */
  isHead: boolean;
  /** a linked staff or admin user: in a room, only one whose scope covers the group */
  staff: User | null;
  /** who they are to the permission policy here: bound staff, the head, a landlord (strongest first) */
  actors: Actor[];
}

/** The contact record of a WeChat contact, made on first need; the name kept current. */
export async function ensureContact({ store }: Deps, wechatId: string, name: string): Promise<Contact> {
  const [r] = await store.contacts.upsertMany([{ wechatId, name: name.slice(0, 60) }], ['wechatId']);
  return (await store.contacts.get(r!.id))!;
}

/** Who is speaking in a group's room (`where` is the group, or null for an unbound room) or in a private chat. */
export async function resolveSpeaker(
  { store }: Deps,
  where: { group: Group | null } | 'private',
  wechatId: string,
  name: string,
): Promise<Speaker> {
  const contact = await store.contacts.findOne({ wechatId });
  const group = where === 'private' ? null : where.group;
  const houses = !contact
    ? []
    : where === 'private'
      ? await store.houses.find({ contactId: contact.id }, { sort: { code: 1 } })
      : group
        ? await store.houses.find({ groupId: group.id, contactId: contact.id }, { sort: { code: 1 } })
        : [];
  const isHead = Boolean(group?.headHouseId && houses.some((h) => h.id === group.headHouseId));
  const ownHouseIds = houses.map((h) => h.id);
  const actors: Actor[] = [];
  let staff: User | null = null;
  if (contact?.userId) {
    const user = await store.users.get(contact.userId);
    const scope =
      user?.active && (user.role === 'admin' || user.role === 'staff') ? await resolveScope(store, user.scope).catch(() => null) : null;
    if (user && scope) {
      actors.push({ id: `user:${user.id}`, role: user.role, scope, channel: 'wechat', ownHouseIds });
      const covers =
        where === 'private' ||
        (group !== null &&
          scopeContains(scope, { level: 'group', communityId: group.communityId, gridId: group.gridId, groupId: group.id }));
      if (covers) staff = user;
    }
  }
  const me = `contact:${contact?.id ?? wechatId}`;
  if (isHead && group)
    actors.push({
      id: me,
      role: 'head',
      scope: { level: 'group', communityId: group.communityId, gridId: group.gridId, groupId: group.id },
      channel: 'wechat',
      ownHouseIds,
    });
  // a landlord acts on their own houses: those of this room, or all of theirs in a private chat
  if (houses.length) actors.push({ id: me, role: 'landlord', scope: { level: 'street' }, channel: 'wechat', ownHouseIds });
  return { wechatId, name, contact, houses, isHead, staff, actors };
}

/**
 * Handles a message once: its id, its effects and its reply reach the disk together (one
 * unit of work), so after a crash a redelivered message is either ignored or handled afresh.
 * Null, without calling `handle`, when the id was handled before (Wechaty redelivers after reconnects).
 */
export function handleOnce<R>({ store }: Deps, messageId: string, handle: () => Promise<R | null>): Promise<R | null> {
  return store.atomically(async () => ((await store.markProcessed(messageId, 'message')) ? handle() : null));
}
