/**
 * Issue 27 in Chromium: a placard's QR, read from the printed sheet (the image the PDF embeds,
 * decoded with jsQR), opened signed out on a phone to report a hazard with a photo; then staff
 * find the tip under that house on its page (一户一档), at 390 px without sideways scrolling,
 * and a signed-in scan of the same placard opens the house page.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import jsQR from 'jsqr';
import type { Browser } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { rosterAppFixture } from '../support/app-fixture';
import { ensureDashboardBuilt, haveChromium, input, openChromium, shot, signIn, watchedPage } from '../support/browser';
import { tempDir } from '../support/fixtures';
import { readPdf } from '../support/pdf-read';
import sharp from 'sharp';

if (!haveChromium) console.warn('browser tests SKIPPED: no chromium at /usr/bin/chromium (apt-get install -y chromium)');
const suite = haveChromium ? describe : describe.skip;
const PHONE = { width: 390, height: 844 };

let f: Awaited<ReturnType<typeof rosterAppFixture>>;
let browser: Browser;
let server: http.Server;
let base = '';
beforeAll(async () => {
  if (!haveChromium) return;
  ensureDashboardBuilt();
  [f, browser] = await Promise.all([rosterAppFixture(), openChromium()]);
  server = http.createServer(f.server).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r(null)));
  await f?.close();
});

suite('一户一码 in the browser (issue 27)', () => {
  it('scans a printed placard (the image in the PDF, and the sheet as Chromium renders it), reports a hazard with a photo signed out, and staff find the tip under the house', async () => {
    const group = (await f.store.groups.findOne({ name: '平山村第1网格联防1组' }))!;
    const house = (await f.store.houses.findOne({ groupId: group.id, code: 'P00004' }))!;
    const sheet = await fetch(`${base}/api/v1/groups/${group.id}/placards.pdf`, { headers: { Authorization: `Bearer ${f.adminToken}` } });
    expect(sheet.status).toBe(200);
    const bytes = Buffer.from(await sheet.arrayBuffer());
    const pdf = await readPdf(bytes);
    // the sheet prints codes in order: P00004 is the fourth placard (its QR, the image the PDF embeds)
    const qr = pdf.images[3]!;
    const link = jsQR(qr.rgba!, qr.width, qr.height)!.data;
    expect(link).toMatch(new RegExp(`^${base}/p/[A-Za-z0-9_-]{22}$`));
    // the same sheet rendered by Chromium's PDF viewer: the top-left placard's QR, read from the screen, is the first house's link
    const viewer = await watchedPage(browser, { width: 900, height: 1200 });
    await viewer.page.route('**/sheet.pdf', (r) => r.fulfill({ body: bytes, contentType: 'application/pdf' }));
    await viewer.page.goto(`${base}/sheet.pdf`);
    let seen: string | null = null;
    // (the viewer draws when it is ready: look again until the code can be read, bounded by the test's time)
    while (!seen) {
      const { data, info } = await sharp(await viewer.page.screenshot()).extract({ left: 300, top: 60, width: 300, height: 230 }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      seen = jsQR(new Uint8ClampedArray(data), info.width, info.height)?.data ?? null;
    }
    expect(seen).toBe(jsQR(pdf.images[0]!.rgba!, pdf.images[0]!.width, pdf.images[0]!.height)!.data);
    await shot(viewer.page, 'placards-pdf', { width: 900 });
    await viewer.close();

    // a neighbour's phone, signed out
    const neighbour = await watchedPage(browser, PHONE);
    await neighbour.page.goto(link);
    expect(await neighbour.page.textContent('[data-test=placard-house]')).toContain('P00004');
    const landlord = (await f.store.landlords.get(house.landlordId))!;
    expect(await neighbour.page.content()).not.toContain(landlord.name);
    await shot(neighbour.page, 'placard-report', PHONE);
    await neighbour.page.fill('#text', '三楼楼道堆满纸箱，挡住了出口');
    const tmp = tempDir('anxin-placard-photo-');
    const photo = path.join(tmp.dir, 'hazard.jpg');
    writeFileSync(photo, await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 80, b: 40 } } }).jpeg().toBuffer());
    await neighbour.page.setInputFiles('#photos', photo);
    await Promise.all([neighbour.page.waitForSelector('[data-test=placard-thanks]'), neighbour.page.click('[data-test=placard-submit]')]);
    expect(await neighbour.page.textContent('[data-test=placard-thanks]')).toContain('#1');
    await shot(neighbour.page, 'placard-thanks', PHONE);
    expect(await neighbour.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    expect(neighbour.problems).toEqual([]);
    await neighbour.close();
    tmp.cleanup();

    // staff: the register's search, then the house page with the tip and its photo
    const staff = await watchedPage(browser, PHONE);
    await signIn(staff.page, base, f.adminToken);
    await staff.page.click('[data-test=nav-houses]');
    await staff.page.fill(input('house-q'), '4');
    await staff.page.click('[data-test=house-search]');
    await staff.page.click('[data-test=house-P00004]');
    await staff.page.waitForSelector('[data-test=entry-tip]');
    expect(await staff.page.textContent('[data-test=entry-tip]')).toContain('三楼楼道堆满纸箱');
    // (a function, not a string: the page's CSP has no 'unsafe-eval')
    type Doc = { document: { querySelectorAll(s: string): ArrayLike<{ naturalWidth: number }> } };
    await staff.page.waitForFunction(() => Array.from((globalThis as unknown as Doc).document.querySelectorAll('[data-test=entry-tip] img')).some((i) => i.naturalWidth > 0));
    expect(await staff.page.textContent('[data-test=house-landlord]')).toContain(landlord.phone);
    // its time as people here write it, in the street's zone (not the browser's English default)
    expect(await staff.page.textContent('[data-test=entry-tip] .muted')).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
    await shot(staff.page, 'house-page', PHONE);
    expect(await staff.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    // the same placard scanned by signed-in staff: its page's staff link opens the house page
    await staff.page.goto(link);
    await staff.page.click('[data-test=placard-staff]');
    await staff.page.waitForURL(new RegExp(`#houses/${house.id}$`));
    await staff.page.waitForSelector('[data-test=house-facts]');
    expect(await staff.page.textContent('[data-test=house-facts]')).toContain('P00004');
    expect(staff.problems).toEqual([]);
    await staff.close();

    // the house's printed file, as Chromium's PDF viewer draws it: each line of text in its own row
    const file = await fetch(`${base}/api/v1/houses/${house.id}/archive.pdf`, { headers: { Authorization: `Bearer ${f.adminToken}` } });
    expect(file.status).toBe(200);
    const printed = await readPdf(Buffer.from(await file.arrayBuffer()));
    const lines = printed.runs[0]!.length;
    expect(lines).toBeGreaterThanOrEqual(10);
    const paper = await watchedPage(browser, { width: 900, height: 1200 });
    const fileBytes = Buffer.from(await (await fetch(`${base}/api/v1/houses/${house.id}/archive.pdf`, { headers: { Authorization: `Bearer ${f.adminToken}` } })).arrayBuffer());
    await paper.page.route('**/house.pdf', (r) => r.fulfill({ body: fileBytes, contentType: 'application/pdf' }));
    await paper.page.goto(`${base}/house.pdf`);
    // (drawn when the viewer is ready: look until the paper is there, and two looks in a row agree)
    let rows: number;
    for (let last = ''; ; ) {
      const png = await paper.page.screenshot();
      const page = await sharp(png).extract({ left: 310, top: 60, width: 580, height: 830 }).greyscale().raw().toBuffer({ resolveWithObject: true });
      const paperDrawn = page.data.reduce((n, v) => n + v, 0) / page.data.length > 200;
      const inked = Array.from({ length: page.info.height }, (_, y) => page.data.subarray(y * page.info.width, (y + 1) * page.info.width).some((v) => v < 120));
      rows = inked.filter((ink, y) => ink && !inked[y - 1]).length;
      const now = png.toString('base64');
      if (paperDrawn && rows > 0 && now === last) break;
      last = now;
    }
    await shot(paper.page, 'house-archive-pdf', { width: 900 });
    // every printed line is a band of ink of its own (printed over each other, they were three)
    expect(rows).toBeGreaterThanOrEqual(lines - 1);
    await paper.close();
  }, 180_000);
});
