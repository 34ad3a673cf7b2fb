/**
 * Issue 26 (item 8), broadcasts as staff expect them, in Chromium at 1280×900: a
 * street's staff member picks 全街道, is told "将发送到 N 个群，其中 M 个未绑定" before anything is sent,
 * confirms, and the API holds a street-wide broadcast to the bound rooms. A grid's staff member is
 * offered neither 全街道 nor their community, and forcing it through the page's request is refused.
 * (At 1280×900 only: the phone's 390×844 is walked page by page by phone.test.ts — every page an
 * admin and a community's staff see fits, every action on screen — and nothing here is phone-only markup.)
 */
import type { Browser, Page } from 'playwright-core';
import { demoInChromium, DESKTOP, input, shot, signIn, watchedPage, type DemoApp } from '../support/browser';
import { until, type Json } from '../support/sim-client';

let app: DemoApp;
let browser: Browser;
const suite = demoInChromium('anxin-bc-reach-', (a, b) => { app = a; browser = b; });
const XSS = '<img src=x onerror=alert(1)>';

/** Binds a group as staff and a head would: a bind code, said in a (simulated) WeChat room. */
async function bind(group: Json): Promise<void> {
  const { code } = (await app.call('POST', `/groups/${group.id}/bind-code`)).body;
  const person = (await app.call('POST', '/sim/contacts', { name: `户长${group.name}` })).body.id as string;
  const room = (await app.call('POST', '/sim/rooms', { topic: group.name, memberIds: [person] })).body.id as string;
  expect((await app.call('POST', '/sim/messages', { from: person, roomId: room, text: `绑定群 ${code}` })).status).toBe(202);
  await until(async () => ((await app.call('GET', `/groups/${group.id}`)).body.roomId ? true : false));
}
// two groups bound (the demo starts with none): a broadcast reaches those, and the rest are told as unbound
beforeAll(async () => {
  if (!app) return;
  for (const g of ((await app.call('GET', '/groups?limit=4')).body.items as Json[]).filter((_, i) => i % 3 === 0)) await bind(g);
}, 180_000);

async function options(page: Page): Promise<string[]> {
  await page.click('[data-test=bc-scope]');
  const items = page.locator('.el-select-dropdown__item:visible');
  await items.first().waitFor();
  return items.allInnerTexts();
}

suite.each([DESKTOP])('broadcast reach at %o', (size) => {
  const n = size.width;
  it('全街道 for street staff, with the groups and the unbound told before sending; the broadcast stored street-wide', async () => {
    const made = await app.call('POST', '/users', { name: `街道群发员${n}`, role: 'staff', scope: 'street' });
    const groups = (await app.call('GET', '/groups?limit=1000')).body as Json;
    const bound = (groups.items as Json[]).filter((g) => g.roomId).length;
    expect(bound).toBeGreaterThan(0);
    const unbound = groups.total - bound;
    expect(unbound).toBeGreaterThan(0);

    const w = await watchedPage(browser, size);
    await signIn(w.page, app.base, made.body.token as string);
    await w.page.click('[data-test=nav-broadcasts]');
    const text = `全街道消防通知 ${n} ${XSS}`;
    await w.page.fill(input('bc-text'), text);
    expect((await options(w.page))[0]).toBe('全街道');
    await w.page.locator('.el-select-dropdown__item:visible', { hasText: '全街道' }).first().click();
    await w.page.click('[data-test=bc-send]');
    // told first, nothing sent yet
    await w.page.locator('[data-test=bc-reach]', { hasText: `将发送到 ${groups.total} 个群，其中 ${unbound} 个未绑定` }).waitFor();
    expect((await app.call('GET', '/broadcasts?limit=50')).body.items.some((b: Json) => b.text === text)).toBe(false);
    await shot(w.page, 'broadcast-reach', size);
    const [posted] = await Promise.all([
      w.page.waitForResponse((r) => r.url().endsWith('/api/v1/broadcasts') && r.request().method() === 'POST'),
      w.page.click('[data-test=bc-confirm-send]'),
    ]);
    const { id, rooms } = (await posted.json()) as Json;
    expect(rooms).toBe(bound);
    const stored = (await app.call('GET', `/broadcasts/${id}`)).body;
    expect(stored).toMatchObject({ scope: 'street', text });
    expect(stored.deliveries).toHaveLength(bound);
    // the text shown as text in the list
    await w.page.locator('[data-test=bc-list]', { hasText: text }).first().waitFor();
    expect(await w.page.locator('img[src=x]').count()).toBe(0);
    expect(w.dialogs).toEqual([]);
    expect(w.problems).toEqual([]);
    await w.close();
  }, 120_000);

  it("a grid's staff are offered their grid and its groups only; the street forced through the page's request is refused", async () => {
    const group = ((await app.call('GET', `/groups?limit=1&offset=3`)).body.items as Json[])[0]!;
    const grid = (await app.call('GET', `/grids/${group.gridId}`)).body;
    const community = (await app.call('GET', `/communities/${group.communityId}`)).body;
    const made = await app.call('POST', '/users', { name: `网格群发员${n}`, role: 'staff', scope: `grid:${grid.id}` });
    const w = await watchedPage(browser, size);
    await signIn(w.page, app.base, made.body.token as string);
    await w.page.click('[data-test=nav-broadcasts]');
    await w.page.fill(input('bc-text'), '今晚检查电动车');
    const offered = await options(w.page);
    expect(offered).toContain(`网格 · ${grid.name}`);
    expect(offered.some((o) => o.includes('全街道') || o.includes(community.name) && !o.includes(grid.name))).toBe(false);
    await w.page.locator('.el-select-dropdown__item:visible', { hasText: `网格 · ${grid.name}` }).first().click();
    await w.page.click('[data-test=bc-send]');
    const reach = (await (await fetch(`${app.base}/api/v1/broadcasts/preview?scope=grid:${grid.id}`, { headers: { Authorization: `Bearer ${made.body.token}` } })).json()) as Json;
    await w.page.locator('[data-test=bc-reach]', { hasText: `将发送到 ${reach.groups} 个群，其中 ${reach.unbound} 个未绑定` }).waitFor();
    // the page's own request, with the street forced in: refused, and nothing sent
    const forced = await w.page.evaluate(async () => {
      const r = await fetch('/api/v1/broadcasts/preview?scope=street');
      const s = await fetch('/api/v1/broadcasts', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: 'x', scope: 'street' }) });
      return [r.status, s.status];
    });
    expect(forced).toEqual([403, 403]);
    await w.page.click('[data-test=bc-confirm-cancel]');
    expect(await w.page.locator('[data-test=bc-confirm]').count()).toBe(0);
    expect(w.problems.filter((p) => !p.includes('403'))).toEqual([]);
    await w.close();
  }, 120_000);
});
