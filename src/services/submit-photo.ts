import { fromBuffer } from 'file-type';
import { requiredItems } from '../domain/checklist';
import { DomainError } from '../domain/errors';
import { PHOTO_MAX_BYTES, PHOTO_MIMES } from '../domain/photo';
import type { ChecklistItem, Group, House, Photo, Round, Submission } from '../domain/types';
import type { Deps } from './deps';
import { openRoundFor } from './group-progress';
import { ensureContact, type Speaker } from './speaker';

export type PhotoOutcome =
  | { status: 'labelled'; house: House; item: ChecklistItem; submission: Submission; missing: ChecklistItem[] }
  | { status: 'ask'; house: House; menu: readonly ChecklistItem[]; done: ChecklistItem[] }
  | { status: 'duplicate'; house: House }
  | { status: 'waiting'; item: ChecklistItem };

/** Recomputes a submission's status after a photo: complete once every required item has one. */
function statusAfter(sub: Submission, isKey: boolean): Submission['status'] {
  if (sub.status === 'approved') return 'approved';
  return requiredItems(isKey).every((i) => (sub.items[i]?.length ?? 0) > 0) ? 'complete' : 'partial';
}

export const missingItems = (sub: Pick<Submission, 'items'> | null, isKey: boolean): ChecklistItem[] =>
  requiredItems(isKey).filter((i) => (sub?.items[i]?.length ?? 0) === 0);

/** Files a labelled photo into the house's submission for the round (made on the first photo). */
async function addToSubmission({ store }: Deps, round: Round, house: House, item: ChecklistItem, photoId: string): Promise<Submission> {
  let sub = await store.submissions.findOne({ roundId: round.id, houseId: house.id });
  if (!sub) {
    try {
      sub = await store.submissions.insert({
        communityId: house.communityId, gridId: house.gridId, groupId: house.groupId, roundId: round.id, period: round.period,
        houseId: house.id, houseCode: house.code, status: 'partial', items: {}, returnReason: null, reviewedBy: null, reviewedAt: null,
      });
    } catch (e) {
      if ((e as DomainError).code !== 'conflict') throw e;
      sub = (await store.submissions.findOne({ roundId: round.id, houseId: house.id }))!;
    }
  }
  const items = { ...sub.items, [item]: [...(sub.items[item] ?? []), photoId] };
  const next = { ...sub, items };
  return (await store.submissions.update(sub.id, { items, status: statusAfter(next, house.isKey) }))!;
}

/** Of a landlord's houses in the group, the one a photo is for: the first still missing that item (or anything). */
async function houseFor(deps: Deps, round: Round, houses: House[], item: ChecklistItem | null): Promise<House> {
  for (const h of houses) {
    const sub = await deps.store.submissions.findOne({ roundId: round.id, houseId: h.id });
    const missing = missingItems(sub, h.isKey);
    if (item ? missing.includes(item) : missing.length > 0) return h;
  }
  return houses[0]!;
}

/**
 * A photo from a registered landlord: recognised by its bytes, stored durably first (so
 * nothing sent is lost), refused as evidence when the same bytes served another house
 * or an earlier round, then filed under the item named just before — or the landlord is
 * asked which item it shows.
 */
export async function submitPhoto(deps: Deps, input: { group: Group; speaker: Speaker; bytes: Buffer; messageId: string }): Promise<PhotoOutcome> {
  const { store } = deps;
  if (input.speaker.houses.length === 0) throw new DomainError('not_registered', 'photo');
  if (input.bytes.length > PHOTO_MAX_BYTES) throw new DomainError('photo_too_large', 'photo', { limit: '20 MB' });
  const type = await fromBuffer(input.bytes);
  if (!type || !PHOTO_MIMES.includes(type.mime)) throw new DomainError('photo_unsupported', type?.mime ?? 'unknown');
  // stored before anything else is decided: a photo sent when no round is open is kept too
  const blob = await store.blobs.put(input.bytes);
  const contact = input.speaker.contact ?? (await ensureContact(deps, input.speaker.wechatId, input.speaker.name));
  const round = await openRoundFor(deps, input.group);
  if (!round) {
    await store.photos.insert({
      sha256: blob.sha256, mime: type.mime, size: blob.size, contactId: contact.id, messageId: input.messageId, houseId: input.speaker.houses[0]!.id,
      roundId: null, item: null, hazardId: null, tipId: null, counted: false,
    });
    throw new DomainError('no_open_round', input.group.id);
  }
  const item = contact.pendingItem;
  const house = await houseFor(deps, round, input.speaker.houses, item);

  const reused = (await store.photos.findOne({ sha256: blob.sha256, counted: true, houseId: { ne: house.id } }))
    ?? (await store.photos.findOne({ sha256: blob.sha256, counted: true, roundId: { ne: round.id } }));
  const photo = await store.photos.insert({
    sha256: blob.sha256, mime: type.mime, size: blob.size, contactId: contact.id, messageId: input.messageId, houseId: house.id, roundId: round.id,
    item: reused ? item : null, hazardId: null, tipId: null, counted: !reused,
  });
  if (reused) return { status: 'duplicate', house };
  if (item && (await store.contacts.updateWhere({ id: contact.id, pendingItem: item }, { pendingItem: null }))) {
    return label(deps, round, house, photo, item);
  }
  const sub = await store.submissions.findOne({ roundId: round.id, houseId: house.id });
  const menu = requiredItems(house.isKey);
  return { status: 'ask', house, menu, done: menu.filter((i) => !missingItems(sub, house.isKey).includes(i)) };
}

async function label(deps: Deps, round: Round, house: House, photo: Photo, item: ChecklistItem): Promise<PhotoOutcome> {
  await deps.store.photos.update(photo.id, { item });
  const submission = await addToSubmission(deps, round, house, item, photo.id);
  return { status: 'labelled', house, item, submission, missing: missingItems(submission, house.isKey) };
}

/**
 * An item name or menu number from a landlord: labels their last unlabelled photo of the
 * round, or waits for the next photo. A menu number with no photo waiting is not for us (null).
 */
export async function labelPhoto(deps: Deps, input: { group: Group; speaker: Speaker; item?: ChecklistItem; menuNumber?: number }): Promise<PhotoOutcome | null> {
  const { store } = deps;
  if (input.speaker.houses.length === 0) return null;
  const round = await openRoundFor(deps, input.group);
  if (!round) return null;
  const photo = await store.photos.findOne(
    { houseId: { in: input.speaker.houses.map((h) => h.id) }, roundId: round.id, item: null, counted: true },
    { createdAt: -1 },
  );
  const house = photo ? input.speaker.houses.find((h) => h.id === photo.houseId)! : null;
  const item = input.item ?? (house && input.menuNumber ? requiredItems(house.isKey)[input.menuNumber - 1] : undefined);
  if (!item) return null;
  if (photo && house) return label(deps, round, house, photo, item);
  if (input.menuNumber !== undefined || !input.speaker.contact) return null;
  await store.contacts.update(input.speaker.contact.id, { pendingItem: item });
  return { status: 'waiting', item };
}
