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
