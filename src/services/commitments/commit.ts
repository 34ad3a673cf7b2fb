import { DomainError } from '../../domain/errors';
import type { Deps } from '../deps';
import { award } from '../points/points';
import type { Speaker } from '../conversation/speaker';
import { currentLetterVersion } from './letter-version';

export interface CommitResult {
  letterVersion: number;
  houses: { code: string; isNew: boolean }[];
  /** each group's tally for the current letter (e.g. 7 of 10), for the groups of the sender's houses */
  groups: { groupId: string; committed: number; total: number }[];
}

/**
 * `我承诺`: a commitment to the current letter for each of the sender's houses (in the
 * room's group, or all of them in a private chat), once per house and letter version, with its points.
 */
export async function commit(deps: Deps, input: { speaker: Speaker; messageId: string | null }): Promise<CommitResult> {
  const { store, clock } = deps;
  if (input.speaker.houses.length === 0) {
    // a claim waiting for 确认登记 is said to be waiting, not "please register" (issue 25)
    const claims = input.speaker.contact
      ? await store.houses.find({ pendingContactId: input.speaker.contact.id }, { sort: { code: 1 } })
      : [];
    if (claims.length) throw new DomainError('claim_pending', 'commit', { codes: claims.map((h) => h.code).join('、') });
    throw new DomainError('not_registered', 'commit');
  }
  const letterVersion = await currentLetterVersion(store);
  if (letterVersion === null) throw new DomainError('not_found', 'letter');
  const houses = [];
  // a commitment is its holder's: after a transfer the new holder has not committed (issue 25)
  const contactId = input.speaker.contact?.id ?? null;
  // most `我承诺` after the first are repeats: look first rather than fail an insert
  const already = new Set(
    await store.commitments.distinct('houseId', { houseId: { in: input.speaker.houses.map((h) => h.id) }, letterVersion, contactId }),
  );
  for (const h of input.speaker.houses) {
    if (already.has(h.id)) {
      houses.push({ code: h.code, isNew: false });
      continue;
    }
    // committed meanwhile (another message of this holder): not new
    const c = await store.commitments.insertIfAbsent({
      communityId: h.communityId,
      gridId: h.gridId,
      groupId: h.groupId,
      houseId: h.id,
      houseCode: h.code,
      letterVersion,
      landlordId: h.landlordId,
      contactId,
      messageId: input.messageId,
      at: clock.now(),
    });
    if (c) await award(deps, { reason: 'commitment', refId: c.id, house: { ...h, contactId } });
    houses.push({ code: h.code, isNew: c !== null });
  }
  const groupIds = [...new Set(input.speaker.houses.map((h) => h.groupId))];
  const groups = await Promise.all(groupIds.map(async (groupId) => ({ groupId, ...(await committedTally(deps, groupId, letterVersion)) })));
  return { letterVersion, houses, groups };
}

/**
 * The houses of a group committed to a letter by their present holder (a commitment made by no
 * contact counts for the house): after a transfer the seller's no longer does (issue 25). What
 * 进度 and 催办 should count too.
 */
export async function committedHouseIds(
  { store }: Deps,
  groupId: string,
  letterVersion: number,
): Promise<{ committed: Set<string>; total: number }> {
  const [houses, commitments] = await Promise.all([store.houses.find({ groupId }), store.commitments.find({ groupId, letterVersion })]);
  return { committed: committedByHolder(houses, commitments), total: houses.length };
}

/** The houses committed by their present holder (or by nobody recorded): a seller's commitment does not count for the buyer. */
export function committedByHolder(
  houses: readonly { id: string; contactId: string | null }[],
  commitments: readonly { houseId: string; contactId: string | null }[],
): Set<string> {
  const holder = new Map(houses.map((h) => [h.id, h.contactId]));
  return new Set(commitments.filter((c) => c.contactId === null || c.contactId === holder.get(c.houseId)).map((c) => c.houseId));
}

/** A group's tally for a letter: houses committed by their present holder, of all its houses. */
export async function committedTally(deps: Deps, groupId: string, letterVersion: number): Promise<{ committed: number; total: number }> {
  const { committed, total } = await committedHouseIds(deps, groupId, letterVersion);
  return { committed: committed.size, total };
}
