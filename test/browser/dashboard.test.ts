/**
 * Issue 13: the staff dashboard in Debian's chromium (playwright-core), at a phone's 390×844
 * and a desktop's 1280×900, against the app as `npm start` composes it in demo mode.
 * Screenshots of every page go to test/artifacts/. Waits are for what the page or the bot
 * shows, never for a pause.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { requiredItems } from '../../src/domain/checklist';
import { rosterAppFixture } from '../support/app-fixture';
import { ensureDashboardBuilt, haveChromium, input, launchChromium, shot, signIn, SIZES, watchedPage } from '../support/browser';
import { SAMPLE_ROSTER } from '../support/fixtures';
import { seededJpeg } from '../support/images';
import { demoApp, type Json } from '../support/sim-client';

const PAGES = ['overview', 'groups', 'hazards', 'broadcasts', 'schedules', 'import', 'report', 'users', 'bot', 'sim'];
const ITEM_WORDS = ['烟感', '灭火器', '电动车', '通道', '用电', '四件套', '钉牌'];
const XSS = '<img src=x onerror=alert(1)>';

if (!haveChromium) console.warn('browser tests SKIPPED: no chromium at /usr/bin/chromium (apt-get install -y chromium)');
const suite = haveChromium ? describe : describe.skip;

let app: Awaited<ReturnType<typeof demoApp>>;
let browser: Browser;
beforeAll(async () => {
  if (!haveChromium) return;
  ensureDashboardBuilt();
  [app, browser] = await Promise.all([demoApp('anxin-browser-'), launchChromium()]);
}, 60_000);
afterAll(async () => { await browser?.close(); await app?.close(); });
const call = (method: string, p: string, body?: unknown) => app.call(method, p, body);

/** Picks an option of an Element Plus select by its visible label. */
async function choose(page: Page, select: string, label: string): Promise<void> {
  await page.click(`[data-test=${select}]`);
  await page.locator('.el-select-dropdown__item:visible', { hasText: label }).first().click();
}

suite.each(SIZES)('the dashboard at %o', (size) => {
  const n = SIZES.indexOf(size);

  it('signs in with a token (a wrong one shows an error), shows /stats on the overview with its charts, and every page opens', async () => {
    const w = await watchedPage(browser, size);
    await w.page.goto(`${app.base}/`);
    await w.page.fill(input('token'), 'afd_not-a-real-token');
    await w.page.click('[data-test=signin]');
    await w.page.waitForSelector('[data-test=signin-error]');
    await shot(w.page, 'signin-error', size);
    w.problems.length = 0; // the refused token's 401, logged by the browser, was the point
    await signIn(w.page, app.base, app.token);
    expect(await w.page.evaluate('sessionStorage.getItem("token")')).toBe(app.token);
    await w.page.waitForFunction('window.overviewReady === true');
    expect(await w.page.getAttribute('[data-test=api-docs]', 'href')).toBe('/api/docs'); // the API reference (issue 15)
    const stats = (await call('GET', '/stats')).body;
    for (const k of ['houses', 'keyHouses', 'committed', 'submitted', 'approved', 'compliant', 'hazardsOpen', 'hazardsOverdue']) {
      expect(await w.page.textContent(`[data-test=stat-${k}]`)).toBe(String(stats[k]));
    }
    expect(await w.page.textContent('[data-test=scope]')).toBe(stats.scope);
    expect(await w.page.locator('[data-test=chart-bar] canvas').count()).toBeGreaterThan(0);
    expect(await w.page.locator('[data-test=chart-line] canvas').count()).toBeGreaterThan(0);
    // page weight: everything the first load of the overview fetched, compressed as sent (issue 13: < 600 kB)
    const weight = Object.entries(w.transferred).filter(([u]) => !u.includes('/api/')).reduce((sum, [, b]) => sum + b, 0);
    console.log(`[dashboard] first load of the overview at ${size.width}px: ${(weight / 1024).toFixed(0)} kB on the wire`);
    expect(weight).toBeLessThan(600 * 1024);
    for (const p of PAGES) {
      await w.page.click(`[data-test=nav-${p}]`);
      if (p === 'report' || p === 'users') await w.page.waitForSelector(`[data-test=pending-${p}]`);
      if (p === 'bot') await w.page.waitForSelector('[data-test=bot-status]');
      await shot(w.page, p, size);
    }
    await w.page.click('[data-test=lng]');
    await w.page.waitForSelector('text=Sign out');
    await w.page.click('[data-test=signout]');
    await w.page.waitForSelector('[data-test=signin]');
    expect(await w.page.evaluate('sessionStorage.getItem("token")')).toBeNull();
    expect(w.problems).toEqual([]);
    await w.close();
  }, 30_000);

  it('demo mode: five landlords complete their photos in the simulator; two approved and one returned from the groups page; the room and /stats agree', async () => {
    const w = await watchedPage(browser, size);
    const group = (await call('GET', `/groups?limit=1&offset=${n}`)).body.items[0] as Json;
    const houses = ((await call('GET', `/houses?scope=group:${group.id}&limit=5`)).body.items as Json[]);
    await signIn(w.page, app.base, app.token);
    await w.page.click('[data-test=nav-sim]');
    await choose(w.page, 'sim-group', group.name);
    const names = houses.map((_, i) => `房东${n}${i}`);
    for (const name of names) {
      await w.page.fill(input('sim-name'), name);
      await w.page.click('[data-test=sim-add]');
      await w.page.waitForSelector(`text=${name}`);
    }
    await w.page.click('[data-test=sim-open]');
    await w.page.locator('[data-test=transcript]', { hasText: '本群已绑定' }).waitFor();

    await w.page.click('[data-test=nav-groups]');
    await choose(w.page, 'group-select', group.name);
    await w.page.click('[data-test=open-round]');
    await w.page.waitForSelector('[data-test=round-opened]');

    await w.page.click('[data-test=nav-sim]');
    const say = async (text: string) => {
      await w.page.fill(input('sim-text'), text);
      await Promise.all([w.page.waitForResponse((r) => r.url().endsWith('/sim/messages')), w.page.click('[data-test=sim-say]')]);
    };
    for (const [i, h] of houses.entries()) {
      await choose(w.page, 'sim-me', names[i]!);
      await say(`登记 ${h.code}`);
      for (const [k, item] of requiredItems(h.isKey as boolean).entries()) {
        await say(`${h.code} ${ITEM_WORDS[k]}`);
        await Promise.all([
          w.page.waitForResponse((r) => r.url().endsWith('/sim/messages')),
          w.page.setInputFiles('[data-test=sim-photo]', { name: 'p.jpg', mimeType: 'image/jpeg', buffer: seededJpeg(`${size.width}-${h.code}-${item}`) }),
        ]);
      }
    }
    await w.page.locator('[data-test=line]', { hasText: '自查照片已齐' }).nth(4).waitFor();
    await shot(w.page, 'sim-photos', size);

    await w.page.click('[data-test=nav-groups]');
    await w.page.click('[data-test=refresh]');
    const [a, b, c] = houses as [Json, Json, Json];
    await w.page.waitForSelector(`[data-test=approve-${c.code}]`);
    expect(await w.page.locator('[data-test=thumb]').count()).toBeGreaterThanOrEqual(25);
    await w.page.locator('[data-test=thumb]').first().click();
    await w.page.waitForSelector('[data-test=photo-full]');
    await w.page.keyboard.press('Escape');
    await w.page.waitForSelector('[data-test=photo-full]', { state: 'hidden' });
    for (const h of [a, b]) {
      await w.page.click(`[data-test=approve-${h.code}]`);
      await w.page.waitForSelector(`[data-test=status-${h.code}][data-status=approved]`);
    }
    await w.page.click(`[data-test=return-${c.code}]`);
    await w.page.fill('.el-message-box input', '灭火器照片看不清');
    await w.page.click('.el-message-box .el-button--primary');
    await w.page.waitForSelector(`[data-test=status-${c.code}][data-status=returned]`);
    await shot(w.page, 'groups-reviewed', size);

    await w.page.click('[data-test=nav-sim]');
    for (const h of [a, b]) await w.page.locator('[data-test=line]', { hasText: `${h.code} 本月自查已审核通过` }).waitFor();
    await w.page.locator('[data-test=line]', { hasText: `${c.code} 自查被退回：灭火器照片看不清` }).waitFor();
    await shot(w.page, 'sim-reviewed', size);
    const stats = (await call('GET', `/stats?scope=group:${group.id}`)).body;
    expect(stats).toMatchObject({ approved: 2, submitted: 4 });
    expect(w.problems).toEqual([]);
    await w.close();
  }, 60_000);

  it('sends a broadcast to a grid picked by name and watches it reach done', async () => {
    const w = await watchedPage(browser, size);
    const group = (await call('GET', `/groups?limit=1&offset=${n}`)).body.items[0] as Json;
    const grid = (await call('GET', `/grids/${group.gridId}`)).body as Json;
    await signIn(w.page, app.base, app.token);
    await w.page.click('[data-test=nav-broadcasts]');
    await w.page.fill(input('bc-text'), `消防通知 ${size.width}`);
    await choose(w.page, 'bc-scope', `· ${grid.name}`);
    await w.page.click('[data-test=bc-send]');
    await w.page.locator('[data-test=bc-status]', { hasText: 'done' }).waitFor({ timeout: 20_000 });
    await shot(w.page, 'broadcast-done', size);
    expect(w.problems).toEqual([]);
    await w.close();
  }, 30_000);

  it('imports the sample roster, shows a bad file\'s row errors, and shows a landlord named like markup as text', async () => {
    const w = await watchedPage(browser, size);
    await signIn(w.page, app.base, app.token);
    await w.page.click('[data-test=nav-import]');
    await w.page.setInputFiles('[data-test=roster-file]', SAMPLE_ROSTER);
    await w.page.locator('[data-test=import-result]', { hasText: /\d/ }).waitFor();
    const sample = readFileSync(SAMPLE_ROSTER, 'utf8').split('\n');
    const bad = [sample[0], '平山村,平山村第1网格,平山村第1网格联防1组,,无编号路1号,王五,123,x,1,'].join('\n');
    await w.page.setInputFiles('[data-test=roster-file]', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await w.page.waitForSelector('[data-test=import-errors] .el-table__row');
    await shot(w.page, 'import-errors', size);
    const xss = [sample[0], `平山村,平山村第1网格,平山村第1网格联防1组,X0000${n},平山村东港路1号,${XSS},15000009999,3,2,`].join('\n');
    await w.page.setInputFiles('[data-test=roster-file]', { name: 'x.csv', mimeType: 'text/csv', buffer: Buffer.from(xss) });
    await w.page.locator('[data-test=import-result]', { hasText: /1/ }).waitFor();
    await w.page.click('[data-test=nav-groups]');
    await choose(w.page, 'group-select', '平山村第1网格联防1组');
    await w.page.locator('[data-test=landlord-name]', { hasText: XSS }).first().waitFor();
    expect(await w.page.locator('img[src=x]').count()).toBe(0);
    await shot(w.page, 'groups-markup-name', size);
    expect(w.dialogs).toEqual([]);
    await w.close();
  }, 30_000);

  it('a staff member with a community scope sees only their community', async () => {
    const f = await rosterAppFixture();
    const server = http.createServer(f.server).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const community = (await f.store.communities.find({ name: '西墅社区' }))[0]!;
      const token = await f.userToken('staff', `community:${community.id}`);
      const w = await watchedPage(browser, size);
      await signIn(w.page, base, token);
      await w.page.waitForFunction('window.overviewReady === true');
      expect(await w.page.textContent('[data-test=scope]')).toBe(`community:${community.id}`);
      const own = await fetch(`${base}/api/v1/stats`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<Json>);
      const all = await fetch(`${base}/api/v1/stats`, { headers: { Authorization: `Bearer ${f.adminToken}` } }).then((r) => r.json() as Promise<Json>);
      expect(own.houses).toBeLessThan(all.houses);
      expect(await w.page.textContent('[data-test=stat-houses]')).toBe(String(own.houses));
      await shot(w.page, 'overview-community', size);
      await w.page.click('[data-test=nav-groups]');
      await w.page.click('[data-test=group-select]');
      await w.page.locator('.el-select-dropdown__item:visible').first().waitFor();
      const options = await w.page.locator('.el-select-dropdown__item:visible').allTextContents();
      expect(options.sort()).toEqual(['西墅社区第1网格联防1组', '西墅社区第2网格联防1组']);
      await w.page.keyboard.press('Escape');
      await w.page.click('[data-test=nav-broadcasts]');
      await w.page.click('[data-test=bc-scope]');
      await w.page.locator('.el-select-dropdown__item:visible').first().waitFor();
      const places = await w.page.locator('.el-select-dropdown__item:visible').allTextContents();
      expect(places.length).toBeGreaterThan(0);
      expect(places.every((p) => p.includes('西墅社区'))).toBe(true);
      expect(w.problems).toEqual([]);
      await w.close();
    } finally {
      await new Promise((r) => server.close(r));
      await f.close();
    }
  }, 30_000);
});

