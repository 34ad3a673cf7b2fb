import { DomainError } from '../../domain/errors';
import type { Contact, Group, House } from '../../domain/types';
import type { Deps } from '../deps';
import { ensureContact, type Speaker } from '../conversation/speaker';
import { permit, targetOf } from '../access/permit';

/** `pending`: the house is someone else's; the claim waits for `确认登记` (by staff only, when it is the head's house). */
export type Registration = { status: 'registered' | 'already' | 'pending'; house: House; staffOnly: boolean };

async function houseInGroup({ store }: Deps, group: Group, houseCode: string): Promise<House> {
  const house = await store.houses.findOne({ code: houseCode.toUpperCase() });
  if (!house || house.groupId !== group.id) throw new DomainError('house_not_in_group', houseCode, { code: houseCode });
  return house;
}

/**
 * `登记 HOUSECODE`: links the sender to a house of this group. A house already linked to
 * someone else is not taken over: the request is a claim that waits for `确认登记`.
 */
export async function registerHouse(deps: Deps, input: { group: Group; wechatId: string; name: string; houseCode: string }): Promise<Registration> {
  const house = await houseInGroup(deps, input.group, input.houseCode);
  const staffOnly = house.id === input.group.headHouseId;
  const contact = await ensureContact(deps, input.wechatId, input.name);
  if (house.contactId === contact.id) return { status: 'already', house, staffOnly };
  // compare-and-set: of two people registering at once, one wins and the other's is a claim
  if (await deps.store.houses.updateWhere({ id: house.id, contactId: null }, { contactId: contact.id, pendingContactId: null })) {
    await deps.store.contacts.update(contact.id, { landlordId: house.landlordId });
    return { status: 'registered', house: { ...house, contactId: contact.id }, staffOnly };
  }
  await deps.store.houses.update(house.id, { pendingContactId: contact.id });
  await deps.store.audit.insert({ actor: `contact:${contact.id}`, action: 'claim_house', target: `house:${house.id}`, detail: { holder: house.contactId }, communityId: house.communityId, gridId: house.gridId, groupId: house.groupId });
  return { status: 'pending', house, staffOnly };
}

export interface Confirmation { house: House; claimant: Contact; previous: Contact | null }

/**
 * `确认登记 HOUSECODE` (SPEC §3 Ownership): the pending claim takes the house. Staff may
 * confirm any claim in their groups; the head may, except on the head's own house; nobody
 * confirms their own claim. Returns who lost the house, so they can be told.
 */
export async function confirmRegistration(deps: Deps, input: { group: Group; speaker: Speaker; houseCode: string }): Promise<Confirmation> {
  const { store } = deps;
  const { speaker } = input;
  const house = await houseInGroup(deps, input.group, input.houseCode);
  if (!house.pendingContactId) throw new DomainError('not_found', 'pending registration', { code: house.code });
  if (speaker.contact && house.pendingContactId === speaker.contact.id) throw new DomainError('own_claim', house.code, { code: house.code });
  if (!speaker.staff && house.id === input.group.headHouseId && speaker.isHead) throw new DomainError('head_house_claim', house.code, { code: house.code });
  // staff of the group's scope, or its head (SPEC §3) — the one policy
  const by = permit(speaker.actors, 'houses:confirm', { ...targetOf(house), houseId: house.id }, house.code);
  const [claimant, previous] = await Promise.all([store.contacts.get(house.pendingContactId), house.contactId ? store.contacts.get(house.contactId) : null]);
  // compare-and-set on both fields: a claim confirmed twice, or replaced meanwhile, moves the house once
  const moved = await store.houses.updateWhere({ id: house.id, pendingContactId: house.pendingContactId, contactId: house.contactId }, { contactId: house.pendingContactId, pendingContactId: null });
  if (!moved || !claimant) throw new DomainError('not_found', 'pending registration', { code: house.code });
  await store.contacts.update(claimant.id, { landlordId: house.landlordId });
  await store.audit.insert({ actor: by.id, action: 'confirm_registration', target: `house:${house.id}`, detail: { from: house.contactId, to: claimant.id }, communityId: house.communityId, gridId: house.gridId, groupId: house.groupId });
  return { house: { ...house, contactId: claimant.id, pendingContactId: null }, claimant, previous };
}
