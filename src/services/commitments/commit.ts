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
  if (input.speaker.houses.length === 0) throw new DomainError('not_registered', 'commit');
  const letterVersion = await currentLetterVersion(store);
  if (letterVersion === null) throw new DomainError('not_found', 'letter');
  const houses = [];
  // most `我承诺` after the first are repeats: look first rather than fail an insert
  const already = new Set(await store.commitments.distinct('houseId', { houseId: { in: input.speaker.houses.map((h) => h.id) }, letterVersion }));
  for (const h of input.speaker.houses) {
    if (already.has(h.id)) { houses.push({ code: h.code, isNew: false }); continue; }
    // committed meanwhile (another landlord of the house): not new
    const c = await store.commitments.insertIfAbsent({
      communityId: h.communityId, gridId: h.gridId, groupId: h.groupId, houseId: h.id, houseCode: h.code, letterVersion,
      landlordId: h.landlordId, contactId: input.speaker.contact?.id ?? null, messageId: input.messageId, at: clock.now(),
    });
    if (c) await award(deps, { reason: 'commitment', refId: c.id, house: { ...h, contactId: input.speaker.contact?.id ?? null } });
    houses.push({ code: h.code, isNew: c !== null });
  }
  const groupIds = [...new Set(input.speaker.houses.map((h) => h.groupId))];
  const groups = await Promise.all(groupIds.map(async (groupId) => ({
    groupId,
    committed: await store.commitments.count({ groupId, letterVersion }),
    total: await store.houses.count({ groupId }),
  })));
  return { letterVersion, houses, groups };
}
