/**
 * Issue 26, item 4 (the review queue): in Debian's chromium at 1280×900, street staff
 * review a group's complete sets from one queue — photos labelled with item and time, a viewer with
 * previous/next and the keys ← → A R — return ONE item with a reason (the landlord is told which and
 * why in the room), approve one by key and two at once; each checked through the API. A grid's
 * staff see their grid's sets only and cannot ask the API for another scope from the page.
 * 催办 per group from the groups page: a double click reminds the room once.
 * (At 1280×900 only: the phone's 390×844 is walked page by page by phone.test.ts — every page an
 * admin and a community's staff see fits, every action on screen — and nothing here is phone-only markup.)
 */
import type { Browser, Page } from 'playwright-core';
import { demoInChromium, DESKTOP, shot, signIn, SIZES, watchedPage, type DemoApp, endsClean } from '../support/browser';
import { completeSets as completeSets_ } from '../support/browser-world';
import { until, type Json } from '../support/sim-client';

const XSS = '<img src=x onerror=alert(1)>';
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

let app: DemoApp;
let browser: Browser;
const suite = demoInChromium('anxin-queue-', (a, b) => { app = a; browser = b; });

const completeSets = (k: number, count: number) => completeSets_(app, k, count, 'q');
const submissionOf = async (h: Json) => ((await app.call('GET', `/submissions?scope=group:${h.groupId}&limit=100`)).body.items as Json[]).find((s) => s.houseId === h.id)!;
const caption = (page: Page) => page.locator('[data-test=viewer-caption]');
/** the page's images matching a selector, each loaded (run in the page) */
type Img = { complete: boolean; naturalWidth: number };
type Doc = { document: { querySelectorAll(s: string): ArrayLike<Img> } };
const loaded = (selector: string) => Array.from((globalThis as unknown as Doc).document.querySelectorAll(selector)).every((i) => i.complete && i.naturalWidth > 0) && (globalThis as unknown as Doc).document.querySelectorAll(selector).length > 0;

suite.each([DESKTOP])('the review queue at %o', (size) => {
  const n = SIZES.indexOf(size);

  it('labelled photos, a viewer with previous/next and keys; one item returned with a reason, one set approved by key, two at once', async () => {
    const { houses, room } = await completeSets(n, 4);
    const [a, b, c, d] = houses as [Json, Json, Json, Json];
    // free text shown by the queue (an address) is text, never markup
    expect((await app.call('PATCH', `/houses/${d.id}`, { address: `${XSS}路${n}号` })).status).toBe(200);
    const w = await watchedPage(browser, size);
    await signIn(w.page, app.base, app.token);
    await w.page.click('[data-test=nav-review]');
    // the street's queue narrowed to the group's grid, picked by name
    const grid = (await app.call('GET', `/grids/${a.gridId}`)).body as Json;
    await w.page.click('[data-test=queue-scope]');
    await Promise.all([
      w.page.waitForResponse((r) => r.url().includes('/api/v1/review-queue') && r.url().includes(`scope=grid%3A${grid.id}`)),
      w.page.locator('.el-select-dropdown__item:visible', { hasText: grid.name as string }).first().click(),
    ]);
    for (const h of houses) await w.page.waitForSelector(`[data-test=queue-${h.code}][data-status=complete] >> text=📷 待审核`);
    expect(await w.page.locator('[data-test=queue] .queue-card').count()).toBe(4);
    // each photo labelled with its item and when it came, in Beijing time and in words
    const smoke = w.page.locator(`[data-test=photo-${a.code}-smoke] figcaption`);
    expect(await smoke.textContent()).toMatch(/^烟感报警器\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
    await w.page.waitForFunction(loaded, '[data-test=queue-thumb]');
    await w.page.getByText(`${XSS}路${n}号`).first().waitFor();
    expect(await w.page.locator('img[src=x]').count()).toBe(0);
    expect(ISO.test((await w.page.textContent('body'))!)).toBe(false);
    await shot(w.page, 'review-queue', size);

    // the viewer: item, house, address and time; → and ← and the buttons move through the photos
    await w.page.click(`[data-test=photo-${a.code}-smoke] img`);
    await caption(w.page).filter({ hasText: `烟感报警器 · ${a.code} · ${a.address}` }).waitFor();
    await w.page.waitForSelector('[data-test=viewer-photo]');
    await w.page.keyboard.press('ArrowRight');
    await caption(w.page).filter({ hasText: `灭火器 · ${a.code}` }).waitFor();
    await w.page.keyboard.press('ArrowLeft');
    await caption(w.page).filter({ hasText: `烟感报警器 · ${a.code}` }).waitFor();
    await w.page.click('[data-test=viewer-next]');
    await caption(w.page).filter({ hasText: `灭火器 · ${a.code}` }).waitFor();
    // the photo shown is that item's, loaded
    const shown = (await submissionOf(a)).items.extinguisher[0] as string;
    await w.page.waitForFunction(loaded, `[data-test=viewer-photo][data-photo="${shown}"]`);
    await shot(w.page, 'review-viewer', size);

    // R: the extinguisher of house a returned, with a reason; the rest of its set stands
    const reason = `灭火器压力表看不清${XSS}`;
    await w.page.keyboard.press('r');
    const box = w.page.locator('.el-message-box:visible');
    await box.waitFor();
    expect(await box.textContent()).toContain(`退回 ${a.code} 的【灭火器】`);
    await box.locator('input').fill(reason);
    await box.locator('.el-button--primary').click();
    await w.page.locator('[data-test=queue-done]', { hasText: `已退回 ${a.code} 的【灭火器】（${reason}）` }).waitFor();
    await w.page.locator(`[data-test=queue-${a.code}]`).waitFor({ state: 'detached' });
    const returned = await submissionOf(a);
    expect(returned).toMatchObject({ status: 'returned', returnedItem: 'extinguisher', returnReason: reason });
    expect(returned.items.extinguisher).toBeUndefined();
    expect(returned.items.smoke).toHaveLength(1);
    await until(async () => (await app.transcript(room)).some((m) => m.text?.includes(`${a.code} 的【灭火器】照片被退回：${reason}`)));

    // the viewer stays open, now on a photo of another set: A approves that set
    const rest = [b, c, d];
    const shownNow = await until(async () => {
      const text = (await caption(w.page).textContent()) ?? '';
      return rest.find((h) => text.includes(` · ${h.code} · `)) ?? false;
    });
    await w.page.keyboard.press('a');
    await w.page.locator(`[data-test=queue-${shownNow.code}]`).waitFor({ state: 'detached' });
    expect((await submissionOf(shownNow)).status).toBe('approved');
    await w.page.keyboard.press('Escape');
    await w.page.locator('[data-test=viewer-photo]').waitFor({ state: 'hidden' });

    // the two others approved at once
    const two = rest.filter((h) => h !== shownNow);
    for (const h of two) await w.page.click(`[data-test=pick-${h.code}]`);
    await w.page.click('[data-test=queue-approve]');
    await w.page.locator('[data-test=queue-done]', { hasText: '已通过 2 户' }).waitFor();
    for (const h of two) await w.page.locator(`[data-test=queue-${h.code}]`).waitFor({ state: 'detached' });
    for (const h of two) expect((await submissionOf(h)).status).toBe('approved');
    for (const h of rest) await until(async () => (await app.transcript(room)).some((m) => m.text?.includes(`${h.code} 本月自查已审核通过`)));
    await endsClean(w, 'review-done', size);
  }, 180_000);

  it("a grid's staff see their grid's sets only, and a request for another scope from the page is refused", async () => {
    // two groups of the demo street in two grids of one community
    const mine = await completeSets(4 + n, 1);
    const other = await completeSets(6 + n, 1);
    expect(mine.group.gridId).not.toBe(other.group.gridId);
    const made = await app.call('POST', '/users', { name: `网格审核员${n}`, role: 'staff', scope: `grid:${mine.group.gridId}` });
    expect(made.status).toBe(201);
    const w = await watchedPage(browser, size);
    await signIn(w.page, app.base, made.body.token as string);
    await w.page.click('[data-test=nav-review]');
    await w.page.waitForSelector(`[data-test=queue-${mine.houses[0]!.code}]`);
    expect(await w.page.locator(`[data-test=queue-${other.houses[0]!.code}]`).count()).toBe(0);
    // the page's own request, with another grid's and the community's scope forced in: refused
    const forced = await w.page.evaluate(async (scopes) => Promise.all(scopes.map(async (s) => {
      const r = await fetch(`/api/v1/review-queue?scope=${encodeURIComponent(s)}`);
      return { status: r.status, code: ((await r.json()) as { error?: { code: string } }).error?.code };
    })), [`grid:${other.group.gridId}`, `community:${other.group.communityId}`, `group:${other.group.id}`]);
    expect(forced).toEqual([{ status: 403, code: 'forbidden' }, { status: 403, code: 'forbidden' }, { status: 403, code: 'forbidden' }]);
    const approveOther = await w.page.evaluate(async (id) => {
      const r = await fetch('/api/v1/submissions/approve', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ids: [id] }) });
      return { status: r.status, code: ((await r.json()) as { error?: { code: string } }).error?.code };
    }, (await submissionOf(other.houses[0]!)).id as string);
    expect(approveOther).toEqual({ status: 404, code: 'not_found' });
    expect((await submissionOf(other.houses[0]!)).status).toBe('complete');
    await shot(w.page, 'review-grid', size);
    // (the browser logs the refused requests above; nothing else went wrong)
    expect(w.problems.filter((p) => !/status of 40[34]/.test(p))).toEqual([]);
    await w.close();
  }, 120_000);

  it("催办 for one group from the groups page: a double click tells the room once, the next click says when it was; a group's name is text", async () => {
    const { group, room } = await completeSets(8 + n, 1);
    // free text shown beside it (the group's name) is text, never markup
    const name = `${group.name}${XSS}`;
    expect((await app.call('PATCH', `/groups/${group.id}`, { name })).status).toBe(200);
    const made = await app.call('POST', '/users', { name: `催办员${n}`, role: 'staff', scope: `community:${group.communityId}` });
    const w = await watchedPage(browser, size);
    await signIn(w.page, app.base, made.body.token as string);
    await w.page.click('[data-test=nav-groups]');
    await w.page.click('[data-test=group-select]');
    await w.page.locator('.el-select-dropdown__item:visible', { hasText: name }).first().click();
    const reminded = () => app.transcript(room).then((t) => t.filter((m) => m.text?.includes('⏰ 以下')));
    expect(await reminded()).toHaveLength(0);
    // a double click: two requests, one reminder in the room
    const answers: number[] = [];
    w.page.on('response', (r) => { if (r.url().endsWith(`/groups/${group.id}/remind`)) answers.push(r.status()); });
    await w.page.dblclick('[data-test=remind]');
    await w.page.locator('[data-test=remind-result]', { hasText: '已在群里催办' }).waitFor();
    expect(await w.page.textContent('[data-test=remind-result]')).toBe('已在群里催办：10 户还差材料'); // (the one whose photos are in has not committed yet)
    const once = await until(async () => { const r = await reminded(); return r.length ? r : false; });
    expect(once).toHaveLength(1);
    expect(once[0]!.text).toContain('尚未登记');
    // clicked again: when it was, and when it may be again (in Beijing time, in words), and still one reminder
    await w.page.click('[data-test=remind]');
    await w.page.locator('[data-test=remind-result]', { hasText: '已催办过' }).waitFor();
    expect(await w.page.textContent('[data-test=remind-result]')).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} 已催办过，\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} 后可再催办$/);
    expect(answers.every((s) => s === 200)).toBe(true);
    expect(answers.length).toBeGreaterThanOrEqual(2);
    const audit = (await app.call('GET', `/audit?scope=group:${group.id}&limit=100`)).body.items as Json[];
    expect(audit.filter((e) => e.action === 'remind').length).toBeGreaterThanOrEqual(1);
    expect(await reminded()).toHaveLength(1);
    await w.page.getByText(name).first().waitFor({ state: 'attached' });
    await endsClean(w, 'groups-remind', size);
  }, 120_000);
});
