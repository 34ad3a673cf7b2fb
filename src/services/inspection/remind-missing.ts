import type { Group } from '../../domain/types';
import type { Deps } from '../deps';
import { groupProgress } from './group-progress';


/** Who in a group still owes something: @mentions, unregistered house codes, all codes missing (the door renders it). */
export interface MissingInGroup { mentions: string[]; unregistered: string[]; codes: string[] }

/**
 * `mentions`: WeChat ids of registered landlords still missing their commitment or photos;
 * `unregistered`: houses nobody has registered yet (no one to @mention); `codes`: houses
 * still missing something.
 */
export type Missing = MissingInGroup;

/** `催办`: who in a group still owes something — for @mentions, never more. */
export async function remindMissing(deps: Deps, group: Group): Promise<Missing> {
  const progress = await groupProgress(deps, group);
  const behind = progress.houses.filter((h) => h.mark !== '✅');
  const houses = await deps.store.houses.find({ groupId: group.id, code: { in: behind.map((h) => h.code) } });
  const contactIds = [...new Set(houses.map((h) => h.contactId).filter((c): c is string => c !== null))];
  const contacts = contactIds.length ? await deps.store.contacts.find({ id: { in: contactIds } }) : [];
  return {
    mentions: contacts.map((c) => c.wechatId),
    unregistered: houses.filter((h) => !h.contactId).map((h) => h.code),
    codes: behind.map((h) => h.code),
  };
}
