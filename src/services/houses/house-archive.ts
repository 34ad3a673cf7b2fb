import { requiredItems } from '../../domain/checklist';
import { maskPhone, redactPersonal } from '../../domain/privacy';
import type { AuditEntry, ChecklistItem, Group, House, Id, Landlord, PointReason, SubmissionStatus, Tip } from '../../domain/types';
import type { Deps } from '../deps';
import { housePlan, type HousePlan } from './house-plan';

/** Audit actions that record who holds the house (SPEC §3 Ownership). */
const REGISTRATION_ACTIONS = new Set([
  'register_proved',
  'claim_house',
  'confirm_registration',
  'register_locked',
  'register_proof_failed',
]);
/** Audit actions that are a head's or staff member's review of a set of photos. */
const REVIEW_ACTIONS = new Set(['approve_submission', 'return_submission']);
/** Reading phones is audited too, but it is not part of the house's history. */
const NOT_HISTORY = new Set(['read_phones']);

/** One event of a house's history (一户一档), newest first in the archive. */
export type TimelineEntry =
  | { kind: 'registration' | 'review' | 'edit'; at: Date; action: string; actor: string; detail: Record<string, unknown> }
  | { kind: 'commitment'; at: Date; letterVersion: number; landlordId: Id; contactId: Id | null }
  | {
      kind: 'round';
      at: Date;
      roundId: Id;
      period: string;
      status: SubmissionStatus;
      /** photo ids per checklist item, in the checklist's order */
      items: { item: ChecklistItem; photoIds: Id[] }[];
      review: { by: string | null; at: Date | null; returnReason: string | null } | null;
    }
  | {
      kind: 'hazard';
      at: Date;
      hazardId: Id;
      number: number;
      description: string;
      deadline: Date;
      status: 'open' | 'rectified' | 'closed';
      evidencePhotoIds: Id[];
      sitePhotos: { photoId: Id; kind: 'before' | 'after' }[];
      rectifiedAt: Date | null;
      closedAt: Date | null;
      closedBy: string | null;
    }
  /** a tip that named the house: never who sent it */
  | { kind: 'tip'; at: Date; tipId: Id; number: number; text: string; photoIds: Id[]; status: Tip['status'] }
  | { kind: 'points'; at: Date; reason: PointReason; amount: number; landlordId: Id | null };

export interface HouseArchive {
  house: House;
  /** the phone masked unless the caller may read phones */
  landlord: Pick<Landlord, 'id' | 'name' | 'phone'> | null;
  group: Pick<Group, 'id' | 'name' | 'communityId' | 'gridId'> | null;
  /** the group's head house (户长) and its landlord's name */
  head: { houseId: Id; code: string; landlordName: string | null } | null;
  timeline: { items: TimelineEntry[]; total: number; limit: number; offset: number };
  plan: HousePlan;
}

/**
 * 一户一档 (issue 27): one house's record and plan, from the collections that hold its facts:
 * registrations and claims, commitments, each round's photos and review, hazards with their
 * evidence and closure, tips naming it, points its records earned and staff edits — one
 * timeline, newest first, paged. The caller has already checked the house lies in their scope.
 */
export async function houseArchive(
  deps: Deps,
  input: { house: House; showPhone: boolean; limit: number; offset: number },
): Promise<HouseArchive> {
  const all = await houseTimeline(deps, input.house);
  const [landlord, group, plan] = await Promise.all([
    deps.store.landlords.get(input.house.landlordId),
    deps.store.groups.get(input.house.groupId),
    housePlan(deps, input.house),
  ]);
  const headHouse = group?.headHouseId ? await deps.store.houses.get(group.headHouseId) : null;
  const headLandlord = headHouse ? await deps.store.landlords.get(headHouse.landlordId) : null;
  return {
    house: input.house,
    landlord: landlord
      ? { id: landlord.id, name: landlord.name, phone: input.showPhone ? landlord.phone : maskPhone(landlord.phone) }
      : null,
    group: group ? { id: group.id, name: group.name, communityId: group.communityId, gridId: group.gridId } : null,
    head: headHouse ? { houseId: headHouse.id, code: headHouse.code, landlordName: headLandlord?.name ?? null } : null,
    timeline: { items: all.slice(input.offset, input.offset + input.limit), total: all.length, limit: input.limit, offset: input.offset },
    plan,
  };
}

/** The whole history of a house, newest first (ties: the later-made record first, then by kind). */
export async function houseTimeline(deps: Deps, house: House): Promise<TimelineEntry[]> {
  const { store } = deps;
  const [commitments, submissions, hazards, tips] = await Promise.all([
    store.commitments.find({ houseId: house.id }),
    store.submissions.find({ houseId: house.id }),
    store.hazards.find({ houseId: house.id }),
    store.tips.find({ houseId: house.id }),
  ]);
  const targets = [
    `house:${house.id}`,
    `houses:${house.id}`,
    ...submissions.map((s) => `submission:${s.id}`),
    ...hazards.map((h) => `hazard:${h.id}`),
  ];
  // the points the house's own records earned (a tip's points are its reporter's, not the house's)
  const refs = [...commitments, ...submissions, ...hazards].map((r) => r.id);
  const [audits, points] = await Promise.all([
    store.audit.find({ target: { in: targets } }),
    refs.length ? store.points.find({ refId: { in: refs } }) : Promise.resolve([]),
  ]);
  const entries: TimelineEntry[] = [
    ...audits.filter((a) => !NOT_HISTORY.has(a.action)).map(auditEntry),
    ...commitments.map((c): TimelineEntry => ({
      kind: 'commitment',
      at: c.at,
      letterVersion: c.letterVersion,
      landlordId: c.landlordId,
      contactId: c.contactId,
    })),
    ...submissions.map((s): TimelineEntry => ({
      kind: 'round',
      at: s.createdAt,
      roundId: s.roundId,
      period: s.period,
      status: s.status,
      items: requiredItems(true)
        .filter((i) => (s.items[i]?.length ?? 0) > 0)
        .map((item) => ({ item, photoIds: s.items[item]! })),
      review: s.reviewedAt || s.returnReason ? { by: s.reviewedBy, at: s.reviewedAt, returnReason: s.returnReason } : null,
    })),
    ...hazards.map((h): TimelineEntry => ({
      kind: 'hazard',
      at: h.createdAt,
      hazardId: h.id,
      number: h.number,
      description: h.description,
      deadline: h.deadline,
      status: h.status,
      evidencePhotoIds: h.evidencePhotoIds,
      sitePhotos: (h.sitePhotos ?? []).map((p) => ({ photoId: p.photoId, kind: p.kind })),
      rectifiedAt: h.rectifiedAt,
      closedAt: h.closedAt,
      closedBy: h.closedBy,
    })),
    ...tips.map((t): TimelineEntry => ({
      kind: 'tip',
      at: t.createdAt,
      tipId: t.id,
      number: t.number,
      // a reporter who wrote their own phone into the text is not named by it either
      text: redactPersonal(t.text),
      photoIds: t.photoIds,
      status: t.status,
    })),
    ...points.map((p): TimelineEntry => ({
      kind: 'points',
      at: p.createdAt,
      reason: p.reason,
      amount: p.amount,
      landlordId: p.landlordId,
    })),
  ];
  return entries.sort((a, b) => b.at.getTime() - a.at.getTime() || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
}

/** Within one instant, what happened later reads first: points after what earned them, a review after the round. */
const KIND_ORDER: Record<TimelineEntry['kind'], number> = {
  points: 0,
  review: 1,
  edit: 2,
  round: 3,
  hazard: 4,
  tip: 5,
  commitment: 6,
  registration: 7,
};

function auditEntry(a: AuditEntry): TimelineEntry {
  const kind = REGISTRATION_ACTIONS.has(a.action) ? 'registration' : REVIEW_ACTIONS.has(a.action) ? 'review' : 'edit';
  return { kind, at: a.createdAt, action: a.action, actor: a.actor, detail: a.detail };
}
