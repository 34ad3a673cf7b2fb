import { addDays, festivals } from './lunar';

/** The seasonal notices of SPEC §4, each a template in locales/<lng>/templates.json. */
export type SeasonalNotice =
  'new_year' | 'spring_festival' | 'lantern_festival' | 'winter_heating' | 'kitchen' | 'ebike_charging' | 'fire_lanes';

/**
 * The date each seasonal notice goes out in a year (at 10:00 where the campaign runs).
 * Lunar festivals are computed for the year: the fireworks notice three days before
 * Spring Festival Eve, the Lantern Festival notice the day before it.
 */
export function seasonalCalendar(year: number): { notice: SeasonalNotice; date: string }[] {
  const f = festivals(year);
  return [
    { notice: 'spring_festival', date: addDays(f.springFestivalEve, -3) },
    { notice: 'lantern_festival', date: addDays(f.lanternFestival, -1) },
    { notice: 'fire_lanes', date: `${year}-04-15` },
    { notice: 'ebike_charging', date: `${year}-06-01` },
    { notice: 'kitchen', date: `${year}-09-15` },
    { notice: 'winter_heating', date: `${year}-11-15` },
    { notice: 'new_year', date: `${year}-12-29` },
  ].sort((a, b) => a.date.localeCompare(b.date)) as { notice: SeasonalNotice; date: string }[];
}
