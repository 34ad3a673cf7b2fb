import { DomainError } from '../domain/errors';
import type { Group, House } from '../domain/types';
import type { Deps } from './deps';
import { ensureContact, type Speaker } from './speaker';

export type Registration = { status: 'registered' | 'already' | 'pending'; house: House };

async function houseInGroup({ store }: Deps, group: Group, houseCode: string): Promise<House> {
  const house = await store.houses.findOne({ code: houseCode.toUpperCase() });
  if (!house || house.groupId !== group.id) throw new DomainError('house_not_in_group', houseCode, { code: houseCode });
  return house;
}

/**
 * `登记 HOUSECODE`: links the sender to a house of this group. A house already linked
 * to someone else is not taken over: the request waits for `确认登记` by the head or staff.
 */
export async function registerHouse(deps: Deps, input: { group: Group; wechatId: string; name: string; houseCode: string }): Promise<Registration> {
  const house = await houseInGroup(deps, input.group, input.houseCode);
  const contact = await ensureContact(deps, input.wechatId, input.name);
  if (house.contactId === contact.id) return { status: 'already', house };
  // compare-and-set: of two people registering at once, one wins and the other waits for confirmation
  if (await deps.store.houses.updateWhere({ id: house.id, contactId: null }, { contactId: contact.id, pendingContactId: null })) {
    await deps.store.contacts.update(contact.id, { landlordId: house.landlordId });
    return { status: 'registered', house: { ...house, contactId: contact.id } };
  }
  await deps.store.houses.update(house.id, { pendingContactId: contact.id });
  return { status: 'pending', house };
}

/** `确认登记 HOUSECODE` by the head or staff: the pending person becomes the house's contact. */
export async function confirmRegistration(deps: Deps, input: { group: Group; speaker: Speaker; houseCode: string }): Promise<House> {
  if (!input.speaker.isHead && !input.speaker.staff) throw new DomainError('not_allowed', 'confirm');
  const house = await houseInGroup(deps, input.group, input.houseCode);
  if (!house.pendingContactId) throw new DomainError('not_found', 'pending registration', { code: house.code });
  const updated = await deps.store.houses.update(house.id, { contactId: house.pendingContactId, pendingContactId: null });
  await deps.store.contacts.update(house.pendingContactId, { landlordId: house.landlordId });
  await deps.store.audit.insert({ actor: input.speaker.wechatId, action: 'confirm_registration', target: `house:${house.id}`, detail: {} });
  return updated!;
}
