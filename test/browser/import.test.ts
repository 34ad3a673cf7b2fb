/**
 * Issue 26 (item 8), the roster import as staff expect it, in Chromium at 1280×900:
 * a street's staff member downloads the template (a real workbook with the usual Chinese
 * headers and an example row), fills it in, sees the dry run (the first rows, the houses it
 * adds, a warning) with nothing changed yet, confirms, and the API then holds the new roster.
 * At 390×844 (where phone.test.ts walks every page) the dry run's rows again: on a phone they are
 * lines of their own (Import.vue's narrow preview), the markup in them text, nothing wider than the screen.
 */
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { TEMPLATE_HEADERS, ROSTER_COLUMNS, type RosterField } from '../../src/domain/roster';
import { demoInChromium, DESKTOP, downloadedBytes, PHONE, shot, signIn, watchedPage, type DemoApp } from '../support/browser';
import { type Json } from '../support/sim-client';

let app: DemoApp;
let browser: Browser;
const suite = demoInChromium('anxin-import-', (a, b) => { app = a; browser = b; });
const FIELDS = Object.keys(ROSTER_COLUMNS) as RosterField[];
const XSS = '<img src=x onerror=alert(1)>';

suite.each([DESKTOP])('the roster import at %o', (size) => {
  it('downloads the template, previews the filled-in roster (nothing changed), then imports it on confirmation', async () => {
    const n = size.width;
    const made = await app.call('POST', '/users', { name: `街道导入员${n}`, role: 'staff', scope: 'street' });
    expect(made.status).toBe(201);
    // an existing house that the file moves into a new group (a warning), with its own landlord as stored
    const houses = (await app.call('GET', '/houses?limit=10')).body.items as Json[];
    const moved = houses[5]!;
    const [community, grid, landlord] = await Promise.all([
      app.call('GET', `/communities/${moved.communityId}`), app.call('GET', `/grids/${moved.gridId}`), app.call('GET', `/landlords/${moved.landlordId}`),
    ]).then((r) => r.map((x) => x.body));
    const group = `${grid!.name}新联防组${n}`;

    const w = await watchedPage(browser, size);
    await signIn(w.page, app.base, made.body.token as string);
    await w.page.click('[data-test=nav-import]');
    // the template: a workbook with the usual headers in Chinese and one example row
    const [download] = await Promise.all([w.page.waitForEvent('download'), w.page.click('[data-test=import-template]')]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await downloadedBytes(download)) as never);
    const sheet = book.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(FIELDS.map((f) => TEMPLATE_HEADERS['zh-CN'][f]));
    expect(TEMPLATE_HEADERS['zh-CN'].community).toBe('所属社区');
    expect(sheet.actualRowCount).toBe(2);
    expect(String(sheet.getRow(2).getCell(4).value)).toMatch(/^[A-Z0-9]+$/);
    // filled in as staff would: the example row overwritten, two more rows
    const rows: (string | number)[][] = [
      [community!.name, grid!.name, group, `T${n}01`, `测试路${n}号`, `新房东${n}`, `139${String(n).padStart(4, '0')}0001`, 4, 3, '是'],
      [community!.name, grid!.name, group, `T${n}02`, `测试路${n}-2号`, XSS, `139${String(n).padStart(4, '0')}0002`, 2, 1, ''],
      [community!.name, grid!.name, group, moved.code, moved.address, landlord!.name, landlord!.phone, moved.tenants, moved.rooms, ''],
    ];
    rows.forEach((r, i) => { sheet.getRow(i + 2).values = r; });
    const filled = Buffer.from(await book.xlsx.writeBuffer());
    await w.page.setInputFiles('[data-test=roster-file]', { name: '花名册.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: filled });

    // the dry run: three rows, two new houses, the move told; the first rows as read (the markup as text)
    await w.page.locator('[data-test=import-preview-summary]', { hasText: '共 3 行，将新增 2 户' }).waitFor();
    const preview = w.page.locator('[data-test=import-preview-rows]');
    expect(await preview.innerText()).toContain(`T${n}01`);
    expect(await preview.innerText()).toContain(XSS);
    expect(await w.page.locator('[data-test=import-preview-warnings]').innerText()).toContain(moved.code);
    await shot(w.page, 'import-preview', size);
    // nothing changed yet
    expect((await app.call('GET', `/houses?code=T${n}01`)).body.items).toEqual([]);
    expect(((await app.call('GET', `/houses/${moved.id}`)).body).groupId).toBe(moved.groupId);

    await w.page.click('[data-test=import-confirm]');
    await w.page.locator('[data-test=import-result]', { hasText: '新增 2，更新 1' }).waitFor();
    await shot(w.page, 'import-done', size);
    // what the API now holds: the new houses, the new group with its head, the house moved into it
    const added = (await app.call('GET', `/houses?code=T${n}01`)).body.items as Json[];
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ address: `测试路${n}号`, tenants: 4, rooms: 3, communityId: moved.communityId, gridId: moved.gridId });
    const newGroup = (await app.call('GET', `/groups/${added[0]!.groupId}`)).body;
    expect(newGroup).toMatchObject({ name: group, headHouseId: added[0]!.id });
    expect(((await app.call('GET', `/houses/${moved.id}`)).body).groupId).toBe(newGroup.id);
    expect(w.problems).toEqual([]);
    expect(w.dialogs).toEqual([]);
    await w.close();
  }, 120_000);
});

suite('the roster import at 390×844', () => {
  it("the dry run's rows on a phone: each row as read, markup as text, nothing wider than the screen; nothing changed", async () => {
    const made = await app.call('POST', '/users', { name: '手机导入员', role: 'staff', scope: 'street' });
    expect(made.status).toBe(201);
    const house = ((await app.call('GET', '/houses?limit=1')).body.items as Json[])[0]!;
    const [community, grid] = await Promise.all([app.call('GET', `/communities/${house.communityId}`), app.call('GET', `/grids/${house.gridId}`)]).then((r) => r.map((x) => x.body as Json));
    const place = `${community!.name},${grid!.name},${grid!.name}手机联防组`;
    const csv = `社区,网格,联防组,房屋编号,地址,房东姓名,联系电话,租住人数,房间数,户长\n${place},M39001,手机路1号,手机房东,13903900001,4,3,是\n${place},M39002,手机路2号,${XSS},13903900002,2,1,\n`;
    const w = await watchedPage(browser, PHONE);
    await signIn(w.page, app.base, made.body.token as string);
    await w.page.click('[data-test=nav-import]');
    await w.page.setInputFiles('[data-test=roster-file]', { name: '花名册.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await w.page.locator('[data-test=import-preview-summary]', { hasText: '共 2 行，将新增 2 户' }).waitFor();
    const preview = w.page.locator('[data-test=import-preview-rows]');
    expect(await preview.locator('[data-test=import-preview-row]').count()).toBe(2); // the phone's own lines, not the table
    expect(await preview.innerText()).toContain('M39001');
    expect(await preview.innerText()).toContain(XSS);
    expect(await w.page.locator('img[src=x]').count()).toBe(0);
    expect(await w.page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await shot(w.page, 'import-preview', PHONE);
    expect((await app.call('GET', '/houses?code=M39001')).body.items).toEqual([]);
    expect(w.problems).toEqual([]);
    expect(w.dialogs).toEqual([]);
    await w.close();
  }, 120_000);
});
