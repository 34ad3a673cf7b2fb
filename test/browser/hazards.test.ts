/**
 * Issue 26, item 2 (hazards and tips): a street admin, in Debian's chromium at 1280×900,
 * opens a hazard on a house, closes and reopens it, filters the overdue ones, accepts a tip with a
 * hazard described in their own words and rejects another with a reason — each checked through the
 * API. A group's head reads hazards and is offered none of the buttons.
 * (At 1280×900 only: the phone's 390×844 is walked page by page by phone.test.ts — every page an
 * admin and a community's staff see fits, every action on screen — and nothing here is phone-only markup.)
 */
import type { Browser, Page } from 'playwright-core';
import { demoInChromium, DESKTOP, input, shot, signIn, SIZES, watchedPage, type DemoApp, endsClean } from '../support/browser';
import { seededJpeg } from '../support/images';
import { until, type Json } from '../support/sim-client';

const XSS = '<img src=x onerror=alert(1)>';

let app: DemoApp;
let browser: Browser;
const suite = demoInChromium('anxin-hz-', (a, b) => { app = a; browser = b; });

const hazards = async () => (await app.call('GET', '/hazards?limit=100')).body.items as Json[];
const tips = async () => (await app.call('GET', '/tips?limit=100')).body.items as Json[];
/** answers Element Plus's confirmation or prompt box */
async function answerBox(page: Page, text?: string) {
  const box = page.locator('.el-message-box:visible');
  await box.waitFor();
  if (text !== undefined) await box.locator('input').fill(text);
  await box.locator('.el-button--primary').click();
  await box.waitFor({ state: 'hidden' });
}
/** a tip sent to the bot privately, as a resident would, and its number once the API lists it */
async function tipAbout(code: string, said: string, who: string): Promise<Json> {
  const person = (await app.call('POST', '/sim/contacts', { name: who })).body.id as string;
  expect((await app.call('POST', '/sim/messages', { from: person, text: `举报 ${code} ${said}` })).status).toBe(202);
  return until(async () => (await tips()).find((t) => String(t.text).includes(said)) ?? false);
}

suite.each([DESKTOP])('hazards and tips at %o', (size) => {
  const n = SIZES.indexOf(size);

  it('opens, closes and reopens a hazard, filters the overdue ones, accepts a tip with staff\'s own words and rejects another', async () => {
    const houses = (await app.call('GET', `/houses?limit=3&offset=${n * 3}`)).body.items as Json[];
    const w = await watchedPage(browser, size);
    await signIn(w.page, app.base, app.token);
    await w.page.click('[data-test=nav-hazards]');

    // open
    const description = `楼道电动车充电${n}`;
    await w.page.fill(input('hazard-house'), String(houses[0]!.code).toLowerCase());
    await w.page.fill(input('hazard-description'), description);
    await w.page.setInputFiles('[data-test=hazard-photo]', { name: 'site.jpg', mimeType: 'image/jpeg', buffer: seededJpeg(`hazard-site-${n}`) });
    await w.page.click('[data-test=hazard-open]');
    await w.page.waitForSelector('[data-test=hazard-done]');
    const opened = (await hazards()).find((h) => h.description === description)!;
    expect(opened).toMatchObject({ houseCode: houses[0]!.code, status: 'open' });
    const days = (new Date(opened.deadline as string).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(5);
    expect(days).toBeLessThan(8.1);
    // the photo taken on site is kept with it, as its "before"
    expect(opened.sitePhotos).toEqual([expect.objectContaining({ kind: 'before' })]);
    const card = `[data-test=hazard-${opened.number}]`;
    await w.page.waitForSelector(`${card} [data-test=hazard-photos] >> text=现场照片 1 张`);
    await w.page.waitForSelector(`${card}[data-status=open] >> text=待整改`);
    await shot(w.page, 'hazards-opened', size);

    // closed, then reopened with a reason
    await w.page.click(`[data-test=hazard-close-${opened.number}]`);
    await answerBox(w.page);
    await w.page.waitForSelector(`${card}[data-status=closed] >> text=已销号`);
    expect((await hazards()).find((h) => h.id === opened.id)!.status).toBe('closed');
    await w.page.click(`[data-test=hazard-reopen-${opened.number}]`);
    await answerBox(w.page, '复查时电动车仍在楼道');
    await w.page.waitForSelector(`${card}[data-status=open]`);
    expect((await hazards()).find((h) => h.id === opened.id)!.status).toBe('open');

    // the overdue filter shows what the API counts overdue, and not the fresh one
    const [overdue] = await Promise.all([
      w.page.waitForResponse((r) => r.url().includes('/api/v1/hazards') && r.url().includes('status=overdue')),
      w.page.click('[data-test=hazard-show-overdue]'),
    ]);
    const overdueIds = ((await overdue.json()) as { items: Json[] }).items.map((h) => h.number);
    await w.page.locator(card).waitFor({ state: 'detached' });
    expect(await w.page.locator('[data-test=hazards] .hz-card').count()).toBe(overdueIds.length);
    await w.page.click('[data-test=hazard-show-all]');
    await w.page.waitForSelector(card);

    // a tip accepted: the hazard it opens has staff's words, not the tip's
    const tip = await tipAbout(String(houses[1]!.code), `楼梯间堆满纸箱${n}`, `居民甲${n}`);
    await w.page.click('[data-test=hazard-refresh]');
    await w.page.click(`[data-test=tip-accept-${tip.number}]`);
    const staffWords = `楼梯间堆放杂物，请三日内清理${n}`;
    await w.page.fill(input('tip-hazard-description'), staffWords);
    await shot(w.page, 'tips-accept', size);
    await w.page.click('[data-test=tip-accept-save]');
    await w.page.waitForSelector(`[data-test=tip-${tip.number}][data-status=accepted] >> text=已受理`);
    const accepted = (await tips()).find((t) => t.id === tip.id)!;
    expect(accepted.status).toBe('accepted');
    const fromTip = (await hazards()).find((h) => h.id === accepted.hazardId)!;
    expect(fromTip).toMatchObject({ description: staffWords, houseCode: houses[1]!.code, status: 'open' });

    // a tip rejected, with the reason kept
    const other = await tipAbout(String(houses[2]!.code), `隔壁在烧烤${n}`, `居民乙${n}`);
    await w.page.click('[data-test=hazard-refresh]');
    await w.page.click(`[data-test=tip-reject-${other.number}]`);
    await answerBox(w.page, '现场核查未发现');
    await w.page.waitForSelector(`[data-test=tip-${other.number}][data-status=rejected] >> text=现场核查未发现`);
    expect((await tips()).find((t) => t.id === other.id)).toMatchObject({ status: 'rejected', reason: '现场核查未发现' });
    // markup in free text (a hazard's description, a tip's text) is shown as text, never run
    expect((await app.call('POST', '/hazards', { houseCode: houses[2]!.code, description: `${XSS}${n}` })).status).toBe(201);
    await tipAbout(String(houses[0]!.code), `${XSS}举报${n}`, `居民丙${n}`);
    await w.page.click('[data-test=hazard-refresh]');
    await w.page.getByText(`${XSS}${n}`, { exact: true }).waitFor();
    await w.page.getByText(`${XSS}举报${n}`).waitFor();
    await endsClean(w, 'hazards-tips', size);
  }, 180_000);

  it('a group\'s head reads hazards and is offered none of the buttons', async () => {
    const group = ((await app.call('GET', `/groups?limit=1&offset=${n}`)).body.items as Json[])[0]!;
    const house = ((await app.call('GET', `/houses?scope=group:${group.id}&limit=1`)).body.items as Json[])[0]!;
    expect((await app.call('POST', '/hazards', { houseCode: house.code, description: `户长可见隐患${n}` })).status).toBe(201);
    const head = await app.call('POST', '/users', { name: `户长读者${n}`, role: 'head', scope: `group:${group.id}` });
    const w = await watchedPage(browser, size);
    await signIn(w.page, app.base, head.body.token as string);
    await w.page.click('[data-test=nav-hazards]');
    await w.page.waitForSelector(`text=户长可见隐患${n}`);
    expect(await w.page.locator('[data-test=hazard-form], [data-test^=hazard-close-], [data-test^=hazard-reopen-], [data-test=tips]').count()).toBe(0);
    expect(w.problems).toEqual([]);
    await w.close();
  }, 180_000);
});
