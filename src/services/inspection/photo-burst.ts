import type { House, Intent } from '../../domain/types';
import type { Said } from '../conversation/intents';
import type { Deps } from '../deps';
import { openRoundFor } from './group-progress';

/**
 * Photos sent in a burst wait together for their labels (issue 25): the bot asks once, and
 * answers apply to the oldest photo first. These read and tidy that queue.
 */

/** A photo waiting for its item is freed: not counted, filed nowhere, so sending it again works. */
export async function freePhoto({ store }: Deps, photoId: string): Promise<void> {
  await store.photos.update(photoId, { houseId: null, roundId: null, counted: false, item: null });
}

/**
 * This person's questions "which item is this photo?" in this conversation, made at or before
 * the message: the live ones oldest first, and how many had expired (those are dropped and
 * their photos freed).
 */
export async function photoQueue(deps: Deps, said: Said): Promise<{ live: Intent[]; expired: number }> {
  const { store, clock } = deps;
  const now = clock.now();
  const all = await store.intents.find(
    { contactId: said.contactId, conversation: said.conversation, kind: 'label_photo', since: { lte: said.at } },
    { sort: { since: 1, createdAt: 1 }, limit: 100 },
  );
  const live: Intent[] = [];
  let expired = 0;
  for (const i of all) {
    if (i.expiresAt > now) {
      live.push(i);
      continue;
    }
    if (await store.intents.delete(i.id)) {
      expired += 1;
      if (i.photoId) await freePhoto(deps, i.photoId);
    }
  }
  return { live, expired };
}

/**
 * How many photos of the same burst were labelled before its oldest waiting one: photos of
 * this person for the same house and round, sent within the wait before it and labelled
 * after it arrived (by an earlier answer, not by a word said before them). So `第3张` keeps
 * meaning the third photo sent when the answers come one message at a time.
 */
export async function burstOffset(deps: Deps, oldestWaitingPhotoId: string): Promise<number> {
  const { store } = deps;
  const first = await store.photos.get(oldestWaitingPhotoId);
  if (!first?.houseId || !first.roundId) return 0;
  const since = new Date(first.createdAt.getTime() - deps.intentTtlMs);
  const before = await store.photos.find({
    contactId: first.contactId,
    houseId: first.houseId,
    roundId: first.roundId,
    counted: true,
    item: { ne: null },
    createdAt: { gte: since, lt: first.createdAt },
  });
  return before.filter((p) => p.updatedAt >= first.createdAt).length;
}

/**
 * Whether these bytes were already seen in the group (a forwarded picture, a photo sent
 * twice): a photo of one of its houses that is labelled, evidence, or still waiting.
 */
export async function seenInGroup(deps: Deps, sha256: string, groupId: string): Promise<boolean> {
  const { store, clock } = deps;
  const same = await store.photos.find({ sha256, houseId: { ne: null } }, { limit: 50 });
  if (!same.length) return false;
  const houses = await store.houses.find({ id: { in: [...new Set(same.map((p) => p.houseId!))] }, groupId }, { fields: ['id'] });
  const here = same.filter((p) => houses.some((h) => h.id === p.houseId));
  if (here.some((p) => p.item !== null || p.hazardId !== null)) return true;
  if (!here.length) return false;
  return (await store.intents.count({ photoId: { in: here.map((p) => p.id) }, expiresAt: { gt: clock.now() } })) > 0;
}

/**
 * A picture this landlord cannot mean for the bot: nothing named before it (an item, `整改 N`),
 * no photo question open, no hazard of theirs to fix, and every house here has its set in
 * (complete or approved) for the open round (a greeting picture, a forwarded article).
 */
export async function nothingToSend(deps: Deps, said: Said, houses: readonly House[]): Promise<boolean> {
  const { store, clock } = deps;
  const now = clock.now();
  const asked = await store.intents.count({
    contactId: said.contactId,
    conversation: said.conversation,
    kind: { in: ['label_next', 'hazard_evidence', 'label_photo', 'choose_house'] },
    expiresAt: { gt: now },
  });
  if (asked > 0) return false;
  if ((await store.hazards.count({ houseId: { in: houses.map((h) => h.id) }, status: 'open' })) > 0) return false;
  let rounds = 0;
  for (const house of houses) {
    const round = await openRoundFor(deps, { id: house.groupId, gridId: house.gridId, communityId: house.communityId });
    if (!round) continue;
    rounds += 1;
    const sub = await store.submissions.findOne({ roundId: round.id, houseId: house.id });
    if (sub?.status === 'complete' || sub?.status === 'approved') continue;
    return false;
  }
  // with no round open the landlord is told none is needed yet (the photo waits for `整改 N`)
  return rounds > 0;
}
