/**
 * Issue 28: the bot account's health on every dashboard page. In Debian's chromium against the
 * app in demo mode: the simulator logs the demo bot out, every page shows the banner, "what to
 * do" opens the bot page with its health and the advice for that state; logged in again, the
 * banner goes.
 */
import type { Browser } from 'playwright-core';
import { demoInChromium, shot, signIn, SIZES, watchedPage, type DemoApp } from '../support/browser';

let app: DemoApp;
let browser: Browser;
const suite = demoInChromium('anxin-reach-banner-', (a, b) => { app = a; browser = b; });

suite('the reach banner (issue 28)', () => {
  it('shows on every page while the bot is logged out, leads to the bot page\'s advice, and goes once it is back', async () => {
    const size = SIZES[1];
    const w = await watchedPage(browser, size);
    await signIn(w.page, app.base, app.token);
    await w.page.waitForSelector('[data-test=nav-bot]');
    expect(await w.page.locator('[data-test=reach-banner]').count()).toBe(0);

    expect((await app.call('POST', '/sim/bot/logout')).status).toBe(202);
    const health = (await app.call('GET', '/bot')).body.health;
    expect(health).toMatchObject({ state: 'logged_out', loggedIn: false });
    expect(Date.parse(health.unavailableSince)).not.toBeNaN();

    // the banner appears on the page staff are on (its poll), and on every other page
    await w.page.waitForSelector('[data-test=reach-banner][data-state=logged_out]', { timeout: 20_000 });
    for (const p of ['groups', 'hazards', 'schedules']) {
      await w.page.click(`[data-test=nav-${p}]`);
      await w.page.waitForSelector('[data-test=reach-banner][data-state=logged_out]');
    }
    expect(await w.page.textContent('[data-test=reach-banner-text]')).toContain('掉线');
    await shot(w.page, 'reach-banner', size);

    await w.page.click('[data-test=reach-banner-open]');
    await w.page.waitForSelector('[data-test=bot-health][data-state=logged_out]');
    expect(await w.page.textContent('[data-test=bot-health-state]')).toBe('已掉线');
    expect(await w.page.textContent('[data-test=bot-todo-logged_out]')).toContain('扫描');
    for (const s of ['ok', 'limited', 'failing', 'backlog']) expect(await w.page.locator(`[data-test=bot-todo-${s}]`).count()).toBe(1);
    await shot(w.page, 'reach-bot-page', size);

    expect((await app.call('POST', '/sim/bot/login')).status).toBe(202);
    await w.page.waitForSelector('[data-test=bot-health][data-state=ok]');
    await w.page.waitForSelector('[data-test=reach-banner]', { state: 'detached', timeout: 20_000 });
    expect(w.problems).toEqual([]);
    await w.close();
  }, 120_000);
});
