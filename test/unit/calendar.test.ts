import { DEFAULT_SCHEDULE } from '../../src/domain/default-schedule';
import { addDays, festivals, lunarDate } from '../../src/domain/lunar';
import { dueRun, isValidCron, nextCronRun } from '../../src/domain/schedule-time';
import { seasonalCalendar } from '../../src/domain/seasonal';
import en from '../../locales/en/templates.json';
import zh from '../../locales/zh-CN/templates.json';

describe('lunar dates (computed by lunar-javascript, not a table)', () => {
  it.each([
    [2027, { springFestivalEve: '2027-02-05', springFestival: '2027-02-06', lanternFestival: '2027-02-20' }],
    [2028, { springFestivalEve: '2028-01-25', springFestival: '2028-01-26', lanternFestival: '2028-02-09' }],
    [2030, { springFestivalEve: '2030-02-02', springFestival: '2030-02-03', lanternFestival: '2030-02-17' }],
  ])('%i', (year, expected) => {
    expect(festivals(year)).toMatchObject(expected);
  });
  it('knows other lunar days and calendar arithmetic', () => {
    expect(lunarDate(2026, 8, 15)).toBe('2026-09-25'); // Mid-Autumn 2026
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
  });
});

describe('seasonal calendar', () => {
  it('puts the Spring Festival notice three days before the eve, in 2027 and in 2028', () => {
    expect(seasonalCalendar(2027).find((s) => s.notice === 'spring_festival')?.date).toBe('2027-02-02');
    expect(seasonalCalendar(2028).find((s) => s.notice === 'spring_festival')?.date).toBe('2028-01-22');
    expect(seasonalCalendar(2028).find((s) => s.notice === 'lantern_festival')?.date).toBe('2028-02-08');
  });
  it('has a template in both languages for every notice and every month', () => {
    for (const { notice } of seasonalCalendar(2027)) {
      expect((zh.seasonal as Record<string, string>)[notice]).toBeTruthy();
      expect((en.seasonal as Record<string, string>)[notice]).toBeTruthy();
    }
    for (let m = 1; m <= 12; m += 1) {
      expect((zh.tips as Record<string, string>)[m]).toContain(`${m}月`);
      expect((en.tips as Record<string, string>)[m]).toBeTruthy();
    }
  });
});

describe('schedule time', () => {
  const tz = 'Asia/Shanghai';
  it('opens the monthly round on the 1st at 09:00 Asia/Shanghai', () => {
    const round = DEFAULT_SCHEDULE.find((s) => s.action === 'open_round')!;
    expect(nextCronRun(round.cron, tz, new Date('2026-11-22T00:00:00Z')).toISOString()).toBe('2026-12-01T01:00:00.000Z');
    expect(nextCronRun(round.cron, tz, new Date('2026-12-01T01:00:00Z')).toISOString()).toBe('2027-01-01T01:00:00.000Z');
  });
  it('does a run missed while down once, not once per missed occurrence', () => {
    const daily = '0 20 * * *';
    // last ran 3 days ago at 20:00; now is 22:00 today: three runs were missed, one is due
    expect(dueRun(daily, tz, new Date('2026-11-19T12:00:00Z'), new Date('2026-11-22T14:00:00Z'))?.toISOString()).toBe('2026-11-22T12:00:00.000Z');
    expect(dueRun(daily, tz, new Date('2026-11-22T12:00:00Z'), new Date('2026-11-22T14:00:00Z'))).toBeNull();
  });
  it('validates cron expressions, and every default one is valid', () => {
    for (const s of DEFAULT_SCHEDULE) expect(isValidCron(s.cron)).toBe(true);
    expect(isValidCron('61 9 * * *')).toBe(false);
    expect(isValidCron('* * *')).toBe(false);
    expect(isValidCron('rm -rf /')).toBe(false);
  });
});
