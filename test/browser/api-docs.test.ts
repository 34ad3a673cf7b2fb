/**
 * Issue 15: the browsable API reference at /api/docs loads in a real Chromium (Debian's
 * package, driven by playwright-core) from this app alone: every request the page makes goes
 * to the app's own origin, and the operations of openapi.json are listed.
 */
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/http/create-app';
import { appFixture } from '../support/app-fixture';
import { CHROMIUM, haveChromium, openChromium } from '../support/chromium';

const maybe = haveChromium ? it : it.skip;
if (!haveChromium) console.warn(`[browser] SKIPPED: no Chromium at ${CHROMIUM} (install Debian's chromium package; .ci/run does)`);

maybe('/api/docs shows every operation, with no request leaving the app', async () => {
  const f = await appFixture();
  const app = createApp({ ...f.deps, t: ((k: string) => k) as never, locale: 'zh-CN', demo: false, botStatus: () => ({ puppet: 'none', loggedIn: false }), notifier: { post: async () => 0 } as never });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await openChromium();
  try {
    const page = await browser.newPage();
    const requested: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${origin}/api/docs`);
    await page.waitForSelector('.opblock-summary-path', { timeout: 30_000 });
    const paths = await page.$$eval('.opblock-summary-path', (els) => els.map((e) => e.textContent ?? ''));
    expect(paths.join(' ')).toContain('/api/v1/houses');
    expect(await page.title()).toContain('安心房东');
    expect(requested.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
    server.close();
    await f.close();
  }
}, 180_000);
