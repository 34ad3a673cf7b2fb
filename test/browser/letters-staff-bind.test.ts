/**
 * Issue 26 (item 2), in Chromium at 1280×900: a street's staff member publishes the
 * next commitment letter from its page (after a confirmation; the text with markup shown as
 * text), which a community's staff are neither offered nor allowed; an admin makes a staff
 * member's WeChat bind code on the users page, the code said to the bot binds them, and the page
 * then shows them bound (at 390×844 too: there the users are cards, components/Rows.vue, with
 * their own buttons). Each outcome checked through the API.
 */
import type { Browser } from 'playwright-core';
import { demoInChromium, DESKTOP, input, shot, signIn, SIZES, watchedPage, type DemoApp } from '../support/browser';
import { until, type Json } from '../support/sim-client';

let app: DemoApp;
let browser: Browser;
const suite = demoInChromium('anxin-letters-', (a, b) => { app = a; browser = b; });
const XSS = '<img src=x onerror=alert(1)>';

suite.each([DESKTOP])('letters at %o', (size) => {
  const n = size.width;
  it('a street\'s staff publish the next letter after confirming; a community\'s staff are not offered it and are refused', async () => {
    const before = (await app.call('GET', '/letters?limit=1')).body as Json;
    const version = (before.items[0]?.version ?? 0) + 1;
    const made = await app.call('POST', '/users', { name: `承诺书编辑${n}`, role: 'staff', scope: 'street' });
    const w = await watchedPage(browser, size);
    await signIn(w.page, app.base, made.body.token as string);
    await w.page.click('[data-test=nav-letters]');
    await w.page.locator('[data-test=letter-current]', { hasText: `第 ${version - 1} 版` }).waitFor();
    const text = `我承诺：落实消防安全主体责任，不在楼道停放电动车，保持安全出口畅通（${n}）。${XSS}`;
    await w.page.fill(input('letter-zh'), text);
    await w.page.click('[data-test=letter-publish]');
    // asked first; nothing published until confirmed
    await w.page.locator('.el-message-box', { hasText: `第 ${version} 版` }).waitFor();
    expect((await app.call('GET', '/letters?limit=1')).body.items[0].version).toBe(version - 1);
    await shot(w.page, 'letter-confirm', size);
    await w.page.click('.el-message-box__btns .el-button--primary');
    await w.page.locator('[data-test=letter-done]', { hasText: `已发布第 ${version} 版` }).waitFor();
    const latest = (await app.call('GET', '/letters?limit=1')).body.items[0] as Json;
    expect(latest).toMatchObject({ version, texts: { 'zh-CN': text } });
    await w.page.locator('[data-test=letter-current]', { hasText: `第 ${version} 版` }).waitFor();
    expect(await w.page.textContent('[data-test=letter-current]')).toContain(XSS);
    expect(await w.page.locator('img[src=x]').count()).toBe(0);
    await shot(w.page, 'letters', size);
    expect(w.dialogs).toEqual([]);
    expect(w.problems).toEqual([]);
    await w.close();

    const community = ((await app.call('GET', '/communities?limit=1')).body.items as Json[])[0]!;
    const theirs = await app.call('POST', '/users', { name: `社区员${n}`, role: 'staff', scope: `community:${community.id}` });
    const c = await watchedPage(browser, size);
    await signIn(c.page, app.base, theirs.body.token as string);
    expect(await c.page.locator('[data-test=nav-letters]').count()).toBe(0);
    const forced = await c.page.evaluate(async (t) => (await fetch('/api/v1/letters', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ texts: { 'zh-CN': t } }) })).status, text);
    expect(forced).toBe(403);
    expect((await app.call('GET', '/letters?limit=1')).body.items[0].version).toBe(version);
    await c.close();
  }, 120_000);
});

suite.each(SIZES)('staff bind codes at %o', (size) => {
  const n = size.width;
  it('an admin makes a staff member\'s WeChat bind code; said to the bot, it binds them, and the users page shows it', async () => {
    const name = `待绑定员${n}`;
    const made = await app.call('POST', '/users', { name, role: 'staff', scope: 'street' });
    const w = await watchedPage(browser, size);
    await signIn(w.page, app.base, app.token);
    await w.page.click('[data-test=nav-users]');
    await w.page.locator(`[data-test="user-wechat-${name}"]`, { hasText: '未绑定' }).waitFor();
    await w.page.click(`[data-test="user-bind-${name}"]`);
    const said = (await w.page.locator('[data-test=staff-bind-code]').textContent())!.trim();
    expect(said).toMatch(/^绑定工作人员 \S+$/);
    expect(await w.page.textContent('[data-test=staff-bind-box]')).toMatch(/有效期至 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    await shot(w.page, 'staff-bind-code', size);
    // the staff member says it to the bot in a private chat
    const person = (await app.call('POST', '/sim/contacts', { name: `工作人员${n}` })).body.id as string;
    expect((await app.call('POST', '/sim/messages', { from: person, text: said })).status).toBe(202);
    await until(async () => ((await app.call('GET', `/users/${made.body.id}`)).body.contactId ? true : false));
    // the page, opened again, shows them bound
    await w.page.click('[data-test=nav-overview]');
    await w.page.click('[data-test=nav-users]');
    await w.page.locator(`[data-test="user-wechat-${name}"]`, { hasText: '已绑定' }).waitFor();
    expect(w.problems).toEqual([]);
    await w.close();
  }, 120_000);
});
