import { Lunar } from 'lunar-javascript';

/** The Gregorian date (`YYYY-MM-DD`) of a day of the Chinese lunar calendar, computed, not looked up. */
export function lunarDate(lunarYear: number, month: number, day: number): string {
  return Lunar.fromYmd(lunarYear, month, day).getSolar().toYmd();
}

/** The festivals the notices are timed by, in the Gregorian year they fall in. */
export function festivals(year: number): { springFestivalEve: string; springFestival: string; lanternFestival: string; newYear: string } {
  const spring = Lunar.fromYmd(year, 1, 1).getSolar();
  return {
    springFestivalEve: spring.next(-1).toYmd(),
    springFestival: spring.toYmd(),
    lanternFestival: lunarDate(year, 1, 15),
    newYear: `${year}-01-01`,
  };
}

/** `YYYY-MM-DD` plus or minus whole days (calendar arithmetic, no time zone involved). */
export function addDays(ymd: string, days: number): string {
  const d = new Date(`${ymd}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
