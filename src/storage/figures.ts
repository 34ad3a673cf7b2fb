import type { HouseFigure, Id } from '../domain/types';

/** Which part of the street, and how its figures are grouped. */
export interface FigureQuery {
  where: { communityId?: Id; gridId?: Id; groupId?: Id };
  /** one row for the whole scope, or one per community / grid / group in it */
  by: 'all' | 'community' | 'grid' | 'group';
  period: string;
  /** the letter houses commit to (null: none published, nobody has committed) */
  letterVersion: number | null;
  /** hazards past their deadline at this instant are overdue */
  now: Date;
}

/** The figures of SPEC §2/§6, counted by the database. `key` is the community / grid / group id (null for `all`). */
export interface FigureRow {
  key: Id | null;
  houses: number;
  keyHouses: number;
  /** houses that committed to the current letter */
  committed: number;
  /** houses whose submission for the period has every photo (complete or approved) */
  submitted: number;
  approved: number;
  /** committed, approved, and no overdue hazard */
  compliant: number;
  hazardsOpen: number;
  hazardsOverdue: number;
}

export type { HouseFigure } from '../domain/types';

/** Aggregation in the store (issue 11): no lists of ids cross into JavaScript. */
export interface FigureStore {
  figures(q: FigureQuery): Promise<FigureRow[]>;
  /** the houses of a scope with their figures, by house code, `limit` after `afterCode` (keyset) */
  houseFigures(q: FigureQuery & { year: { gte: Date; lt: Date }; afterCode?: string; limit: number }): Promise<HouseFigure[]>;
  /** the next instant after `now` at which a figure changes with no write (a hazard's deadline); null if none */
  nextDeadline(now: Date): Promise<Date | null>;
  /** changes whenever anything this store reads may have changed (writes here, or by another process); null: unknown */
  revision(): string | null;
  /** the figures kept as each write lands (issue 29); absent: this store recounts */
  readonly kept?: KeptFigures;
}

/** What the kept counters count for: one month, one letter, hazards overdue at one instant. */
export interface KeptState {
  period: string;
  letterVersion: number | null;
  asOf: Date;
  /** false while a new month or letter is being rebuilt (reads recount meanwhile) */
  ready: boolean;
  verifiedAt: Date | null;
  /** places the last verifying recount found drifted (and repaired); all repairs since the store began */
  drifted: number;
  repairs: number;
}

/** A place whose kept counts differed from a recount: what the recount found minus what was kept. */
export interface Drift extends Omit<FigureRow, 'key'> {
  groupId: string;
  gridId: string;
  communityId: string;
}

/**
 * Per-group counters updated in the same unit of work as every write that changes a house's
 * figures; a scope's figures are sums of its groups' (issue 29). The same contract for every
 * adapter (test/contract/kept-figures.contract.test.ts).
 */
export interface KeptFigures {
  /** the kept figures for `q`, or null when they do not hold it (another month or letter, or a rebuild under way) */
  read(q: FigureQuery): Promise<FigureRow[] | null>;
  state(): Promise<KeptState>;
  /** the kept instant moved to `now`: hazards whose deadline passed in between become overdue; returns how many */
  advance(now: Date): Promise<number>;
  /** counts for this month and letter from now on: a rebuild (in chunks, between other work) unless already so */
  keep(period: string, letterVersion: number | null, now: Date): Promise<'kept' | 'rebuilt'>;
  /** a recount off the event loop compared with the counters; drifted places repaired; what drifted */
  verify(): Promise<{ drift: Drift[]; ms: number }>;
}

export const emptyFigures = (key: Id | null): FigureRow => ({
  key,
  houses: 0,
  keyHouses: 0,
  committed: 0,
  submitted: 0,
  approved: 0,
  compliant: 0,
  hazardsOpen: 0,
  hazardsOverdue: 0,
});

/**
 * `keep` as both stores run it: 'kept' when the state already holds the month and letter;
 * otherwise one rebuild at a time in this process — a call for the one under way waits for it,
 * a call for another month or letter waits its turn.
 */
export function keeper(
  holds: (period: string, letterVersion: number | null) => Promise<boolean>,
  rebuild: (period: string, letterVersion: number | null, now: Date) => Promise<'rebuilt'>,
): KeptFigures['keep'] {
  let rebuilding: { key: string; done: Promise<'rebuilt'> } | null = null;
  return async (period, letterVersion, now) => {
    if (await holds(period, letterVersion)) return 'kept';
    const key = `${period}:${letterVersion}`;
    while (rebuilding && rebuilding.key !== key) await rebuilding.done.catch(() => undefined);
    if (await holds(period, letterVersion)) return 'kept';
    if (!rebuilding) {
      const r = { key, done: rebuild(period, letterVersion, now) };
      rebuilding = r;
      void r.done
        .finally(() => {
          if (rebuilding === r) rebuilding = null;
        })
        .catch(() => undefined);
    }
    return rebuilding.done;
  };
}
