import type { ChecklistItem, House, Id, Round, SubmissionStatus } from '../../domain/types';
import type { Deps } from '../deps';
import { committedByHolder } from '../commitments/commit';
import { currentLetterVersion } from '../commitments/letter-version';
import { houseOwes } from '../conversation/about-me';

/** One open hazard of the plan: its deadline, what the landlord does next, and the check that closes it. */
export interface PlannedFix {
  hazardId: Id;
  number: number;
  description: string;
  deadline: Date;
  status: 'open' | 'rectified';
  overdue: boolean;
  /** `evidence`: the landlord fixes it and sends a photo (整改 N); `check`: the head or staff verify it and close it (销号 N) */
  step: 'evidence' | 'check';
}

/** 一户一方案: what stands between the house and compliance, now. */
export interface HousePlan {
  /** it has committed to the current letter, by its present holder */
  committed: boolean;
  letterVersion: number | null;
  hazards: PlannedFix[];
  /** the round open over the house and what it still lacks (the list the bot tells the landlord); null when none is open */
  round: {
    period: string;
    deadline: Date;
    submission: SubmissionStatus | null;
    returnReason: string | null;
    owed: ChecklistItem[];
  } | null;
}

/**
 * The house's plan (issue 27): its open hazards, oldest deadline first, and what the current
 * round still lacks — computed by `houseOwes`, the same function the bot answers a landlord with.
 */
export async function housePlan(deps: Deps, house: House): Promise<HousePlan> {
  const { store, clock } = deps;
  const letterVersion = await currentLetterVersion(store);
  const commitments =
    letterVersion === null ? [] : await store.commitments.find({ houseId: house.id, letterVersion }, { fields: ['houseId', 'contactId'] });
  const committed = committedByHolder([house], commitments).has(house.id);
  const [owes, open] = await Promise.all([
    houseOwes(deps, house, committed),
    store.hazards.find({ houseId: house.id, status: { in: ['open', 'rectified'] } }, { sort: { deadline: 1, number: 1 } }),
  ]);
  const now = clock.now();
  return {
    committed,
    letterVersion,
    hazards: open.map((h) => ({
      hazardId: h.id,
      number: h.number,
      description: h.description,
      deadline: h.deadline,
      status: h.status as PlannedFix['status'],
      overdue: h.deadline < now,
      step: h.status === 'open' ? 'evidence' : 'check',
    })),
    round: owes.round ? roundOf(owes.round, owes) : null,
  };
}

const roundOf = (r: Pick<Round, 'period' | 'deadline'>, o: Awaited<ReturnType<typeof houseOwes>>): NonNullable<HousePlan['round']> => ({
  period: r.period,
  deadline: r.deadline,
  submission: o.submission,
  returnReason: o.returnReason,
  owed: o.owed,
});
