import { maskPersonal } from '../../domain/privacy';
import { audit } from '../access/audit';
import { DomainError } from '../../domain/errors';
import { DEFAULT_HAZARD_DAYS, hazardDeadline } from '../../domain/hazard';
import type { Actor } from '../../domain/policy';
import { placedFilter, type PlacedScope } from '../../domain/scope';
import type { Hazard, House } from '../../domain/types';
import { notFoundIn, placeTarget, type Place } from '../access/place';
import { permit, targetOf } from '../access/permit';
import type { Deps } from '../deps';
import { award } from '../points/points';
import { houseAudience } from '../sending/house-audience';
import type { NoticeData } from '../sending/notifier';

/** What a hazard use case did, and what its house's room is to be told (as data: doors render and post it). */
export interface HazardOutcome {
  hazard: Hazard;
  notices: NoticeData[];
}

/** The notice of a hazard's event in its house's room, @mentioning the landlord; none while the room is not bound. */
async function tellHouse(deps: Deps, h: Hazard, key: string, say: NoticeData['say']): Promise<NoticeData[]> {
  const to = await houseAudience(deps, h.houseId);
  return to ? [{ key, roomId: to.roomId, mentions: to.mentions, lng: to.lng, say }] : [];
}

/** Opened: number, house, what, and the deadline. Keyed by the hazard: a retried request posts once. */
export const hazardOpenedNotices = (deps: Deps, h: Hazard) =>
  tellHouse(deps, h, `hazard:open:${h.id}`, {
    key: 'hazard.opened',
    params: { number: h.number, code: h.houseCode, text: h.description, deadline: h.deadline },
  });

/**
 * Records a hazard on a house with a number unique in the street and a deadline (default 7
 * days, end of that day). The house is already looked up and allowed (a tip's decision); people use `openHazard`.
 */
export async function recordHazard(
  deps: Deps,
  input: { house: House; description: string; days?: number | null; deadline?: Date; by: string },
): Promise<Hazard> {
  const { store, clock } = deps;
  const now = clock.now();
  const deadline = input.deadline ?? hazardDeadline(now, input.days ?? DEFAULT_HAZARD_DAYS, deps.timeZone);
  if (deadline <= now) throw new DomainError('validation', 'deadline in the past', { detailKey: 'deadline_future' });
  const h = input.house;
  const hazard = await store.hazards.insert({
    communityId: h.communityId,
    gridId: h.gridId,
    groupId: h.groupId,
    number: await store.nextSequence('hazard'),
    houseId: h.id,
    houseCode: h.code,
    description: maskPersonal(input.description).slice(0, 300),
    deadline,
    status: 'open',
    openedBy: input.by,
    evidencePhotoIds: [],
    sitePhotos: null,
    rectifiedAt: null,
    closedAt: null,
    closedBy: null,
  });
  await audit(deps, {
    actor: input.by,
    action: 'open_hazard',
    target: `hazard:${hazard.id}`,
    detail: { number: hazard.number, house: h.code },
    at: hazard,
  });
  return hazard;
}

/**
 * `隐患 HOUSECODE 描述 [N天]` in a room, or `POST /hazards`: a head or staff member opens a
 * hazard on a house of the place they act in (the room's group, or the caller's scope).
 */
export async function openHazard(
  deps: Deps,
  input: { houseCode: string; within: Place; by: Actor | readonly Actor[]; description: string; days?: number | null; deadline?: Date },
): Promise<HazardOutcome> {
  permit(input.by, 'hazards:open', placeTarget(input.within));
  const house = await deps.store.houses.findOne({ code: input.houseCode, ...placedFilter(input.within) });
  if (!house) throw notFoundIn(input.within, 'houses', { code: input.houseCode });
  const actor = permit(input.by, 'hazards:open', targetOf(house), house.code);
  const hazard = await recordHazard(deps, {
    house,
    description: input.description,
    days: input.days,
    deadline: input.deadline,
    by: actor.id,
  });
  return { hazard, notices: await hazardOpenedNotices(deps, hazard) };
}

/** A hazard by its number, in the place the speaker acts in (a room's group; the whole street for its landlord's `整改`). */
export async function hazardByNumber({ store }: Deps, number: number, within?: PlacedScope): Promise<Hazard> {
  const h = await store.hazards.findOne({ number, ...(within ? placedFilter(within) : {}) });
  if (!h) throw new DomainError('hazard_not_found', String(number), { number });
  return h;
}

/** `整改 N` with a photo: the photo (already stored) is evidence; the hazard is `rectified`. */
export async function addEvidence(deps: Deps, input: { hazard: Hazard; photoId: string }): Promise<Hazard> {
  const { store, clock } = deps;
  const h = input.hazard;
  if (h.status === 'closed') throw new DomainError('hazard_closed', String(h.number), { number: h.number });
  await store.photos.update(input.photoId, { hazardId: h.id, houseId: h.houseId, counted: false });
  return (await store.hazards.update(h.id, {
    evidencePhotoIds: [...h.evidencePhotoIds, input.photoId],
    status: 'rectified',
    rectifiedAt: clock.now(),
  }))!;
}

/**
 * `销号 N` / `POST /hazards/:id/close`: staff, or the head of another house, closes it (SPEC
 * §3); a landlord cannot. Closed by the deadline, it earns the landlord points, once. A
 * hazard closed before (a repeated `销号`) is `already`, and its room is not told again.
 */
export async function closeHazard(
  deps: Deps,
  input: { hazard: Hazard; by: Actor | readonly Actor[] },
): Promise<HazardOutcome & { already: boolean }> {
  const { store, clock } = deps;
  const { hazard: h } = input;
  const actor = permit(input.by, 'hazards:close', targetOf(h), h.houseCode);
  if (h.status === 'closed') return { hazard: h, notices: [], already: true };
  const now = clock.now();
  // compare-and-set: closed once, however often it is asked
  if (!(await store.hazards.updateWhere({ id: h.id, status: h.status }, { status: 'closed', closedAt: now, closedBy: actor.id }))) {
    return { hazard: (await store.hazards.get(h.id))!, notices: [], already: true };
  }
  await audit(deps, {
    actor: actor.id,
    action: 'close_hazard',
    target: `hazard:${h.id}`,
    detail: { number: h.number },
    at: h,
  });
  const house = await store.houses.get(h.houseId);
  if (house && now <= h.deadline) await award(deps, { reason: 'hazard_closed', refId: h.id, house });
  const closed = (await store.hazards.get(h.id))!;
  const notices = await tellHouse(deps, closed, `hazard:close:${h.id}:${now.getTime()}`, {
    key: 'hazard.closed',
    params: { number: h.number, code: h.houseCode },
  });
  return { hazard: closed, notices, already: false };
}

/** Staff attach a photo they took on site, before or after the fix (kept in pairs for the record). */
export async function addSitePhoto(
  deps: Deps,
  input: { hazard: Hazard; photoId: string; kind: 'before' | 'after'; by: string },
): Promise<Hazard> {
  const { store, clock } = deps;
  await store.photos.update(input.photoId, { hazardId: input.hazard.id, houseId: input.hazard.houseId });
  const sitePhotos = [
    ...(input.hazard.sitePhotos ?? []),
    { photoId: input.photoId, kind: input.kind, by: input.by, at: clock.now().toISOString() },
  ];
  return (await store.hazards.update(input.hazard.id, { sitePhotos }))!;
}

/** A head or staff reopens a closed (or rectified) hazard with a reason; the deadline stays. */
export async function reopenHazard(deps: Deps, input: { hazard: Hazard; by: Actor | readonly Actor[]; reason: string }): Promise<Hazard> {
  const { hazard: h } = input;
  const actor = permit(input.by, 'hazards:close', targetOf(h), h.houseCode);
  await deps.store.hazards.update(h.id, { status: 'open', closedAt: null, closedBy: null });
  await audit(deps, {
    actor: actor.id,
    action: 'reopen_hazard',
    target: `hazard:${h.id}`,
    detail: { number: h.number, reason: input.reason.slice(0, 200) },
    at: h,
  });
  return (await deps.store.hazards.get(h.id))!;
}
