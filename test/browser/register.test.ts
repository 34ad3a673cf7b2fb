/**
 * Issue 26, the register (台账) in Chromium at 1280×900: search by code and by address, filter by
 * status, load more, export as filtered (the workbook opens). At 390×844 (where phone.test.ts walks
 * every page) the register's own phone markup: a card per house, more pages and a search shown as
 * cards, a card's code opening the house's page, nothing to scroll sideways. What the page shows is
 * checked against the API.
 */
import ExcelJS from 'exceljs';
import type { Browser, Locator, Page } from 'playwright-core';
import { demoInChromium, DESKTOP, downloadedBytes, input, PHONE, shot, signIn, watchedPage, type DemoApp } from '../support/browser';
import { type Json } from '../support/sim-client';

let app: DemoApp;
let browser: Browser;
const suite = demoInChromium('anxin-register-', (a, b) => { app = a; browser = b; });

/** Signed in, the register opened: its first 50 houses shown, the first as the API lists it (returned). */
async function openRegister(page: Page, rows: Locator): Promise<Json> {
  await signIn(page, app.base, app.token);
  await page.click('[data-test=nav-register]');
  const first = (await app.call('GET', '/register?limit=50')).body as Json;
  await page.locator('[data-test=register-count]', { hasText: '已显示 50 户' }).waitFor();
  expect(await rows.count()).toBe(50);
  expect(await rows.first().textContent()).toContain(first.items[0].code);
  return first;
}

suite.each([DESKTOP])('the register at %o', (size) => {
  it('searches, filters, loads more and exports as filtered; what it shows is what the API holds', async () => {
    const w = await watchedPage(browser, size);
    const rows = w.page.locator('[data-test=register-rows] .el-table__row, [data-test=register-row]');
    const first = await openRegister(w.page, rows);
    await shot(w.page, 'register', size);
    // more pages, on demand
    await w.page.click('[data-test=register-more]');
    await w.page.locator('[data-test=register-count]', { hasText: '已显示 100 户' }).waitFor();
    // a code and an address, as staff type them
    const house = first.items[3] as Json;
    await w.page.fill(input('register-q'), house.code.toLowerCase());
    await w.page.click('[data-test=register-search]');
    await w.page.locator('[data-test=register-count]', { hasText: '已显示 1 户' }).waitFor();
    expect(await rows.first().textContent()).toContain(house.address);
    const street = String(house.address).replace(/\d+号$/, '');
    await w.page.fill(input('register-q'), street);
    await w.page.click('[data-test=register-search]');
    const byAddress = (await app.call('GET', `/register?limit=50&q=${encodeURIComponent(street)}`)).body as Json;
    await w.page.locator('[data-test=register-count]', { hasText: `已显示 ${byAddress.items.length} 户` }).waitFor();
    // a status, picked by its words
    await w.page.fill(input('register-q'), '');
    await w.page.click('[data-test=register-status]');
    await w.page.locator('.el-select-dropdown__item:visible', { hasText: '群未绑定' }).first().click();
    const unbound = (await app.call('GET', '/register?limit=50&status=unbound')).body as Json;
    await w.page.locator('[data-test=register-count]', { hasText: `已显示 ${unbound.items.length} 户` }).waitFor();
    expect(await rows.first().textContent()).toContain(unbound.items[0].code);
    await shot(w.page, 'register-unbound', size);
    // the export is the list as filtered
    const [download] = await Promise.all([w.page.waitForEvent('download'), w.page.click('[data-test=register-export]')]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await downloadedBytes(download)) as never);
    const exported = (await app.call('GET', '/register?limit=200&status=unbound')).body as Json;
    expect(book.worksheets[0]!.actualRowCount - 1).toBe(exported.items.length);
    // one click from a house to its page (issue 27's house page)
    await w.page.locator('[data-test=register-house]').first().click();
    await w.page.waitForURL(new RegExp(`#houses/${unbound.items[0].houseId}$`));
    expect(w.problems).toEqual([]);
    await w.close();
  }, 120_000);
});

suite('the register at 390×844', () => {
  it("a card per house: more pages, a search by code, a card's code opening the house's page; nothing wider than the screen", async () => {
    const w = await watchedPage(browser, PHONE);
    const cards = w.page.locator('[data-test=register-rows] [data-test=register-row]');
    const first = await openRegister(w.page, cards);
    expect(await w.page.locator('[data-test=register-rows] .el-table__row').count()).toBe(0);
    await w.page.click('[data-test=register-more]');
    await w.page.locator('[data-test=register-count]', { hasText: '已显示 100 户' }).waitFor();
    expect(await cards.count()).toBe(100);
    const house = first.items[3] as Json;
    await w.page.fill(input('register-q'), house.code.toLowerCase());
    await w.page.click('[data-test=register-search]');
    await w.page.locator('[data-test=register-count]', { hasText: '已显示 1 户' }).waitFor();
    expect(await cards.first().textContent()).toContain(house.address);
    expect(await w.page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await shot(w.page, 'register-search', PHONE);
    await cards.first().locator('[data-test=register-house]').click();
    await w.page.waitForURL(new RegExp(`#houses/${house.houseId}$`));
    expect(w.problems).toEqual([]);
    await w.close();
  }, 120_000);
});
