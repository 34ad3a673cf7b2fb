import { KEY_ITEMS } from '../../domain/checklist';
import { DomainError, isDomainError } from '../../domain/errors';
import type { Actor } from '../../domain/policy';
import { placedFilter, type PlacedScope } from '../../domain/scope';
import type { ChecklistItem, Submission } from '../../domain/types';
import type { Deps } from '../deps';
import type { NoticeData } from '../sending/notifier';
import { review } from './review-submission';

/** A photo of a set waiting for review: which item it shows and when it came. */
export interface QueuedPhoto {
  id: string;
  item: ChecklistItem;
  at: Date;
}

/** One set waiting for review (待审核), with what a reviewer needs to judge it without opening anything else. */
export interface QueuedSet {
  id: string;
  houseId: string;
  houseCode: string;
  address: string;
  isKey: boolean;
  groupId: string;
  groupName: string;
  period: string;
  status: Submission['status'];
  /** when the set became complete (its last change) */
  completedAt: Date;
  photos: QueuedPhoto[];
}

/**
 * The review queue (issue 26, item 4): the complete sets of the caller's scope, a street's,
 * a community's or a grid's at once, in id order and paged by key (`afterId`: the last id of
 * the page before). Each set comes with its house, group and labelled photos in checklist order.
 */
export async function reviewQueue(
  deps: Deps,
  input: { within: PlacedScope; afterId?: string; limit: number },
): Promise<{ items: QueuedSet[]; lastId: string | null }> {
  const { store } = deps;
  const found = await store.submissions.find(
    { ...placedFilter(input.within), status: 'complete', ...(input.afterId !== undefined ? { id: { gt: input.afterId } } : {}) },
    { sort: { id: 1 }, limit: input.limit + 1 },
  );
  const subs = found.slice(0, input.limit);
  const photoIds = subs.flatMap((s) => Object.values(s.items).flat());
  const [houses, groups, photos] = await Promise.all([
    subs.length ? store.houses.find({ id: { in: [...new Set(subs.map((s) => s.houseId))] } }) : [],
    subs.length ? store.groups.find({ id: { in: [...new Set(subs.map((s) => s.groupId))] } }) : [],
    photoIds.length ? store.photos.find({ id: { in: photoIds } }) : [],
  ]);
  const house = new Map(houses.map((h) => [h.id, h]));
  const group = new Map(groups.map((g) => [g.id, g]));
  const photo = new Map(photos.map((p) => [p.id, p]));
  const items = subs.map((s): QueuedSet => {
    const h = house.get(s.houseId);
    return {
      id: s.id,
      houseId: s.houseId,
      houseCode: s.houseCode,
      address: h?.address ?? '',
      isKey: h?.isKey ?? false,
      groupId: s.groupId,
      groupName: group.get(s.groupId)?.name ?? '',
      period: s.period,
      status: s.status,
      completedAt: s.updatedAt,
      photos: KEY_ITEMS.flatMap((item) => (s.items[item] ?? []).map((id) => ({ id, item, at: photo.get(id)?.createdAt ?? s.updatedAt }))),
    };
  });
  return { items, lastId: found.length > input.limit ? (subs.at(-1)?.id ?? null) : null };
}

/** What approving several sets did: those approved, those refused (and why), and what their rooms are told. */
export interface ApprovedSeveral {
  approved: Submission[];
  refused: { id: string; houseCode: string; error: DomainError }[];
  notices: NoticeData[];
}

/**
 * 批量通过: several sets of the caller's scope approved at once, each as `通过` would (a head's own
 * house stays for staff, an incomplete set is refused); one refused does not stop the others.
 * An id outside the scope does not exist for the caller: the whole request is refused (404).
 */
export async function approveSeveral(
  deps: Deps,
  input: { ids: readonly string[]; within: PlacedScope; by: Actor | readonly Actor[] },
): Promise<ApprovedSeveral> {
  const ids = [...new Set(input.ids)];
  const subs = await deps.store.submissions.find({ ...placedFilter(input.within), id: { in: ids } });
  const byId = new Map(subs.map((s) => [s.id, s]));
  // one outside the scope (or none such): the request names what does not exist for the caller, and nothing is approved
  if (subs.length !== ids.length) throw new DomainError('not_found', 'submission', { whatKey: 'record' });
  const out: ApprovedSeveral = { approved: [], refused: [], notices: [] };
  for (const id of ids) {
    const submission = byId.get(id)!;
    try {
      const r = await review(deps, { submission, by: input.by, action: 'approve' });
      out.approved.push(r.submission);
      out.notices.push(...r.notices);
    } catch (e) {
      if (!isDomainError(e)) throw e;
      out.refused.push({ id, houseCode: submission.houseCode, error: e });
    }
  }
  return out;
}
