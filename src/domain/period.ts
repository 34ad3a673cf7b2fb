/** `YYYY-MM` of an instant in a time zone (the campaign's month). */
export function periodOf(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(at);
  const y = parts.find((p) => p.type === 'year')?.value;
  const m = parts.find((p) => p.type === 'month')?.value;
  return `${y}-${m}`;
}

export const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
