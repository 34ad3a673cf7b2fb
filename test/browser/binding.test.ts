/**
 * Issue 26, item 2 (first task): binding a real group without curl. A community's staff member,
 * in Debian's chromium at 1280×900, sees their community's groups bound or not, makes a
 * bind code for an unbound one, and — once the code is said in the WeChat room (the demo's
 * simulated room, as a landlord would) — sees it bound. The binding is checked through the API.
 * (At 1280×900 only: the phone's 390×844 is walked page by page by phone.test.ts — every page an
 * admin and a community's staff see fits, every action on screen — and nothing here is phone-only markup.)
 */
import type { Browser } from 'playwright-core';
import { demoInChromium, DESKTOP, shot, signIn, SIZES, watchedPage, type DemoApp, endsClean } from '../support/browser';
import { until, type Json } from '../support/sim-client';

let app: DemoApp;
let browser: Browser;
const suite = demoInChromium('anxin-bind-', (a, b) => { app = a; browser = b; });

suite.each([DESKTOP])('binding groups at %o', (size) => {
  const n = SIZES.indexOf(size);

  it('a community\'s staff see their groups bound or not, make a bind code, and the group is bound once the code is said in its room', async () => {
    const community = ((await app.call('GET', '/communities?limit=10')).body.items as Json[])[n]!;
    const made = await app.call('POST', '/users', { name: `绑定员${n}`, role: 'staff', scope: `community:${community.id}` });
    expect(made.status).toBe(201);
    const token = made.body.token as string;
    const theirs = (await fetch(`${app.base}/api/v1/groups?limit=1000`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.json())) as { items: Json[] };
    const unbound = theirs.items.filter((g) => !g.roomId);
    expect(unbound.length).toBeGreaterThan(0);
    const group = unbound[0]!;

    const w = await watchedPage(browser, size);
    await signIn(w.page, app.base, token);
    await w.page.click('[data-test=nav-binding]');
    await w.page.waitForSelector(`[data-test="bind-${group.name}"][data-bound=no]`);
    // their community's groups, and only those
    await w.page.click('[data-test=bind-show-all]');
    expect(await w.page.locator('.bind-card').count()).toBe(theirs.items.length);
    expect(await w.page.textContent('[data-test=bind-count]')).toBe(`共 ${theirs.items.length} 个联防组，${unbound.length} 个未绑定`);
    await w.page.click('[data-test=bind-show-unbound]');
    await shot(w.page, 'binding', size);

    // a bind code for the group, said in its room as the page tells
    await w.page.click(`[data-test="bind-issue-${group.name}"]`);
    const said = (await w.page.locator(`[data-test="bind-${group.name}"] [data-test=bind-code]`).textContent())!.trim();
    expect(said).toMatch(/^绑定群 \S+$/);
    expect(await w.page.textContent(`[data-test="bind-${group.name}"] [data-test=bind-code-box]`)).toMatch(/有效期至 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    await shot(w.page, 'binding-code', size);
    const person = (await app.call('POST', '/sim/contacts', { name: `户长${n}` })).body.id as string;
    const room = (await app.call('POST', '/sim/rooms', { topic: group.name, memberIds: [person] })).body.id as string;
    expect((await app.call('POST', '/sim/messages', { from: person, roomId: room, text: said })).status).toBe(202);
    // the store has it: the group is bound to that room
    const bound = await until(async () => {
      const g = (await app.call('GET', `/groups/${group.id}`)).body;
      return g.roomId ? g : false;
    });
    expect(bound.roomId).toBeTruthy();

    // the page, refreshed, shows it bound
    await w.page.click('[data-test=bind-refresh]');
    await w.page.locator(`[data-test="bind-${group.name}"]`).waitFor({ state: 'detached' });
    await w.page.click('[data-test=bind-show-bound]');
    await w.page.waitForSelector(`[data-test="bind-${group.name}"][data-bound=yes] >> text=已绑定`);
    expect(await w.page.locator(`[data-test="bind-issue-${group.name}"]`).count()).toBe(0);
    await endsClean(w, 'binding-bound', size);
  }, 180_000);

  it('a group\'s head is not offered the binding page', async () => {
    const group = ((await app.call('GET', '/groups?limit=1')).body.items as Json[])[0]!;
    const head = await app.call('POST', '/users', { name: `户长用户${n}`, role: 'head', scope: `group:${group.id}` });
    const w = await watchedPage(browser, size);
    await signIn(w.page, app.base, head.body.token as string);
    expect(await w.page.locator('[data-test=nav-binding]').count()).toBe(0);
    await w.close();
  }, 180_000);
});
