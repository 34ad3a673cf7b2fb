import { dateFormat } from './date-format';
/** `YYYY-MM` of an instant in a time zone (the campaign's month). */
export function periodOf(at: Date, timeZone: string): string {
  const parts = dateFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(at);
  const y = parts.find((p) => p.type === 'year')?.value;
  const m = parts.find((p) => p.type === 'month')?.value;
  return `${y}-${m}`;
}

/** `YYYY-MM-DD` of an instant in a time zone. */
export const ymdIn = (at: Date, timeZone: string): string =>
  dateFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

/** `YYYY-MM` of a campaign month: years 2000–2099 (a year 0000 or 9999 is a typo, not a month to count) */
export const PERIOD_RE = /^20\d{2}-(0[1-9]|1[0-2])$/;

/** How far a time zone's wall clock is ahead of UTC at an instant, in ms. */
function zoneOffsetMs(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    dateFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(at)
      .map((p) => [p.type, Number(p.value)]),
  );
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant a wall-clock time `YYYY-MM-DD HH:mm:ss` happens in a time zone. */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const guess = new Date(`${date}T${time}Z`);
  return new Date(guess.getTime() - zoneOffsetMs(guess, timeZone));
}

/** A deadline given as a date means the end of that day where the campaign runs; a full timestamp is kept as is. */
export function deadlineFrom(input: string, timeZone: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(input) ? zonedInstant(input, '23:59:59', timeZone) : new Date(input);
}
