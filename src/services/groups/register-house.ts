import { audit } from '../access/audit';
import { DomainError } from '../../domain/errors';
import type { Contact, Group, House } from '../../domain/types';
import type { Deps } from '../deps';
import { ensureContact, type Speaker } from '../conversation/speaker';
import { createIntent, type Said } from '../conversation/intents';
import { permit, targetOf } from '../access/permit';
import { phoneDigits, registrationLocked } from './prove-registration';

/**
 * `pending`: the house is someone else's; the claim waits for `确认登记` (by staff only, when it is the head's house).
 * `claim`: nobody holds it but the roster has no phone to prove it by: a claim for the head or staff to confirm.
 * `proof`: the bot asked for the last four digits of the roster's phone (an intent of the sender's).
 */
export type Registration =
  | { status: 'registered' | 'already' | 'pending' | 'claim'; house: House; staffOnly: boolean }
  /** the last four digits are asked of `contactId` (made now for a first-time speaker) */
  | { status: 'proof'; house: House; staffOnly: boolean; contactId: string };

async function houseInGroup({ store }: Deps, group: Group, houseCode: string): Promise<House> {
  const house = await store.houses.findOne({ code: houseCode.toUpperCase() });
  if (!house || house.groupId !== group.id) throw new DomainError('house_not_in_group', houseCode, { code: houseCode });
  return house;
}

/**
 * `登记 HOUSECODE` (issue 25): a house nobody holds is proved by the last four digits of its
 * roster phone (the bot asks; `proveRegistration` checks the answer), or, with no phone in the
 * roster, becomes a claim for the head or staff to confirm. A house already linked to someone
 * else is not taken over: the request is a claim that waits for `确认登记`. Registrations made
 * before this stay as they are.
 */
export async function registerHouse(
  deps: Deps,
  input: { group: Group; wechatId: string; name: string; houseCode: string; said: Omit<Said, 'contactId'> },
): Promise<Registration> {
  const house = await houseInGroup(deps, input.group, input.houseCode);
  const staffOnly = house.id === input.group.headHouseId;
  const contact = await ensureContact(deps, input.wechatId, input.name);
  if (house.contactId === contact.id) return { status: 'already', house, staffOnly };
  if (house.contactId) {
    await claim(deps, house, contact);
    return { status: 'pending', house, staffOnly };
  }
  if (await registrationLocked(deps, house)) throw new DomainError('register_locked', house.code, { code: house.code });
  const landlord = await deps.store.landlords.get(house.landlordId);
  if (phoneDigits(landlord?.phone).length < 4) {
    await claim(deps, house, contact);
    return { status: 'claim', house, staffOnly };
  }
  // the answer is awaited from this person, in this conversation (a bare number from anyone else is chat)
  await createIntent(deps, { ...input.said, contactId: contact.id }, 'register_proof', { houseId: house.id }, { replace: true });
  return { status: 'proof', house, staffOnly, contactId: contact.id };
}

/** A claim on a house, recorded for `确认登记` (audited). */
async function claim(deps: Deps, house: House, contact: Contact): Promise<void> {
  await deps.store.houses.update(house.id, { pendingContactId: contact.id });
  await audit(deps, {
    actor: `contact:${contact.id}`,
    action: 'claim_house',
    target: `house:${house.id}`,
    detail: { holder: house.contactId },
    at: house,
  });
}

export interface Confirmation {
  house: House;
  claimant: Contact;
  previous: Contact | null;
}

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
  if (speaker.contact && house.pendingContactId === speaker.contact.id)
    throw new DomainError('own_claim', house.code, { code: house.code });
  if (!speaker.staff && house.id === input.group.headHouseId && speaker.isHead)
    throw new DomainError('head_house_claim', house.code, { code: house.code });
  // staff of the group's scope, or its head (SPEC §3) — the one policy
  const by = permit(speaker.actors, 'houses:confirm', { ...targetOf(house), houseId: house.id }, house.code);
  const [claimant, previous] = await Promise.all([
    store.contacts.get(house.pendingContactId),
    house.contactId ? store.contacts.get(house.contactId) : null,
  ]);
  // compare-and-set on both fields: a claim confirmed twice, or replaced meanwhile, moves the house once
  const moved = await store.houses.updateWhere(
    { id: house.id, pendingContactId: house.pendingContactId, contactId: house.contactId },
    { contactId: house.pendingContactId, pendingContactId: null },
  );
  if (!moved || !claimant) throw new DomainError('not_found', 'pending registration', { code: house.code });
  await store.houses.update(house.id, { holderLeftAt: null });
  await store.contacts.update(claimant.id, { landlordId: house.landlordId });
  await audit(deps, {
    actor: by.id,
    action: 'confirm_registration',
    target: `house:${house.id}`,
    detail: { from: house.contactId, to: claimant.id },
    at: house,
  });
  return { house: { ...house, contactId: claimant.id, pendingContactId: null }, claimant, previous };
}
