/**
 * Issue 26, item 2 (the read-only pages): a community's staff member, in Debian's chromium at
 * 1280×900, reads the points ranking, the watch list and the audit log of their
 * community — narrowed to a group, by actor, action and day — and each page shows what the API
 * answers for the same question. Names and reasons typed by people show as text, never markup.
 * At 390×844 (where phone.test.ts walks every page), the ranking again: on a phone its rows are
 * cards (components/Rows.vue), and the cards show the API's order and points. The watch list and
 * the audit log are cards at every size.
 */
import type { Browser, Page } from 'playwright-core';
import { demoInChromium, DESKTOP, input, PHONE, shot, signIn, SIZES, watchedPage, type DemoApp, endsClean } from '../support/browser';
import { until, type Json } from '../support/sim-client';
import { choose } from '../support/browser-world';

const XSS = '<img src=x onerror=alert(1)>';

let app: DemoApp;
let browser: Browser;
const suite = demoInChromium('anxin-records-', (a, b) => { app = a; browser = b; });

/** as the staff member's token asks it */
const as = async (token: string, p: string) => (await fetch(`${app.base}/api/v1${p}`, { headers: { Authorization: `Bearer ${token}` } })).json() as Promise<Json>;
/** the month before a YYYY-MM */
const before = (period: string) => {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

/** the group and staff member of the desktop's test, whose ranking the phone's test reads again */
let world: { scope: string; name: string; token: string } | undefined;
/** the points ranking as shown: a table's cells on a wide screen, a card's rank, name and points on a phone */
const pointsShown = (page: Page) => {
  type Cell = { textContent: string | null };
  type Row = { querySelectorAll(s: string): ArrayLike<Cell> };
  return page.locator('[data-test=points] .el-table__body tr, [data-test=points] .row-card').evaluateAll((trs) => trs.map((tr) => Array.from((tr as unknown as Row).querySelectorAll((tr as unknown as { tagName: string }).tagName === 'TR' ? 'td' : '[data-test^=points-]')).map((td) => (td.textContent ?? '').trim())));
};

suite.each([DESKTOP])('points, watch list and audit log at %o', (size) => {
  const n = SIZES.indexOf(size);

  it('the ranking, the watch list and the filtered audit log show what the API answers; typed text is text', async () => {
    // a group of the third community: its room bound, two landlords registered and committed (points)
    const group = ((await app.call('GET', `/groups?limit=1&offset=${8 + n}`)).body.items as Json[])[0]!;
    const houses = (await app.call('GET', `/houses?scope=group:${group.id}&limit=2`)).body.items as Json[];
    const people: string[] = [];
    for (const [i] of houses.entries()) people.push((await app.call('POST', '/sim/contacts', { name: `积分房东${n}${i}` })).body.id as string);
    const room = (await app.call('POST', '/sim/rooms', { topic: group.name, memberIds: people })).body.id as string;
    const { code } = (await app.call('POST', `/groups/${group.id}/bind-code`)).body;
    await app.call('POST', '/sim/messages', { from: people[0], roomId: room, text: `绑定群 ${code}` });
    await until(async () => ((await app.call('GET', `/groups/${group.id}`)).body.roomId ? true : false));
    for (const [i, h] of houses.entries()) {
      const say = (text: string) => app.call('POST', '/sim/messages', { from: people[i], roomId: room, text });
      await say(`登记 ${h.code}`);
      await say(await app.proofOf(h as { landlordId: string }));
      await say('我承诺');
    }
    const scope = `group:${group.id}`;
    await until(async () => ((await app.call('GET', `/points?scope=${scope}`)).body.items as Json[]).filter((x) => x.points > 0).length >= 2 || false);
    // a landlord's name with markup in it
    expect((await app.call('PATCH', `/landlords/${houses[0]!.landlordId}`, { name: `${XSS}${n}` })).status).toBe(200);
    // the last two months' rounds, neither approved: the group's landlords are on the watch list
    const period = today().slice(0, 7);
    for (const p of [before(period), before(before(period))]) expect((await app.call('POST', '/rounds', { period: p, deadline: '2099-12-31', scope })).status).toBe(201);

    const staff = await app.call('POST', '/users', { name: `审计员${n}`, role: 'staff', scope: `community:${group.communityId}` });
    const token = staff.body.token as string;
    // something the staff member did, with a reason typed by them
    const hz = await fetch(`${app.base}/api/v1/hazards`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ houseCode: houses[1]!.code, description: '楼道堆物' }) }).then((r) => r.json() as Promise<Json>);
    for (const [verb, body] of [['close', {}], ['reopen', { reason: `复查仍有堆物${XSS}` }]] as const) {
      const r = await fetch(`${app.base}/api/v1/hazards/${hz.id}/${verb}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      expect(r.status).toBe(200);
    }

    const w = await watchedPage(browser, size);
    await signIn(w.page, app.base, token);

    // 积分排名, narrowed to the group: the API's order and points
    await w.page.click('[data-test=nav-points]');
    await choose(w.page, 'points-scope', group.name as string);
    const ranked = (await as(token, `/points?scope=${scope}&limit=50`)).items as Json[];
    await w.page.locator('[data-test=points-count]', { hasText: `共 ${ranked.length} 位房东` }).waitFor();
    expect(await pointsShown(w.page)).toEqual(ranked.map((r) => [String(r.rank), r.name, String(r.points)]));
    expect(ranked.some((r) => r.name === `${XSS}${n}`)).toBe(true);
    world = { scope, name: group.name as string, token };
    await shot(w.page, 'points', size);

    // 重点关注, narrowed to the group: each landlord the API lists, with why in words
    await w.page.click('[data-test=nav-watch]');
    await choose(w.page, 'watch-scope', group.name as string);
    const watched = (await as(token, `/landlords?watch=1&scope=${scope}&limit=100`)).items as Json[];
    expect(watched.length).toBeGreaterThan(0);
    for (const l of watched) await w.page.locator(`[data-test=watch-${l.id}]`, { hasText: '连续两个月未达标' }).waitFor();
    expect(await w.page.locator('[data-test=watch] .watch-card').count()).toBe(watched.length);
    await w.page.locator(`[data-test=watch-${houses[0]!.landlordId}] [data-test=watch-name]`, { hasText: `${XSS}${n}` }).waitFor();
    await shot(w.page, 'watch-list', size);

    // 操作日志: by who (a name), what (in words) and today
    await w.page.click('[data-test=nav-audit]');
    await w.page.waitForSelector('[data-test=audit] .audit-row');
    await w.page.fill(input('audit-actor'), `审计员${n}`);
    await choose(w.page, 'audit-action', '重新打开隐患');
    await w.page.locator('[data-test=audit-days] input').first().click();
    for (let k = 0; k < 2; k += 1) await w.page.locator('.el-date-range-picker td.today:visible').first().click();
    const [answer] = await Promise.all([
      w.page.waitForResponse((r) => r.url().includes('/api/v1/audit') && r.url().includes('action=reopen_hazard') && r.url().includes(`since=${today()}`)),
      w.page.click('[data-test=audit-search]'),
    ]);
    const found = ((await answer.json()) as Json).items as Json[];
    const expected = (await as(token, `/audit?actor=${encodeURIComponent(`审计员${n}`)}&action=reopen_hazard&since=${today()}&until=${today()}`)).items as Json[];
    expect(found.map((e) => e.id)).toEqual(expected.map((e) => e.id));
    expect(expected).toHaveLength(1);
    const row = w.page.locator(`[data-test=audit-${expected[0]!.id}]`);
    await row.waitFor();
    expect(await w.page.locator('[data-test=audit] .audit-row').count()).toBe(1);
    expect(await row.locator('[data-test=audit-who]').textContent()).toBe(`审计员${n}`);
    expect(await row.locator('[data-test=audit-what]').textContent()).toBe('重新打开隐患');
    expect(await row.locator('[data-test=audit-reason]').textContent()).toBe(`“复查仍有堆物${XSS}”`);
    expect(await row.textContent()).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    // another's name finds nothing
    await w.page.fill(input('audit-actor'), '没有这个人');
    await w.page.click('[data-test=audit-search]');
    await w.page.waitForSelector('[data-test=audit-empty]');
    await endsClean(w, 'audit-log', size);
  }, 180_000);

  it("a group's head is offered the ranking but neither the watch list nor the audit log", async () => {
    const group = ((await app.call('GET', `/groups?limit=1&offset=${10 + n}`)).body.items as Json[])[0]!;
    const head = await app.call('POST', '/users', { name: `户长${n}`, role: 'head', scope: `group:${group.id}` });
    const w = await watchedPage(browser, size);
    await signIn(w.page, app.base, head.body.token as string);
    await w.page.waitForSelector('[data-test=nav-points]');
    expect(await w.page.locator('[data-test=nav-watch], [data-test=nav-audit], [data-test=nav-review]').count()).toBe(0);
    expect(w.problems).toEqual([]);
    await w.close();
  }, 180_000);
});

suite('the points ranking at 390×844', () => {
  it("a phone shows the ranking as cards: the API's order, names (markup as text) and points", async () => {
    expect(world).toBeDefined(); // made by the desktop's test above
    const { scope, name, token } = world!;
    const w = await watchedPage(browser, PHONE);
    await signIn(w.page, app.base, token);
    await w.page.click('[data-test=nav-points]');
    await choose(w.page, 'points-scope', name);
    const ranked = (await as(token, `/points?scope=${scope}&limit=50`)).items as Json[];
    await w.page.locator('[data-test=points-count]', { hasText: `共 ${ranked.length} 位房东` }).waitFor();
    expect(await w.page.locator('[data-test=points] .row-card').count()).toBe(ranked.length);
    expect(await pointsShown(w.page)).toEqual(ranked.map((r) => [String(r.rank), r.name, String(r.points)]));
    expect(ranked.some((r) => String(r.name).startsWith(XSS))).toBe(true);
    await endsClean(w, 'points', PHONE);
  }, 120_000);
});
