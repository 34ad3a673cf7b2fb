import { DomainError } from '../../domain/errors';
import { audit } from '../access/audit';
import type { ChecklistItem, Submission } from '../../domain/types';
import type { Deps } from '../deps';
import { award } from '../points/points';
import { permit, targetOf } from '../access/permit';
import type { Actor } from '../../domain/policy';
import { placedFilter } from '../../domain/scope';
import { notFoundIn, placeTarget, type Place } from '../access/place';
import { houseAudience } from '../sending/house-audience';
import { noticeKey, type NoticeData } from '../sending/notifier';
import { openRoundFor } from './group-progress';
import { createIntent, findIntent, takeIntent, type Said } from '../conversation/intents';

/**
 * `通过` / `退回`: a head or staff member approves a complete submission, or returns it
 * with a reason. A head's own house is approved by staff, not by the head. An approval
 * by the deadline earns the landlord on-time points. A return may name one item (the review
 * queue, issue 26): that item's photos are taken out of the set, so the landlord sends that
 * one again and the rest stand.
 */
export async function reviewSubmission(
  deps: Deps,
  input: { submission: Submission; by: Actor | readonly Actor[]; action: 'approve' | 'return'; reason?: string; item?: ChecklistItem },
): Promise<Submission> {
  const { store, clock } = deps;
  const { submission: sub } = input;
  // a head (never of their own house) or staff of its scope (the policy)
  const reviewer = permit(input.by, 'submissions:review', targetOf(sub), sub.houseCode);
  const now = clock.now();
  if (input.action === 'approve') {
    if (sub.status !== 'complete')
      throw new DomainError('submission_incomplete', sub.houseCode, { code: sub.houseCode, status: sub.status });
    const n = await store.submissions.updateWhere(
      { id: sub.id, status: 'complete' },
      { status: 'approved', reviewedBy: reviewer.id, reviewedAt: now, returnReason: null, returnedItem: null },
    );
    if (n !== 1) throw new DomainError('submission_incomplete', sub.houseCode, { code: sub.houseCode, status: sub.status });
    const round = await store.rounds.get(sub.roundId);
    const house = await store.houses.get(sub.houseId);
    if (round && house && now <= round.deadline) await award(deps, { reason: 'inspection_on_time', refId: sub.id, house });
  } else {
    const item = input.item ?? null;
    // the same return repeated (a retried request) changes nothing, so its notice is not posted twice
    if (sub.status === 'returned' && sub.returnReason === (input.reason ?? '').slice(0, 200) && (sub.returnedItem ?? null) === item)
      return sub;
    // one item returned: one the set has photos of
    if (item && !(sub.items[item]?.length ?? 0))
      throw new DomainError('validation', 'item', { detailKey: 'item_not_in_set', item, code: sub.houseCode });
    // an incomplete set may be returned too (a wrong or unclear photo among the first few): the landlord is told what to redo
    // approved is final (SPEC: complete → approved or returned): its on-time points stand; a problem found later is a hazard
    if (sub.status === 'approved') throw new DomainError('submission_approved', sub.houseCode, { code: sub.houseCode });
    const n = await store.submissions.updateWhere(
      { id: sub.id, status: { in: ['partial', 'complete', 'returned'] } },
      {
        status: 'returned',
        reviewedBy: reviewer.id,
        reviewedAt: now,
        returnReason: (input.reason ?? '').slice(0, 200),
        returnedItem: item,
        // the returned item's photos no longer count: the landlord sends that item again
        ...(item ? { items: Object.fromEntries(Object.entries(sub.items).filter(([k]) => k !== item)) } : {}),
      },
    );
    if (n !== 1) throw new DomainError('submission_approved', sub.houseCode, { code: sub.houseCode });
    // one deduction per submission, however often it is returned
    const house = await store.houses.get(sub.houseId);
    if (house) await award(deps, { reason: 'inspection_returned', refId: sub.id, house });
  }
  await audit(deps, {
    actor: reviewer.id,
    action: `${input.action}_submission`,
    target: `submission:${sub.id}`,
    detail: { reason: input.reason ?? null, ...(input.item ? { item: input.item } : {}) },
    at: sub,
  });
  return (await store.submissions.get(sub.id))!;
}

/** A review and what the house's room is told of it (the landlord @mentioned), as data. */
export interface Reviewed {
  submission: Submission;
  notices: NoticeData[];
}

/** The notice of a review's outcome, keyed by the review (the same review repeated posts once). */
async function reviewNotices(deps: Deps, sub: Submission): Promise<NoticeData[]> {
  const to = await houseAudience(deps, sub.houseId);
  if (!to) return [];
  const say =
    sub.status === 'approved'
      ? { key: 'review.approved', params: { code: sub.houseCode } }
      : sub.returnedItem
        ? {
            key: 'review.returned_item',
            params: { code: sub.houseCode, item: { key: `items.${sub.returnedItem}` }, reason: sub.returnReason ?? '' },
          }
        : { key: 'review.returned', params: { code: sub.houseCode, reason: sub.returnReason ?? '' } };
  return [{ key: noticeKey.review(sub), roomId: to.roomId, mentions: to.mentions, lng: to.lng, say }];
}

/**
 * `通过 P00001` / `退回 P00001 原因` in a room, or `POST /submissions/:id/approve|return`: the
 * submission (in a room, the house's in the round open for the group), reviewed, with its notice.
 */
export async function review(
  deps: Deps,
  input: ({ houseCode: string; within: Place } | { submission: Submission }) & {
    by: Actor | readonly Actor[];
    action: 'approve' | 'return';
    reason?: string;
    /** a return of this one item only (the dashboard's review queue) */
    item?: ChecklistItem;
  },
): Promise<Reviewed> {
  const sub = 'submission' in input ? input.submission : await submissionOf(deps, input.houseCode, input.within, input.by, input.action);
  const submission = await reviewSubmission(deps, {
    submission: sub,
    by: input.by,
    action: input.action,
    reason: input.reason,
    item: input.item,
  });
  return { submission, notices: await reviewNotices(deps, submission) };
}

/**
 * `退回 PD0001` without a reason (issue 25): the set is checked as a return would check it (the
 * reviewer's right, the house in the place, something to return), and the reviewer's next words
 * in this conversation are awaited as the reason (`returnWithReason`).
 */
export async function askReturnReason(
  deps: Deps,
  input: { houseCode: string; within: Place; by: Actor | readonly Actor[]; said: Said },
): Promise<Submission> {
  const sub = await submissionOf(deps, input.houseCode, input.within, input.by, 'return');
  await createIntent(deps, input.said, 'return_reason', { houseId: sub.houseId }, { replace: true });
  return sub;
}

/** Whether someone in this conversation was asked for a return's reason (a cheap look before the speaker is resolved). */
export async function reasonAwaitedIn(deps: Deps, conversation: string): Promise<boolean> {
  return (await deps.store.intents.count({ conversation, kind: 'return_reason', expiresAt: { gt: deps.clock.now() } })) > 0;
}

/** The reason awaited from this person, as the return it completes; null when none was asked of them. */
export async function returnWithReason(
  deps: Deps,
  input: { said: Said; reason: string; within: Place; by: Actor | readonly Actor[] },
): Promise<Reviewed | null> {
  const intent = await findIntent(deps, input.said, ['return_reason']);
  if (!intent?.houseId) return null;
  await takeIntent(deps, intent);
  const house = await deps.store.houses.get(intent.houseId);
  if (!house) return null;
  return review(deps, { houseCode: house.code, within: input.within, by: input.by, action: 'return', reason: input.reason });
}

/** A house's submission in the round open for its group, found by the house's code in the place. */
async function submissionOf(
  deps: Deps,
  houseCode: string,
  within: Place,
  by: Actor | readonly Actor[],
  action: 'approve' | 'return',
): Promise<Submission> {
  permit(by, 'submissions:review', placeTarget(within));
  const house = await deps.store.houses.findOne({ code: houseCode, ...placedFilter(within) });
  if (!house) throw notFoundIn(within, 'houses', { code: houseCode });
  const round = await openRoundFor(deps, { id: house.groupId, gridId: house.gridId, communityId: house.communityId });
  if (!round) throw new DomainError('no_open_round', houseCode);
  const sub = await deps.store.submissions.findOne({ roundId: round.id, houseId: house.id });
  // no photo at all yet: nothing to approve, and nothing to return
  if (!sub) throw new DomainError(action === 'return' ? 'nothing_to_return' : 'submission_incomplete', houseCode, { code: houseCode });
  return sub;
}

/**
 * A bare `通过` from a head or staff member: the houses of the group whose sets are complete
 * and wait for review, in code order; a head's own house is listed apart (staff review it).
 */
export async function awaitingReview(
  deps: Deps,
  input: { within: Place; by: Actor | readonly Actor[] },
): Promise<{ codes: string[]; forStaff: string[] }> {
  const reviewer = permit(input.by, 'submissions:review', placeTarget(input.within));
  const { groupId, gridId, communityId } = input.within;
  if (!groupId || !gridId || !communityId) return { codes: [], forStaff: [] };
  const round = await openRoundFor(deps, { id: groupId, gridId, communityId });
  if (!round) return { codes: [], forStaff: [] };
  const waiting = await deps.store.submissions.find({ roundId: round.id, groupId, status: 'complete' }, { sort: { houseCode: 1 } });
  const own = new Set(reviewer.role === 'head' ? (reviewer.ownHouseIds ?? []) : []);
  return {
    codes: waiting.filter((s) => !own.has(s.houseId)).map((s) => s.houseCode),
    forStaff: waiting.filter((s) => own.has(s.houseId)).map((s) => s.houseCode),
  };
}
