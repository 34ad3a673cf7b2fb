import { zonedInstant } from './period';
import { dateFormat } from './date-format';

/** SPEC §4: nothing scheduled is posted from 21:00 to 08:00; it waits until 08:00. */
export const QUIET_START_HOUR = 21;
export const QUIET_END_HOUR = 8;

function wallClock(at: Date, timeZone: string): { date: string; hour: number } {
  const p = Object.fromEntries(
    dateFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit' })
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  return { date: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour) };
}

/** The first instant at or after `at` that is outside quiet hours in the time zone. */
export function afterQuietHours(at: Date, timeZone: string): Date {
  const { date, hour } = wallClock(at, timeZone);
  const eight = `${String(QUIET_END_HOUR).padStart(2, '0')}:00:00`;
  if (hour < QUIET_END_HOUR) return zonedInstant(date, eight, timeZone);
  if (hour >= QUIET_START_HOUR) {
    // 08:00 of the next calendar day there (noon avoids any daylight-saving edge)
    const next = wallClock(new Date(zonedInstant(date, '12:00:00', timeZone).getTime() + 86_400_000), timeZone).date;
    return zonedInstant(next, eight, timeZone);
  }
  return at;
}

/**
 * When the quiet hours `at` falls in began (21:00 there, that evening or the one before), or null
 * outside them. The sender holds a post due before then until 08:00 (a backlog that ran past 21:00,
 * or a daily cap that frees at night); one queued during them on purpose (a broadcast sent "now" at
 * 22:00) goes.
 */
export function quietSince(at: Date, timeZone: string): Date | null {
  const { date, hour } = wallClock(at, timeZone);
  if (hour >= QUIET_END_HOUR && hour < QUIET_START_HOUR) return null;
  const evening =
    hour >= QUIET_START_HOUR ? date : wallClock(new Date(zonedInstant(date, '12:00:00', timeZone).getTime() - 86_400_000), timeZone).date;
  return zonedInstant(evening, `${String(QUIET_START_HOUR).padStart(2, '0')}:00:00`, timeZone);
}
