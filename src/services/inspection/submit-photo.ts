import { requiredItems } from '../../domain/checklist';
import { DomainError } from '../../domain/errors';
import type { ChecklistItem, Hazard, House, Intent, Photo, Round, Submission } from '../../domain/types';
import { addEvidence } from '../hazards/hazards';
import type { Deps } from '../deps';
import { openRoundFor } from './group-progress';
import { amendIntent, createIntent, findIntent, takeIntent, type Said } from '../conversation/intents';
import type { Speaker } from '../conversation/speaker';
import { burstOffset, photoQueue } from './photo-burst';

export type PhotoOutcome =
  | { status: 'labelled'; house: House; item: ChecklistItem; submission: Submission; missing: ChecklistItem[] }
  | { status: 'ask_item'; house: House; menu: readonly ChecklistItem[]; done: ChecklistItem[] }
  | { status: 'ask_house'; houses: House[]; item: ChecklistItem | null }
  | { status: 'duplicate'; house: House; sameHouse: boolean }
  | { status: 'waiting'; item: ChecklistItem; house: House | null }
  | { status: 'evidence'; hazard: Hazard }
  /** a photo of a burst: the question already asked covers it (nothing is said) */
  | { status: 'queued' }
  /** answers to the photo question, oldest photo first: `ordinal` is the photo's place in its burst (第2张) */
  | {
      status: 'answered';
      labels: { ordinal: number; house: House; item: ChecklistItem }[];
      houses: { house: House; missing: ChecklistItem[] }[];
      left: number;
    }
  /** the question had expired: its photo was freed, to be sent again */
  | { status: 'expired'; minutes: number };

/** Recomputes a submission's status after a photo: complete once every required item has one. */
function statusAfter(sub: Submission, isKey: boolean): Submission['status'] {
  if (sub.status === 'approved') return 'approved';
  return requiredItems(isKey).every((i) => (sub.items[i]?.length ?? 0) > 0) ? 'complete' : 'partial';
}

export const missingItems = (sub: Pick<Submission, 'items'> | null, isKey: boolean): ChecklistItem[] =>
  requiredItems(isKey).filter((i) => (sub?.items[i]?.length ?? 0) === 0);

const groupOf = (h: House) => ({ id: h.groupId, gridId: h.gridId, communityId: h.communityId });

/** Files a labelled photo into the house's submission for the round (made on the first photo). */
async function addToSubmission({ store }: Deps, round: Round, house: House, item: ChecklistItem, photoId: string): Promise<Submission> {
  let sub = await store.submissions.findOne({ roundId: round.id, houseId: house.id });
  // made on the first photo; made meanwhile by another message of this house (another landlord of it), it is read
  sub ??=
    (await store.submissions.insertIfAbsent({
      communityId: house.communityId,
      gridId: house.gridId,
      groupId: house.groupId,
      roundId: round.id,
      period: round.period,
      houseId: house.id,
      houseCode: house.code,
      status: 'partial',
      items: {},
      returnReason: null,
      returnedItem: null,
      reviewedBy: null,
      reviewedAt: null,
    })) ?? (await store.submissions.findOne({ roundId: round.id, houseId: house.id }))!;
  const items = { ...sub.items, [item]: [...(sub.items[item] ?? []), photoId] };
  const next = { ...sub, items };
  return (await store.submissions.update(sub.id, { items, status: statusAfter(next, house.isKey) }))!;
}

async function label(deps: Deps, round: Round, house: House, photo: Photo, item: ChecklistItem): Promise<PhotoOutcome> {
  await deps.store.photos.update(photo.id, { item });
  const submission = await addToSubmission(deps, round, house, item, photo.id);
  return { status: 'labelled', house, item, submission, missing: missingItems(submission, house.isKey) };
}

async function askItem(deps: Deps, round: Round, house: House): Promise<PhotoOutcome> {
  const sub = await deps.store.submissions.findOne({ roundId: round.id, houseId: house.id });
  const menu = requiredItems(house.isKey);
  const missing = missingItems(sub, house.isKey);
  return { status: 'ask_item', house, menu, done: menu.filter((i) => !missing.includes(i)) };
}

/**
 * Counts a stored photo for a house, unless its bytes already served: another house, an
 * earlier round, or another item of this house in this round (SPEC §3: one photo is
 * evidence for one item of one house, once). Then labels it, or asks which item it shows.
 */
async function fileFor(deps: Deps, said: Said, photo: Photo, house: House, item: ChecklistItem | null): Promise<PhotoOutcome> {
  const { store } = deps;
  const round = await openRoundFor(deps, groupOf(house));
  if (!round) throw new DomainError('no_open_round', house.groupId);
  // a photo only waiting for its label (or whose question expired) has not served yet
  const used = await store.photos.findOne({ sha256: photo.sha256, counted: true, item: { ne: null }, id: { ne: photo.id } });
  await store.photos.update(photo.id, { houseId: house.id, roundId: round.id, counted: !used, item: used ? item : null });
  if (used) return { status: 'duplicate', house, sameHouse: used.houseId === house.id && used.roundId === round.id };
  if (item) return label(deps, round, house, photo, item);
  // a burst: the question asked for the first photo covers the next ones (answered oldest first)
  const asked = (await photoQueue(deps, said)).live.length > 0;
  await createIntent(deps, said, 'label_photo', { photoId: photo.id, houseId: house.id });
  return asked ? { status: 'queued' } : askItem(deps, round, house);
}

/**
 * A kept photo from a registered landlord: a hazard's evidence when `整改 N` came just
 * before; else filed for the house and item the landlord named just before — or the bot
 * asks which house (several houses) or which item it shows.
 */
export async function submitPhoto(deps: Deps, input: { speaker: Speaker; photo: Photo; said: Said }): Promise<PhotoOutcome> {
  const { store } = deps;
  const { speaker, said, photo } = input;
  if (speaker.houses.length === 0) throw new DomainError('not_registered', 'photo');
  // `整改 N` said just before: the photo is that hazard's evidence, round or no round
  const fixing = await findIntent(deps, said, ['hazard_evidence']);
  if (fixing && (await takeIntent(deps, fixing))) {
    const hazard = await deps.store.hazards.get(fixing.hazardId!);
    if (hazard) return { status: 'evidence', hazard: await addEvidence(deps, { hazard, photoId: photo.id }) };
  }
  const named = await findIntent(deps, said, ['label_next']);
  const house = named?.houseId
    ? (speaker.houses.find((h) => h.id === named.houseId) ?? null)
    : speaker.houses.length === 1
      ? speaker.houses[0]!
      : null;
  if (house) await store.photos.update(photo.id, { houseId: house.id });
  const rounds = await Promise.all(speaker.houses.map((h) => openRoundFor(deps, groupOf(h))));
  if (!rounds.some(Boolean) || (house && !rounds[speaker.houses.indexOf(house)])) {
    // kept, and waiting: `整改 N` sent next makes it a hazard's evidence
    await createIntent(deps, said, 'loose_photo', { photoId: photo.id, houseId: house?.id ?? null });
    throw new DomainError('no_open_round', 'photo');
  }
  const item = named && (await takeIntent(deps, named)) ? named.item : null;
  if (!house) {
    // a burst: the question "which house" asked for its first photo covers the next ones (issue 25)
    const asked = (await waitingForHouse(deps, said)).length > 0;
    await createIntent(deps, said, 'choose_house', { photoId: photo.id, item });
    return asked ? { status: 'queued' } : { status: 'ask_house', houses: speaker.houses, item };
  }
  return fileFor(deps, said, photo, house, item);
}

const houseByCode = (speaker: Speaker, code: string | undefined): House | null =>
  code ? (speaker.houses.find((h) => h.code === code) ?? null) : null;

/**
 * An item name (optionally with a house code: `P00004 烟感`) from a landlord: labels their
 * latest photo still waiting for its label, or — if none is waiting — the next photo they send.
 */
export async function nameItem(
  deps: Deps,
  input: { speaker: Speaker; said: Said; item: ChecklistItem; houseCode?: string },
): Promise<PhotoOutcome | null> {
  const { speaker, said, item } = input;
  if (speaker.houses.length === 0) return null;
  const named = houseByCode(speaker, input.houseCode);
  if (input.houseCode && !named) throw new DomainError('house_not_in_group', input.houseCode, { code: input.houseCode });
  const queue = await photoQueue(deps, said);
  const mine = queue.live.filter((i) => !named || i.houseId === named.id);
  if (mine.length) return answerQueue(deps, mine, [item]);
  const waiting = await findIntent(deps, said, ['choose_house']);
  if (waiting) {
    if (named) return answerHouse(deps, said, waiting, named, item);
    await amendIntent(deps, waiting, { item });
    return { status: 'ask_house', houses: speaker.houses, item };
  }
  const house = named ?? (speaker.houses.length === 1 ? speaker.houses[0]! : null);
  await createIntent(deps, said, 'label_next', { item, houseId: house?.id ?? null }, { replace: true });
  // the question had expired: that photo is freed, and the one sent again gets this item
  if (queue.expired) return expiredOutcome(deps);
  return { status: 'waiting', item, house };
}

const expiredOutcome = (deps: Deps): PhotoOutcome => ({ status: 'expired', minutes: Math.round(deps.intentTtlMs / 60_000) });

/**
 * Menu numbers (`3`, or `1 2 3` for a burst): answer the photos waiting for their item,
 * oldest first — or, with none waiting, the question which house. A number with no question
 * waiting is chat (null); one after the question expired is told so.
 */
export async function answerMenu(deps: Deps, input: { speaker: Speaker; said: Said; ns: readonly number[] }): Promise<PhotoOutcome | null> {
  const { speaker, said, ns } = input;
  if (speaker.houses.length === 0 || ns.length === 0) return null;
  const queue = await photoQueue(deps, said);
  if (queue.live.length) return answerQueue(deps, queue.live, ns);
  const waiting = await findIntent(deps, said, ['choose_house']);
  if (waiting) {
    const house = speaker.houses[ns[0]! - 1];
    return house ? answerHouse(deps, said, waiting, house, waiting.item) : null;
  }
  return queue.expired ? expiredOutcome(deps) : null;
}

/**
 * Labels waiting photos in the order they were sent: the k-th answer (a menu number or an
 * item) goes to the k-th oldest. A number not on a photo's menu leaves that photo waiting.
 */
async function answerQueue(
  deps: Deps,
  queue: readonly Intent[],
  answers: readonly (number | ChecklistItem)[],
): Promise<PhotoOutcome | null> {
  const offset = queue[0]?.photoId ? await burstOffset(deps, queue[0].photoId) : 0;
  const labels: { ordinal: number; house: House; item: ChecklistItem }[] = [];
  const after = new Map<string, { house: House; missing: ChecklistItem[] }>();
  for (const [k, intent] of queue.entries()) {
    if (k >= answers.length) break;
    const answer = answers[k]!;
    const house = intent.houseId ? await deps.store.houses.get(intent.houseId) : null;
    const item = typeof answer === 'number' ? (house ? requiredItems(house.isKey)[answer - 1] : undefined) : answer;
    if (!house || !item) continue;
    const o = await answerLabel(deps, intent, item);
    if (o?.status !== 'labelled') continue;
    labels.push({ ordinal: offset + k + 1, house: o.house, item: o.item });
    after.set(o.house.id, { house: o.house, missing: o.missing });
  }
  if (!labels.length) return null;
  return { status: 'answered', labels, houses: [...after.values()], left: queue.length - labels.length };
}

/**
 * `整改 N`: the landlord's latest photo still waiting for a label becomes the hazard's
 * evidence; with none waiting, the next photo will be.
 */
export async function fixHazard(
  deps: Deps,
  input: { speaker: Speaker; said: Said; hazard: Hazard },
): Promise<PhotoOutcome | { status: 'send_evidence'; hazard: Hazard }> {
  const { speaker, said, hazard } = input;
  if (!speaker.houses.some((h) => h.id === hazard.houseId))
    throw new DomainError('not_your_hazard', String(hazard.number), { number: hazard.number });
  if (hazard.status === 'closed') throw new DomainError('hazard_closed', String(hazard.number), { number: hazard.number });
  const waiting = await findIntent(deps, said, ['label_photo', 'choose_house', 'loose_photo']);
  const photo = waiting ? await waitingPhoto(deps, waiting) : null;
  // (a photo waiting for its item was never filed under one: it becomes evidence instead)
  if (photo) return { status: 'evidence', hazard: await addEvidence(deps, { hazard, photoId: photo.id }) };
  await createIntent(deps, said, 'hazard_evidence', { hazardId: hazard.id, houseId: hazard.houseId }, { replace: true });
  return { status: 'send_evidence', hazard };
}

async function waitingPhoto(deps: Deps, intent: Intent): Promise<Photo | null> {
  // of two messages answering one question, the first takes it; the second finds nothing waiting
  if (!(await takeIntent(deps, intent)) || !intent.photoId) return null;
  return deps.store.photos.get(intent.photoId);
}

async function answerLabel(deps: Deps, intent: Intent, item: ChecklistItem): Promise<PhotoOutcome | null> {
  const photo = await waitingPhoto(deps, intent);
  if (!photo?.houseId || !photo.roundId) return null;
  const [house, round] = await Promise.all([deps.store.houses.get(photo.houseId), deps.store.rounds.get(photo.roundId)]);
  if (!house || !round || round.status !== 'open') return null;
  return label(deps, round, house, photo, item);
}

/** The live "which house" questions of this person, oldest first: the photos of one burst. */
async function waitingForHouse(deps: Deps, said: Said): Promise<Intent[]> {
  const now = deps.clock.now();
  const found = await deps.store.intents.find(
    { contactId: said.contactId, conversation: said.conversation, kind: 'choose_house', since: { lte: said.at } },
    { sort: { since: 1, createdAt: 1 }, limit: 50 },
  );
  return found.filter((i) => i.expiresAt > now);
}

/**
 * The house picked for the photos waiting for it: every photo of the burst goes to that house,
 * oldest first. Those without an item then get one question (asked for the first, covering the
 * rest); `item`, when named, is the newest photo's. The outcome is that question, or the last label.
 */
async function answerHouse(deps: Deps, said: Said, newest: Intent, house: House, item: ChecklistItem | null): Promise<PhotoOutcome | null> {
  const burst = await waitingForHouse(deps, said);
  let outcome: PhotoOutcome | null = null;
  for (const intent of burst.some((i) => i.id === newest.id) ? burst : [newest]) {
    const photo = await waitingPhoto(deps, intent);
    if (!photo) continue;
    const o = await fileFor(deps, said, photo, house, intent.id === newest.id ? item : intent.item);
    if (!outcome || outcome.status === 'queued' || (o.status !== 'queued' && outcome.status !== 'ask_item')) outcome = o;
  }
  return outcome;
}
