import { scopeCoversGroup } from '../../domain/scope';
import type { Group, House } from '../../domain/types';
import type { Deps } from '../deps';
import { linkedStaff } from '../access/linked-staff';
import { findIntent, takeIntent, type Said } from '../conversation/intents';
import type { NoticeData } from '../sending/notifier';

const DAY_MS = 86_400_000;

/** The digits of a phone as the roster holds it; fewer than four: nothing to prove a registration by. */
export const phoneDigits = (phone: string | null | undefined): string => (phone ?? '').replace(/\D/g, '');

/** A message that is only four digits (half or full width, spaces around): an answer to "the last four digits". */
export function fourDigits(text: string): string | null {
  const m = /^\s*([0-9０-９]{4})\s*$/.exec(text);
  return m ? m[1]!.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)) : null;
}
/** wrong answers that lock a house's registration for a day (SPEC §3 Registration proof) */
export const PROOF_ATTEMPTS = 3;

/** Whether three wrong answers locked this house's registration within the last day. */
export async function registrationLocked(deps: Deps, house: Pick<House, 'id'>): Promise<boolean> {
  const at = await lastLockAt(deps, house);
  return at !== null && at.getTime() > deps.clock.now().getTime() - DAY_MS;
}

export type Proof =
  | { status: 'registered'; house: House }
  /** someone else registered it meanwhile: this one is a claim */
  | { status: 'pending'; house: House }
  | { status: 'wrong'; house: House; left: number }
  /** the third wrong answer: the house's staff are told privately */
  | { status: 'locked'; house: House; notices: NoticeData[] };

/**
 * The answer to "the last four digits of the phone" (issue 25): only the person asked, in the
 * conversation they were asked in, while the question is live. Null when this person was asked
 * nothing (their message is ordinary chat). The digits are compared and never kept or logged:
 * the audit records only that an answer was wrong.
 */
export async function proveRegistration(deps: Deps, input: { said: Said; digits: string; group: Group | null }): Promise<Proof | null> {
  const { store, clock } = deps;
  const intent = await findIntent(deps, input.said, ['register_proof']);
  if (!intent?.houseId) return null;
  const house = await store.houses.get(intent.houseId);
  if (!house) {
    await takeIntent(deps, intent);
    return null;
  }
  const actor = `contact:${input.said.contactId}`;
  const at = { communityId: house.communityId, gridId: house.gridId, groupId: house.groupId };
  if (await registrationLocked(deps, house)) {
    await takeIntent(deps, intent);
    return { status: 'wrong', house, left: 0 };
  }
  const landlord = await store.landlords.get(house.landlordId);
  if (phoneDigits(landlord?.phone).slice(-4) === input.digits) {
    await takeIntent(deps, intent);
    // compare-and-set: of two people proving at once, one wins and the other's is a claim
    if (
      await store.houses.updateWhere(
        { id: house.id, contactId: null },
        { contactId: input.said.contactId, pendingContactId: null, holderLeftAt: null },
      )
    ) {
      await store.contacts.update(input.said.contactId, { landlordId: house.landlordId });
      await store.audit.insert({ actor, action: 'register_proved', target: `house:${house.id}`, detail: {}, ...at });
      return { status: 'registered', house: { ...house, contactId: input.said.contactId } };
    }
    await store.houses.update(house.id, { pendingContactId: input.said.contactId });
    await store.audit.insert({ actor, action: 'claim_house', target: `house:${house.id}`, detail: {}, ...at });
    return { status: 'pending', house };
  }
  const now = clock.now();
  await store.audit.insert({ actor, action: 'register_proof_failed', target: `house:${house.id}`, detail: {}, ...at, createdAt: now });
  // the wrong answers of the last day, after the last lock (those before it were paid for)
  const lastLock = await lastLockAt(deps, house);
  const dayAgo = new Date(now.getTime() - DAY_MS);
  const since = lastLock && lastLock >= dayAgo ? new Date(lastLock.getTime() + 1) : dayAgo;
  const counted = await store.audit.count({ target: `house:${house.id}`, action: 'register_proof_failed', createdAt: { gte: since } });
  if (counted < PROOF_ATTEMPTS) return { status: 'wrong', house, left: PROOF_ATTEMPTS - counted };
  await takeIntent(deps, intent);
  await store.audit.insert({
    actor,
    action: 'register_locked',
    target: `house:${house.id}`,
    detail: { attempts: counted },
    ...at,
    createdAt: now,
  });
  const group = input.group?.id === house.groupId ? input.group : await store.groups.get(house.groupId);
  const notices: NoticeData[] = !group
    ? []
    : (await linkedStaff(deps))
        .filter((s) => scopeCoversGroup(s.user.scope, group))
        .map((s) => ({
          key: `register:locked:${house.id}:${now.getTime()}:user:${s.user.id}`,
          contactId: s.wechatId,
          account: group.botId ?? '*',
          mentions: [],
          lng: s.lng,
          say: { key: 'register.locked_staff', params: { code: house.code, group: group.name } },
        }));
  return { status: 'locked', house, notices };
}

/** When the house's registration was last locked (in force or not). */
async function lastLockAt(deps: Deps, house: Pick<House, 'id'>): Promise<Date | null> {
  const [lock] = await deps.store.audit.find(
    { target: `house:${house.id}`, action: 'register_locked' },
    { sort: { createdAt: -1 }, limit: 1 },
  );
  return lock?.createdAt ?? null;
}
