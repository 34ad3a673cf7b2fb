/**
 * A date formatter for a locale and options, made once and kept: building an
 * Intl.DateTimeFormat costs tens of microseconds (it loads the locale's and the zone's
 * data), formatting with one costs about one. Every message that shows a date or finds
 * the campaign month goes through here.
 */
const made = new Map<string, Intl.DateTimeFormat>();
const MAX_KEPT = 256;

export function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}\u0000${JSON.stringify(options)}`;
  let f = made.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    // (time zones come from configuration and schedules: a handful; the bound is a safeguard)
    if (made.size >= MAX_KEPT) made.clear();
    made.set(key, f);
  }
  return f;
}

/** A deadline as a message shows it: month and day in the reader's language ("12月5日", "12/5"), where the campaign runs. */
export const monthDay = (lng: string, timeZone: string, at: Date): string =>
  dateFormat(lng, { timeZone, month: 'numeric', day: 'numeric' }).format(at);

/** The calendar year of an instant where the campaign runs (points are counted by it). */
export const yearIn = (timeZone: string, at: Date): number => Number(dateFormat('en', { timeZone, year: 'numeric' }).format(at));
