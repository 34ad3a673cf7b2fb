/**
 * Issue 26, item 6, in Debian's chromium at 1280×900: a street admin edits a default
 * schedule with the pickers (monthly day and time, then weekly), types a cron of their own key by key
 * (each keystroke stays), makes a new schedule with a Chinese name, and pauses it. The cron is
 * shown, the next runs are previewed in Beijing time, and every change is checked through the API.
 * (At 1280×900 only: the phone's 390×844 is walked page by page by phone.test.ts — the schedules'
 * cards and their edit buttons fit — and the schedules page has no phone-only markup.)
 */
import type { Browser } from 'playwright-core';
import { demoInChromium, DESKTOP, input, shot, signIn, SIZES, watchedPage, type DemoApp } from '../support/browser';
import { type Json } from '../support/sim-client';
import { choose } from '../support/browser-world';

let app: DemoApp;
let browser: Browser;
const suite = demoInChromium('anxin-sched-', (a, b) => { app = a; browser = b; });

const schedule = async (name: string) => ((await app.call('GET', '/schedules?limit=100')).body.items as Json[]).find((s) => s.name === name);
/** Beijing time of an instant, as `YYYY-MM-DD HH:mm` (for comparing with the API's UTC) */
const beijing = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

suite.each([DESKTOP])('schedules at %o', (size) => {
  const n = SIZES.indexOf(size);

  it('edits a default schedule with the pickers (a day of the month, then a weekday), types a cron key by key, adds a schedule with a Chinese name and pauses it', async () => {
    const w = await watchedPage(browser, size);
    await signIn(w.page, app.base, app.token);
    await w.page.click('[data-test=nav-schedules]');
    await w.page.waitForSelector('[data-test=sched-monthly-tip] >> text=每月安全提示');
    await shot(w.page, 'schedules-list', size);

    // the monthly tip: from the 1st at 10:00 to another day and time, saved; then weekly, saved
    const day = 5 + n;
    for (const weekly of [false, true]) {
      await w.page.click('[data-test=sched-edit-monthly-tip]');
      await w.page.waitForSelector('[data-test=sched-cron-shown]');
      if (!weekly) {
        await choose(w.page, 'sched-day', `${day} 日`);
      } else {
        await w.page.click('[data-test=sched-freq-weekly]');
        await choose(w.page, 'sched-weekday', '周三');
      }
      await choose(w.page, 'sched-time', '08:30');
      const want = !weekly ? `30 8 ${day} * *` : '30 8 * * 3';
      await w.page.waitForSelector(`[data-test=sched-cron-shown] >> text="${want}"`);
      // the next runs, previewed in Beijing time before saving
      await w.page.locator('[data-test=sched-runs] .run').nth(2).waitFor();
      const runs = await w.page.locator('[data-test=sched-runs] .run').allTextContents();
      expect(runs.every((r) => r.includes('08:30'))).toBe(true);
      if (!weekly) expect(runs.every((r) => r.includes(`${day}日`))).toBe(true);
      await shot(w.page, weekly ? 'schedules-edit-weekly' : 'schedules-edit', size);
      await w.page.click('[data-test=sched-save]');
      await w.page.locator('[data-test=sched-form]').waitFor({ state: 'hidden' });
      await w.page.waitForSelector(`[data-test=sched-monthly-tip][data-cron="${want}"]`);
      const saved = (await schedule('monthly-tip'))!;
      expect(saved.cron).toBe(want);
      expect(beijing(saved.nextRunAt as string).slice(11)).toBe('08:30');
      if (!weekly) expect(beijing(saved.nextRunAt as string).slice(8, 10)).toBe(String(day).padStart(2, '0'));
      else expect(new Date(new Date(saved.nextRunAt as string).getTime() + 8 * 3_600_000).getUTCDay()).toBe(3);
      const rhythm = await w.page.locator('[data-test=sched-monthly-tip] [data-test=sched-rhythm]').textContent();
      expect(rhythm).toBe(!weekly ? `每月 ${day} 日 08:30` : '每周三 08:30');
    }

    // a cron of one's own, typed key by key: every keystroke stays in the field
    await w.page.click('[data-test=sched-edit-daily-ranking]');
    await w.page.click('[data-test=sched-freq-custom]');
    await w.page.fill(input('sched-cron'), '');
    const typed = `15 ${19 + n} * * *`;
    await w.page.locator(input('sched-cron')).pressSequentially(typed);
    expect(await w.page.inputValue(input('sched-cron'))).toBe(typed);
    await w.page.waitForSelector(`[data-test=sched-cron-shown] >> text="${typed}"`);
    await w.page.click('[data-test=sched-save]');
    await w.page.locator('[data-test=sched-form]').waitFor({ state: 'hidden' });
    await w.page.waitForSelector(`[data-test=sched-daily-ranking][data-cron="${typed}"]`);
    expect((await schedule('daily-ranking'))!.cron).toBe(typed);

    // a new schedule with a Chinese name, weekly on Saturdays at 09:00
    const name = `周末消防提醒${n}`;
    await w.page.click('[data-test=sched-new]');
    await w.page.fill(input('sched-name'), name);
    await choose(w.page, 'sched-action', '节令提醒');
    await w.page.click('[data-test=sched-freq-weekly]');
    await choose(w.page, 'sched-weekday', '周六');
    await choose(w.page, 'sched-time', '09:00');
    await w.page.waitForSelector('[data-test=sched-cron-shown] >> text="0 9 * * 6"');
    await w.page.click('[data-test=sched-save]');
    await w.page.waitForSelector(`[data-test="sched-${name}"] >> text=${name}`);
    const made = (await schedule(name))!;
    expect(made).toMatchObject({ cron: '0 9 * * 6', action: 'seasonal_notice', scope: 'street', enabled: true, timeZone: 'Asia/Shanghai' });

    // paused, and shown so
    await w.page.click(`[data-test="sched-enabled-${name}"]`);
    await w.page.waitForSelector(`[data-test="sched-${name}"] [data-test=sched-next] >> text=已暂停`);
    expect((await schedule(name))!.enabled).toBe(false);
    await shot(w.page, 'schedules-done', size);
    // no ISO time anywhere on the page
    expect(await w.page.evaluate<string>('document.body.innerText')).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(w.problems).toEqual([]);
    await w.close();
  }, 180_000);
});
