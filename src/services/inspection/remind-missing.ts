import type { ChecklistItem, Group } from '../../domain/types';
import type { Deps } from '../deps';
import { groupProgress } from './group-progress';
import { missingItems } from './submit-photo';

/** What one house still owes: its registration, its commitment, its photos (or a returned set), an overdue hazard. */
export interface HouseOwes {
  code: string;
  register: boolean;
  commit: boolean;
  items: ChecklistItem[];
  returned: boolean;
  overdue: boolean;
}

/** Who in a group still owes something: @mentions, unregistered house codes, all codes missing, and what each owes (the door renders it). */
export interface MissingInGroup {
  mentions: string[];
  unregistered: string[];
  codes: string[];
  owes: HouseOwes[];
}

/**
 * `mentions`: WeChat ids of registered landlords still owing something; `unregistered`:
 * houses nobody has registered yet (no one to @mention); `codes`: houses still owing
 * something. A set waiting for review owes nothing more from its landlord (issue 25).
 */
export type Missing = MissingInGroup;

/** `催办`: who in a group still owes something, and what — for @mentions and one line per house. */
export async function remindMissing(deps: Deps, group: Group): Promise<Missing> {
  const progress = await groupProgress(deps, group);
  const behind = progress.houses.filter((h) => h.mark !== '✅');
  const houses = await deps.store.houses.find({ groupId: group.id, code: { in: behind.map((h) => h.code) } });
  const subs =
    progress.round && houses.length
      ? await deps.store.submissions.find({ roundId: progress.round.id, houseId: { in: houses.map((h) => h.id) } })
      : [];
  const owes: HouseOwes[] = [];
  for (const line of behind) {
    const house = houses.find((h) => h.code === line.code);
    if (!house) continue;
    const sub = subs.find((s) => s.houseId === house.id) ?? null;
    const inRound = progress.round !== null && sub?.status !== 'complete' && sub?.status !== 'approved';
    const o: HouseOwes = {
      code: line.code,
      register: !line.registered,
      commit: !line.committed,
      // a set returned whole owes "redo"; one returned item by item (issue 26) owes that item
      items: inRound && (sub?.status !== 'returned' || sub.returnedItem) ? missingItems(sub, house.isKey) : [],
      returned: sub?.status === 'returned',
      overdue: line.overdue,
    };
    if (o.register || o.commit || o.items.length || o.returned || o.overdue) owes.push(o);
  }
  const owing = houses.filter((h) => owes.some((o) => o.code === h.code));
  const contactIds = [...new Set(owing.map((h) => h.contactId).filter((c): c is string => c !== null))];
  const contacts = contactIds.length ? await deps.store.contacts.find({ id: { in: contactIds } }) : [];
  return {
    mentions: contacts.map((c) => c.wechatId),
    unregistered: owing.filter((h) => !h.contactId).map((h) => h.code),
    codes: owes.map((o) => o.code),
    owes,
  };
}

/** The result of `催办` said in a room: the reminder, or when the last one was (the group's cooldown). */
export type RemindNow =
  /** `previous`: the reminder before this one (ms), or null: two asking at the same instant read the same, so a key made of it posts once */
  { status: 'sent'; missing: Missing; previous: number | null } | { status: 'cooling'; last: Date; next: Date };

/**
 * `催办` from a head or staff: at most once per cooldown per group (issue 25: said twice, it
 * posted the same @-list twice). The time is kept in the audit log, so it holds across restarts.
 */
export async function remindNow(deps: Deps, input: { group: Group; by: string }): Promise<RemindNow> {
  const { store, clock } = deps;
  const target = `group:${input.group.id}`;
  const now = clock.now();
  const lastEntry = await store.audit.findOne({ action: 'remind', target }, { createdAt: -1 });
  const lastAt = typeof lastEntry?.detail.at === 'number' ? lastEntry.detail.at : null;
  if (lastAt !== null && now.getTime() - lastAt < deps.remindCooldownMs && now.getTime() >= lastAt) {
    return { status: 'cooling', last: new Date(lastAt), next: new Date(lastAt + deps.remindCooldownMs) };
  }
  const missing = await remindMissing(deps, input.group);
  await store.audit.insert({
    actor: input.by,
    action: 'remind',
    target,
    detail: { at: now.getTime() },
    communityId: input.group.communityId,
    gridId: input.group.gridId,
    groupId: input.group.id,
  });
  return { status: 'sent', missing, previous: lastAt };
}
