import { requiredItems } from '../../domain/checklist';
import type { ChecklistItem, House, Round, SubmissionStatus } from '../../domain/types';
import type { Deps } from '../deps';
import { currentLetterVersion } from '../commitments/letter-version';
import { openRoundFor } from '../inspection/group-progress';
import type { Speaker } from './speaker';

/** One of the speaker's houses as they need to hear about it. */
export interface MyHouse {
  code: string;
  committed: boolean;
  submission: SubmissionStatus | null;
  returnReason: string | null;
  /** checklist items without a photo in the open round (none when no round is open) */
  owed: ChecklistItem[];
  round: Pick<Round, 'period' | 'deadline'> | null;
}

/** What the bot says to someone speaking to it: their houses, what each still owes, the deadline. */
export interface AboutMe {
  houses: MyHouse[];
  next: 'register' | 'commit' | 'photo' | 'redo' | 'wait' | 'done' | 'no_round';
}

/**
 * What one house still owes in the round open over it: the items without a photo, a returned set, the deadline.
 * The one list the bot tells a landlord (`aboutMe`) and the house's plan (一户一方案) shows.
 */
export async function houseOwes(deps: Deps, h: House, committed: boolean): Promise<MyHouse> {
  const round = await openRoundFor(deps, { id: h.groupId, gridId: h.gridId, communityId: h.communityId });
  const sub = round ? await deps.store.submissions.findOne({ roundId: round.id, houseId: h.id }) : null;
  const owed = round ? requiredItems(h.isKey).filter((i) => !sub?.items[i]?.length) : [];
  return {
    code: h.code,
    committed,
    submission: sub?.status ?? null,
    returnReason: sub?.returnReason ?? null,
    owed,
    round: round ? { period: round.period, deadline: round.deadline } : null,
  };
}

/**
 * The speaker's own record, for a personal answer in a private chat or to an @mention
 * (还差什么, 截止哪天, or anything the bot cannot place): each house, whether it is committed,
 * the items it still owes in the open round, and the one next step.
 */
export async function aboutMe(deps: Deps, speaker: Speaker): Promise<AboutMe> {
  const { store } = deps;
  if (speaker.houses.length === 0) return { houses: [], next: 'register' };
  const letterVersion = await currentLetterVersion(store);
  const committed = new Set(
    letterVersion === null
      ? []
      : await store.commitments.distinct('houseId', { houseId: { in: speaker.houses.map((h) => h.id) }, letterVersion }),
  );
  const houses: MyHouse[] = [];
  for (const h of speaker.houses) houses.push(await houseOwes(deps, h, committed.has(h.id)));
  const next: AboutMe['next'] = houses.some((h) => !h.committed)
    ? 'commit'
    : houses.some((h) => h.submission === 'returned')
      ? 'redo'
      : houses.some((h) => h.round && h.owed.length > 0)
        ? 'photo'
        : houses.some((h) => h.submission === 'complete')
          ? 'wait'
          : houses.every((h) => !h.round)
            ? 'no_round'
            : 'done';
  return { houses, next };
}
