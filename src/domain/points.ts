import type { PointReason } from './types';

/**
 * SPEC §2 points: what each event earns (a negative amount is a deduction). One table,
 * read by the one award function; each award is a ledger line keyed by (reason, subject,
 * landlord), so no event is ever counted twice.
 */
export const POINT_RULES: Readonly<Record<PointReason, number>> = {
  commitment: 5,
  inspection_on_time: 10,
  hazard_closed: 10,
  tip_accepted: 20,
  hazard_overdue: -5,
  inspection_returned: -5,
  adjustment: 0,
};

/** Ranks by points, highest first; equal points share a rank (1, 2, 2, 4). */
export function rank<T extends { points: number }>(rows: T[]): (T & { rank: number })[] {
  const sorted = [...rows].sort((a, b) => b.points - a.points);
  let shared = 0;
  return sorted.map((r, i) => {
    if (i === 0 || sorted[i - 1]!.points !== r.points) shared = i + 1;
    return { ...r, rank: shared };
  });
}
