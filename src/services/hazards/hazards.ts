import { DomainError } from '../../domain/errors';
import { DEFAULT_HAZARD_DAYS, hazardDeadline } from '../../domain/hazard';
import type { Hazard, House } from '../../domain/types';
import type { Deps } from '../deps';
import { award } from '../points/points';
import type { Actor } from '../../domain/policy';
import { permit, targetOf } from '../access/permit';

/** Who acts on a hazard: staff, or a head (never on their own house). */


/**
 * `隐患 HOUSECODE 描述 [N天]` or `POST /hazards`: opens a hazard on a house with a number
 * unique in the street and a deadline (default 7 days, end of that day).
 */
export async function openHazard(deps: Deps, input: { house: House; description: string; days?: number | null; deadline?: Date; by: string }): Promise<Hazard> {
  const { store, clock } = deps;
  const now = clock.now();
  const deadline = input.deadline ?? hazardDeadline(now, input.days ?? DEFAULT_HAZARD_DAYS, deps.timeZone);
  if (deadline <= now) throw new DomainError('validation', 'deadline in the past', { detailKey: 'deadline_future' });
  const h = input.house;
  const hazard = await store.hazards.insert({
    communityId: h.communityId, gridId: h.gridId, groupId: h.groupId, number: await store.nextSequence('hazard'), houseId: h.id, houseCode: h.code,
    description: input.description.slice(0, 300), deadline, status: 'open', openedBy: input.by, evidencePhotoIds: [], sitePhotos: null, rectifiedAt: null, closedAt: null, closedBy: null,
  });
  await store.audit.insert({ actor: input.by, action: 'open_hazard', target: `hazard:${hazard.id}`, detail: { number: hazard.number, house: h.code }, communityId: hazard.communityId, gridId: hazard.gridId, groupId: hazard.groupId });
  return hazard;
}

/** A hazard by its number; `not_found` (with the number) when there is none. */
export async function hazardByNumber({ store }: Deps, number: number): Promise<Hazard> {
  const h = await store.hazards.findOne({ number });
  if (!h) throw new DomainError('hazard_not_found', String(number), { number });
  return h;
}

/** `整改 N` with a photo: the photo (already stored) is evidence; the hazard is `rectified`. */
export async function addEvidence(deps: Deps, input: { hazard: Hazard; photoId: string }): Promise<Hazard> {
  const { store, clock } = deps;
  const h = input.hazard;
  if (h.status === 'closed') throw new DomainError('hazard_closed', String(h.number), { number: h.number });
  await store.photos.update(input.photoId, { hazardId: h.id, houseId: h.houseId, counted: false });
  return (await store.hazards.update(h.id, { evidencePhotoIds: [...h.evidencePhotoIds, input.photoId], status: 'rectified', rectifiedAt: clock.now() }))!;
}

/**
 * `销号 N` / `POST /hazards/:id/close`: staff, or the head of another house, closes it (SPEC
 * §3); a landlord cannot. Closed by the deadline, it earns the landlord points, once.
 */
export async function closeHazard(deps: Deps, input: { hazard: Hazard; by: Actor | readonly Actor[] }): Promise<Hazard> {
  const { store, clock } = deps;
  const { hazard: h } = input;
  const actor = permit(input.by, 'hazards:close', targetOf(h), h.houseCode);
  if (h.status === 'closed') return h;
  const now = clock.now();
  // compare-and-set: closed once, however often it is asked
  if (!(await store.hazards.updateWhere({ id: h.id, status: h.status }, { status: 'closed', closedAt: now, closedBy: actor.id }))) return (await store.hazards.get(h.id))!;
  await store.audit.insert({ actor: actor.id, action: 'close_hazard', target: `hazard:${h.id}`, detail: { number: h.number }, communityId: h.communityId, gridId: h.gridId, groupId: h.groupId });
  const house = await store.houses.get(h.houseId);
  if (house && now <= h.deadline) await award(deps, { reason: 'hazard_closed', refId: h.id, house });
  return (await store.hazards.get(h.id))!;
}

/** Staff attach a photo they took on site, before or after the fix (kept in pairs for the record). */
export async function addSitePhoto(deps: Deps, input: { hazard: Hazard; photoId: string; kind: 'before' | 'after'; by: string }): Promise<Hazard> {
  const { store, clock } = deps;
  await store.photos.update(input.photoId, { hazardId: input.hazard.id, houseId: input.hazard.houseId });
  const sitePhotos = [...(input.hazard.sitePhotos ?? []), { photoId: input.photoId, kind: input.kind, by: input.by, at: clock.now().toISOString() }];
  return (await store.hazards.update(input.hazard.id, { sitePhotos }))!;
}

/** A head or staff reopens a closed (or rectified) hazard with a reason; the deadline stays. */
export async function reopenHazard(deps: Deps, input: { hazard: Hazard; by: Actor | readonly Actor[]; reason: string }): Promise<Hazard> {
  const { hazard: h } = input;
  const actor = permit(input.by, 'hazards:close', targetOf(h), h.houseCode);
  await deps.store.hazards.update(h.id, { status: 'open', closedAt: null, closedBy: null });
  await deps.store.audit.insert({ actor: actor.id, action: 'reopen_hazard', target: `hazard:${h.id}`, detail: { number: h.number, reason: input.reason.slice(0, 200) }, communityId: h.communityId, gridId: h.gridId, groupId: h.groupId });
  return (await deps.store.hazards.get(h.id))!;
}
