/**
 * Issue 26's acceptance, "a day's work without curl": in Debian's chromium, staff sign in with a
 * PASSWORD (first passwords set by the admin on the users page, changed at first sign-in) and do
 * the day's work through the pages only — import a roster (the first four rows of
 * samples/roster-sample.csv, the same file as /work/shared/data's), bind a group (the bind code
 * shown on the binding page; the landlord's side says it in the room through the simulator), open
 * a round, review the queue (the landlords' photos come in through the simulator as the bot
 * receives them), open and close a hazard, decide a tip, broadcast, edit a schedule and download
 * the month's report (a real .xlsx read with exceljs).
 * Each stored result is checked through the API afterwards; the API is otherwise used only to
 * make the world (the demo street, the two users) and for the landlords' and residents' side.
 *
 * Who: the import and the schedule are street-wide actions (policy.ts STREET_ONLY: roster:import,
 * schedules:edit), so a street office staff member does those two; a community's staff member does
 * the rest, in their community.
 *
 * Run at 1280×900 only: 390×844 is covered page by page by the phone walk (test/browser/phone.test.ts)
 * and each page's own browser test at both sizes; one size keeps the suite's time down.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { requiredItems } from '../../src/domain/checklist';
import { artifacts, demoInChromium, endsClean, input, shot, signIn, signInWithPassword, watchedPage, type DemoApp } from '../support/browser';
import { SAMPLE_ROSTER } from '../support/fixtures';
import { seededJpeg } from '../support/images';
import { until, type Json } from '../support/sim-client';
import { choose } from '../support/browser-world';

const SIZE = { width: 1280, height: 900 };
const WORDS = ['烟感', '灭火器', '电动车', '通道', '用电', '四件套', '钉牌'];
/** the header and the first four rows of the shared sample roster: four houses of the demo street's first group */
const SAMPLE = readFileSync(SAMPLE_ROSTER, 'utf8').split('\n').slice(0, 5);
/** the sample's houses (code, landlord's name, phone) */
const ROWS = SAMPLE.slice(1).map((l) => l.split(',')).map((c) => ({ code: c[3]!, group: c[2]!, landlord: c[5]!, phone: c[6]! }));

let app: DemoApp;
let browser: Browser;
const suite = demoInChromium('anxin-daywork-', (a, b) => { app = a; browser = b; });

/** answers Element Plus's confirmation or prompt box */
async function answerBox(page: Page, text?: string): Promise<void> {
  const box = page.locator('.el-message-box:visible');
  await box.waitFor();
  if (text !== undefined) await box.locator('input').fill(text);
  await box.locator('.el-button--primary').click();
  await box.waitFor({ state: 'hidden' });
}
/** signs in with the first password the admin set and changes it, as the page asks at once */
async function firstSignIn(page: Page, username: string, first: string, own: string): Promise<void> {
  await signInWithPassword(page, app.base, username, first);
  await page.waitForSelector('[data-test=password-dialog] >> text=请先修改');
  await page.fill(input('password-current'), first);
  await page.fill(input('password-new'), own);
  await page.fill(input('password-again'), own);
  await page.click('[data-test=password-save]');
  await page.waitForSelector('[data-test=password-changed]');
  await page.locator('[data-test=password-dialog]').waitFor({ state: 'hidden' });
}
/** a session's answer for a user name and password (201 when they sign in) */
const session = (username: string, password: string) => fetch(`${app.base}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }) })
  .then(async (r) => ({ status: r.status, body: (await r.json()) as Json }));

suite("a day's work without curl at 1280×900", () => {
  it('signs in with passwords and imports, binds, reviews, opens and closes a hazard, decides a tip, broadcasts, edits a schedule and downloads the report — all through the pages', async () => {
    // the world: the demo street; its first group (where the sample's houses are), its community, two staff members
    const group = ((await app.call('GET', '/groups?limit=1')).body.items as Json[])[0]!;
    expect(ROWS.every((r) => r.group === group.name)).toBe(true);
    const community = (await app.call('GET', `/communities/${group.communityId}`)).body;
    const street = await app.call('POST', '/users', { name: '街道干事', role: 'staff', scope: 'street' });
    const staff = await app.call('POST', '/users', { name: '社区干事', role: 'staff', scope: `community:${community.id}` });
    expect([street.status, staff.status]).toEqual([201, 201]);

    // the admin sets both first passwords on the users page
    const admin = await watchedPage(browser, SIZE);
    await signIn(admin.page, app.base, app.token);
    await admin.page.click('[data-test=nav-users]');
    for (const [name, username] of [['街道干事', 'jiedao'], ['社区干事', 'shequ']]) {
      await admin.page.click(`[data-test=user-password-${name}]`);
      await admin.page.fill(input('set-username'), username!);
      await admin.page.fill(input('set-password'), 'first-pass-123');
      await admin.page.click('[data-test=set-password-save]');
      await admin.page.locator(input('set-username')).waitFor({ state: 'hidden' });
      await admin.page.waitForSelector(`[data-test=password-set-done] >> text=${name}`);
      expect(await session(username!, 'first-pass-123')).toMatchObject({ status: 201, body: { mustChangePassword: true } });
    }
    await endsClean(admin, 'daywork-admin', SIZE);

    // ---- the street office's staff member: the roster and a schedule
    const s = await watchedPage(browser, SIZE);
    await firstSignIn(s.page, 'jiedao', 'first-pass-123', 'jiedao-own-456');
    await s.page.click('[data-test=nav-import]');
    await s.page.setInputFiles('[data-test=roster-file]', { name: '花名册.csv', mimeType: 'text/csv', buffer: Buffer.from(`${SAMPLE.join('\n')}\n`) });
    await s.page.locator('[data-test=import-preview-summary]', { hasText: '共 4 行' }).waitFor();
    await shot(s.page, 'daywork-import-preview', SIZE);
    await s.page.click('[data-test=import-confirm]');
    await s.page.waitForSelector('[data-test=import-result]');
    await shot(s.page, 'daywork-imported', SIZE);
    const inGroup = (await app.call('GET', `/houses?scope=group:${group.id}&limit=200`)).body.items as Json[];
    const imported = ROWS.map((r) => inGroup.find((h) => h.code === r.code)!);
    expect(imported.every(Boolean)).toBe(true);
    for (const [i, h] of imported.entries()) expect((await app.call('GET', `/landlords/${h.landlordId}`)).body).toMatchObject({ name: ROWS[i]!.landlord, phone: ROWS[i]!.phone });

    await s.page.click('[data-test=nav-schedules]');
    await s.page.click('[data-test=sched-edit-monthly-tip]');
    await choose(s.page, 'sched-time', '08:30');
    await s.page.waitForSelector('[data-test=sched-cron-shown] >> text=/^30 8 /');
    const cron = (await s.page.textContent('[data-test=sched-cron-shown]'))!.trim();
    await s.page.click('[data-test=sched-save]');
    await s.page.locator('[data-test=sched-form]').waitFor({ state: 'hidden' });
    await s.page.waitForSelector(`[data-test=sched-monthly-tip][data-cron="${cron}"]`);
    const tip = ((await app.call('GET', '/schedules?limit=100')).body.items as Json[]).find((x) => x.name === 'monthly-tip')!;
    expect(tip.cron).toBe(cron);
    await endsClean(s, 'daywork-schedule', SIZE);

    // ---- the community's staff member: the rest of the day
    const w = await watchedPage(browser, SIZE);
    const page = w.page;
    await firstSignIn(page, 'shequ', 'first-pass-123', 'shequ-own-456');
    expect((await session('shequ', 'shequ-own-456')).body.mustChangePassword).toBe(false);

    // bind the group: the code shown on the page, said in the room by the landlord's side
    await page.click('[data-test=nav-binding]');
    await page.click(`[data-test=bind-issue-${group.name}]`);
    const said = (await page.locator(`[data-test=bind-${group.name}] [data-test=bind-code]`).textContent())!.trim();
    expect(said).toMatch(/^绑定群 \S+$/);
    await shot(page, 'daywork-bind-code', SIZE);
    const people: string[] = [];
    for (const r of ROWS.slice(0, 2)) people.push((await app.call('POST', '/sim/contacts', { name: r.landlord })).body.id as string);
    const room = (await app.call('POST', '/sim/rooms', { topic: group.name, memberIds: people })).body.id as string;
    expect((await app.call('POST', '/sim/messages', { from: people[0], roomId: room, text: said })).status).toBe(202);
    await until(async () => ((await app.call('GET', `/groups/${group.id}`)).body.roomId === room ? true : false));
    await page.click('[data-test=bind-show-all]');
    await page.click('[data-test=bind-refresh]');
    await page.waitForSelector(`[data-test=bind-${group.name}][data-bound=yes]`);

    // a round opened for the group from its page
    await page.click('[data-test=nav-groups]');
    await choose(page, 'group-select', group.name as string);
    await page.click('[data-test=open-round]');
    await page.waitForSelector('[data-test=round-opened]');
    expect(((await app.call('GET', '/rounds?limit=100')).body.items as Json[]).some((r) => r.scope === `group:${group.id}`)).toBe(true);

    // two landlords register and send their photos, as the bot receives them
    await Promise.all(imported.slice(0, 2).map(async (h, i) => {
      const say = (text: string) => app.call('POST', '/sim/messages', { from: people[i], roomId: room, text });
      await say(`登记 ${h.code}`);
      await say(ROWS[i]!.phone.slice(-4));
      for (const [n, item] of requiredItems(h.isKey as boolean).entries()) {
        await say(`${h.code} ${WORDS[n]}`);
        await app.call('POST', '/sim/messages', { from: people[i], roomId: room, imageBase64: seededJpeg(`day-${h.code}-${item}`).toString('base64'), filename: 'p.jpg' });
      }
    }));
    const subs = async () => (await app.call('GET', `/submissions?scope=group:${group.id}&limit=200`)).body.items as Json[];
    await until(async () => (await subs()).filter((x) => x.status === 'complete').length === 2 || false);

    // the review queue: both sets approved at once
    const [a, b] = imported as [Json, Json];
    await page.click('[data-test=nav-review]');
    await page.click('[data-test=queue-refresh]');
    for (const h of [a, b]) await page.waitForSelector(`[data-test=queue-${h.code}][data-status=complete]`);
    await shot(page, 'daywork-queue', SIZE);
    await page.click(`[data-test=pick-${a.code}]`);
    await page.click(`[data-test=pick-${b.code}]`);
    await page.click('[data-test=queue-approve]');
    await page.waitForSelector('[data-test=queue-done]');
    const approved = (await subs()).filter((x) => x.houseId === a.id || x.houseId === b.id);
    expect(approved.map((x) => x.status)).toEqual(['approved', 'approved']);

    // a hazard opened with a photo and closed
    await page.click('[data-test=nav-hazards]');
    const description = `楼道堆放电动车（${a.code}）`;
    await page.fill(input('hazard-house'), a.code as string);
    await page.fill(input('hazard-description'), description);
    await page.setInputFiles('[data-test=hazard-photo]', { name: 'site.jpg', mimeType: 'image/jpeg', buffer: seededJpeg('day-site') });
    await page.click('[data-test=hazard-open]');
    await page.waitForSelector('[data-test=hazard-done]');
    const hazards = async () => (await app.call('GET', '/hazards?limit=100')).body.items as Json[];
    const opened = (await hazards()).find((h) => h.description === description)!;
    expect(opened).toMatchObject({ houseCode: a.code, status: 'open' });
    await page.click(`[data-test=hazard-close-${opened.number}]`);
    await answerBox(page);
    await page.waitForSelector(`[data-test=hazard-${opened.number}][data-status=closed]`);
    expect((await hazards()).find((h) => h.id === opened.id)!.status).toBe('closed');

    // a resident's tip, accepted with the staff's own words
    const resident = (await app.call('POST', '/sim/contacts', { name: '热心居民' })).body.id as string;
    expect((await app.call('POST', '/sim/messages', { from: resident, text: `举报 ${b.code} 楼梯间堆满纸箱` })).status).toBe(202);
    const tips = async () => (await app.call('GET', '/tips?limit=100')).body.items as Json[];
    const tipped = await until(async () => (await tips()).find((x) => String(x.text).includes('楼梯间堆满纸箱')) ?? false);
    await page.click('[data-test=hazard-refresh]');
    await page.click(`[data-test=tip-accept-${tipped.number}]`);
    await page.fill(input('tip-hazard-description'), '楼梯间堆放纸箱，堵塞疏散通道');
    await page.click('[data-test=tip-accept-save]');
    await page.waitForSelector(`[data-test=tip-${tipped.number}][data-status=accepted]`);
    await page.locator(input('tip-hazard-description')).waitFor({ state: 'hidden' });
    await shot(page, 'daywork-hazards', SIZE);
    expect((await tips()).find((x) => x.id === tipped.id)!.status).toBe('accepted');
    expect((await hazards()).some((h) => h.description === '楼梯间堆放纸箱，堵塞疏散通道' && h.houseCode === b.code)).toBe(true);

    // a broadcast to the community, after being told how many groups it reaches
    await page.click('[data-test=nav-broadcasts]');
    const text = '今晚八点检查楼道电动车充电';
    await page.fill(input('bc-text'), text);
    await choose(page, 'bc-scope', community.name as string);
    await page.click('[data-test=bc-send]');
    await page.waitForSelector('[data-test=bc-reach]');
    const [posted] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/broadcasts') && r.request().method() === 'POST'),
      page.click('[data-test=bc-confirm-send]'),
    ]);
    const { id } = (await posted.json()) as Json;
    const sent = (await app.call('GET', `/broadcasts/${id}`)).body;
    expect(sent).toMatchObject({ scope: `community:${community.id}`, text });
    expect(sent.deliveries).toEqual([expect.objectContaining({ roomId: room })]);
    await until(async () => (await app.transcript(room)).some((l) => l.text?.includes(text)) || false);

    // the month's report: a real workbook, with the community's sheet and the imported houses
    await page.click('[data-test=nav-report]');
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=report-download]')]);
    const saved = path.join(artifacts, 'daywork-report.xlsx');
    await file.saveAs(saved);
    await page.waitForSelector('[data-test=report-done]');
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(saved);
    const sheet = book.worksheets.find((x) => x.name.includes(community.name as string))!;
    expect(sheet).toBeDefined();
    const cells: string[] = [];
    sheet.eachRow((row) => row.eachCell((c) => cells.push(String(c.value))));
    for (const h of imported) expect(cells).toContain(h.code);
    await endsClean(w, 'daywork-report', SIZE);
  }, 300_000);
});
