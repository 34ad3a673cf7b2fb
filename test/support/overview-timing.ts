import type { Page } from 'playwright-core';
import { input } from './browser';
import type { Json } from './sim-client';

export interface OverviewTimes { first: number; firstTrend: number; reload: number; reloadTrend: number; changed: number; changedTrend: number }

/**
 * Times the dashboard's overview as staff meet it (the test of a 100,000-house street and
 * `npm run bench:dashboard` share it): sign-in to the figures and both charts drawn, and to the
 * six-month trend complete; a reload with nothing changed; a reload after a landlord is
 * renamed through the API (the figures counted afresh). Waits are for the overview's own ready flags.
 */
export async function timeOverview(page: Page, base: string, token: string): Promise<OverviewTimes> {
  /** from `act` to the figures and charts drawn, and to the trend's five earlier months counted too */
  const timed = async (act: () => Promise<unknown>): Promise<[number, number]> => {
    const t0 = Date.now();
    await act();
    await page.waitForFunction(() => (globalThis as { overviewReady?: boolean }).overviewReady === true);
    const drawn = Date.now() - t0;
    await page.waitForFunction(() => (globalThis as { trendReady?: boolean }).trendReady === true);
    return [drawn, Date.now() - t0];
  };
  await page.goto(`${base}/`);
  // the sign-in form's token tab (issue 26: passwords are the first tab)
  await page.click('.el-tabs__item:has-text("令牌登录"), .el-tabs__item:has-text("With a token")');
  await page.fill(input('token'), token);
  const [first, firstTrend] = await timed(() => page.click('[data-test=signin-token]'));
  const [reload, reloadTrend] = await timed(() => page.reload());
  const auth = { Authorization: `Bearer ${token}` };
  const landlord = ((await (await fetch(`${base}/api/v1/landlords?limit=1`, { headers: auth })).json()) as Json).items[0] as Json;
  const patched = await fetch(`${base}/api/v1/landlords/${landlord.id}`, { method: 'PATCH', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: '改名房东' }) });
  if (patched.status !== 200) throw new Error(`renaming a landlord answered ${patched.status}`);
  const [changed, changedTrend] = await timed(() => page.reload());
  return { first, firstTrend, reload, reloadTrend, changed, changedTrend };
}

export const overviewTimesText = (houses: number, t: OverviewTimes): string =>
  `overview of ${houses.toLocaleString('en')} houses, figures and charts drawn / six-month trend complete:\n`
  + `  first sign-in (counting worker started, figures counted): ${t.first} / ${t.firstTrend} ms\n`
  + `  reload, nothing changed (figures cached):               ${t.reload} / ${t.reloadTrend} ms\n`
  + `  reload after a change (figures counted afresh):         ${t.changed} / ${t.changedTrend} ms`;
