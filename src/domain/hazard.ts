import { ymdIn, zonedInstant } from './period';
import type { Hazard } from './types';

/** SPEC §3: a hazard's deadline when none is given. */
export const DEFAULT_HAZARD_DAYS = 7;
export const MAX_HAZARD_DAYS = 365;

/** The end of the day `days` days from `now`, where the campaign runs. */
export function hazardDeadline(now: Date, days: number, timeZone: string): Date {
  return zonedInstant(ymdIn(new Date(now.getTime() + days * 86_400_000), timeZone), '23:59:59', timeZone);
}

/** SPEC §2: `overdue` when open or rectified past its deadline (derived, never stored). */
export const isOverdue = (h: Pick<Hazard, 'status' | 'deadline'>, now: Date): boolean => h.status !== 'closed' && h.deadline < now;
