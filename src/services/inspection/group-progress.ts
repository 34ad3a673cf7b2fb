import { requiredItems } from '../../domain/checklist';
import { shortenAddress } from '../../domain/privacy';
import { scopeCoversGroup } from '../../domain/scope';
import type { Group, Round, SubmissionStatus } from '../../domain/types';
import type { Deps } from '../deps';
import { committedByHolder } from '../commitments/commit';
import { currentLetterVersion } from '../commitments/letter-version';

export interface HouseProgress {
  code: string;
  /** road and number only: what may be shown in a group */
  place: string;
  registered: boolean;
  committed: boolean;
  submission: SubmissionStatus | null;
  itemsDone: number;
  itemsRequired: number;
  /** it has a hazard past its deadline (not compliant, whatever else it did) */
  overdue: boolean;
  mark: '✅' | '⏳' | '❌';
}
export interface GroupProgress {
  round: Round | null;
  houses: HouseProgress[];
  committed: number;
  total: number;
  done: number;
}

/** The open round that covers a group, if any (the newest). */
export async function openRoundFor({ store }: Deps, group: Pick<Group, 'id' | 'gridId' | 'communityId'>): Promise<Round | null> {
  const open = await store.rounds.find({ status: 'open' }, { sort: { openedAt: -1 } });
  return open.find((r) => scopeCoversGroup(r.scope, group)) ?? null;
}

/**
 * `进度`: one line per house of the group. ✅ when it has committed and (if a round is
 * open) its submission is approved; ❌ when it has done nothing yet; ⏳ in between.
 */
export async function groupProgress(deps: Deps, group: Group): Promise<GroupProgress> {
  const { store } = deps;
  const [houses, letterVersion, round] = await Promise.all([
    // the fields a line shows (a house has seventeen; a group's ten are read on every `进度`)
    store.houses.find({ groupId: group.id }, { sort: { code: 1 }, fields: ['code', 'address', 'contactId', 'isKey'] }),
    currentLetterVersion(store),
    openRoundFor(deps, group),
  ]);
  const commitments =
    letterVersion !== null ? await store.commitments.find({ groupId: group.id, letterVersion }, { fields: ['houseId', 'contactId'] }) : [];
  const committed = committedByHolder(houses, commitments);
  const submissions = round ? await store.submissions.find({ roundId: round.id, groupId: group.id }) : [];
  const overdue = new Set(
    await store.hazards.distinct('houseId', {
      groupId: group.id,
      status: { in: ['open', 'rectified'] },
      deadline: { lt: deps.clock.now() },
    }),
  );
  const byHouse = new Map(submissions.map((s) => [s.houseId, s]));
  const lines = houses.map((h): HouseProgress => {
    const sub = byHouse.get(h.id) ?? null;
    const required = requiredItems(h.isKey);
    const itemsDone = sub ? required.filter((i) => (sub.items[i]?.length ?? 0) > 0).length : 0;
    const isCommitted = committed.has(h.id);
    const inspected = !round || sub?.status === 'approved';
    const started = Boolean(h.contactId) || isCommitted || Boolean(sub);
    const late = overdue.has(h.id);
    return {
      code: h.code,
      place: shortenAddress(h.address),
      registered: Boolean(h.contactId),
      committed: isCommitted,
      submission: sub?.status ?? null,
      itemsDone,
      itemsRequired: required.length,
      overdue: late,
      mark: isCommitted && inspected && !late ? '✅' : started ? '⏳' : '❌',
    };
  });
  return { round, houses: lines, committed: committed.size, total: houses.length, done: lines.filter((l) => l.mark === '✅').length };
}
