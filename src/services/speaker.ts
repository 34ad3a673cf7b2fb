import { scopeCoversGroup } from '../domain/scope';
import type { Contact, Group, House, User } from '../domain/types';
import type { Deps } from './deps';

/** Who is speaking, as the rules see them: their contact record, their houses in this group, their roles. */
export interface Speaker {
  wechatId: string;
  name: string;
  contact: Contact | null;
  /** houses in the group they are registered for */
  houses: House[];
  isHead: boolean;
  /** a linked staff or admin user whose scope covers the group */
  staff: User | null;
}

/** The contact record of a WeChat contact, made on first need; the name kept current. */
export async function ensureContact({ store }: Deps, wechatId: string, name: string): Promise<Contact> {
  const [r] = await store.contacts.upsertMany([{ wechatId, name: name.slice(0, 60) }], ['wechatId']);
  return (await store.contacts.get(r!.id))!;
}

export async function resolveSpeaker({ store }: Deps, group: Group | null, wechatId: string, name: string): Promise<Speaker> {
  const contact = await store.contacts.findOne({ wechatId });
  const houses = contact && group ? await store.houses.find({ groupId: group.id, contactId: contact.id }) : [];
  const isHead = Boolean(group?.headHouseId && houses.some((h) => h.id === group.headHouseId));
  let staff: User | null = null;
  if (contact?.userId) {
    const user = await store.users.get(contact.userId);
    if (user?.active && (user.role === 'admin' || user.role === 'staff') && group && scopeCoversGroup(user.scope, group)) staff = user;
  }
  return { wechatId, name, contact, houses, isHead, staff };
}
