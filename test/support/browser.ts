import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Download, Page } from 'playwright-core';
import { projectRoot } from '../../src/project-root';
import { artifacts, haveChromium, openChromium } from './chromium';
import { demoApp } from './sim-client';

export { artifacts, CHROMIUM, haveChromium, openChromium } from './chromium';
export const SIZES = [{ width: 390, height: 844 }, { width: 1280, height: 900 }] as const;
/**
 * The two sizes by name. Each page's whole task runs once, at DESKTOP; the phone is walked page by
 * page (every page an admin and a community's staff member see: nothing scrolls sideways, every
 * action on screen) by phone.test.ts, and a file keeps a short PHONE check of only what differs
 * there: the markup a page shows under 600 px alone (components/Rows.vue's cards, the register's,
 * the overview's and the import preview's own) and the actions in it.
 */
export const [PHONE, DESKTOP] = SIZES;

const newest = (dir: string): number => Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => {
  const p = path.join(dir, e.name);
  return e.isDirectory() ? newest(p) : statSync(p).mtimeMs;
}));

/**
 * Builds the dashboard into dist/web when its sources (or the dashboard labels) are newer than
 * the build. Test files running in parallel workers take turns: one builds under a lock file,
 * the others wait for it to finish and find the build fresh.
 */
export function ensureDashboardBuilt(): void {
  const root = projectRoot();
  const index = path.join(root, 'dist', 'web', 'index.html');
  const fresh = () => {
    const sources = Math.max(newest(path.join(root, 'web')), ...['zh-CN', 'en'].map((l) => statSync(path.join(root, 'locales', l, 'dashboard.json')).mtimeMs));
    return existsSync(index) && statSync(index).mtimeMs >= sources;
  };
  if (fresh()) return;
  const lock = path.join(root, 'dist', '.web-build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try { closeSync(openSync(lock, 'wx')); break; } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // a lock left by a build that was killed: taken over after five minutes
      const age = (() => { try { return Date.now() - statSync(lock).mtimeMs; } catch { return 0; } })();
      if (age > 300_000) { rmSync(lock, { force: true }); continue; }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200); // another worker is building: look again
      if (fresh()) return;
    }
  }
  try {
    if (!fresh()) execFileSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.mts', '--logLevel', 'error'], { cwd: root, stdio: 'inherit' });
  } finally { rmSync(lock, { force: true }); }
}

/** (run in the page before its own scripts: a style sheet that stops every transition and animation) */
const NO_MOTION = `(() => {
  const add = () => {
    const s = document.createElement('style');
    s.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
    document.head.appendChild(s);
  };
  if (document.head) add();
  else document.addEventListener('DOMContentLoaded', add);
})();`;

/** A page that records console errors, uncaught exceptions and any dialog (an XSS would open one). */
export async function watchedPage(browser: Browser, size: { width: number; height: number }) {
  // staff sit in China: the browser's clock and calendar are Beijing time, whatever the machine's zone
  const context = await browser.newContext({ viewport: size, timezoneId: 'Asia/Shanghai', locale: 'zh-CN', reducedMotion: 'reduce' });
  // no transitions or animations: a dialog or menu is there at once, not after 300 ms of a fade that the
  // browser (software-rendered here) paints frame by frame and Playwright waits out before each click
  await context.addInitScript({ content: NO_MOTION });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000); // a missing element fails with its selector, before the test's own timeout
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  /** bytes on the wire (as sent, compressed), per URL */
  const transferred: Record<string, number> = {};
  page.on('requestfinished', (r) => { void r.sizes().then((z) => { transferred[r.url()] = z.responseBodySize + z.responseHeadersSize; }, () => undefined); });
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  return { page, problems, dialogs, transferred, close: () => context.close() };
}

export async function shot(page: Page, name: string, size: { width: number }): Promise<void> {
  await page.screenshot({ path: path.join(artifacts, `${name}-${size.width}.png`), fullPage: true });
}

/**
 * The end of a page's test: no markup typed by a person became an element (an injected
 * <img src=x>), a screenshot for the record, no console error, uncaught exception or dialog; the page closed.
 */
export async function endsClean(w: Awaited<ReturnType<typeof watchedPage>>, name: string, size: { width: number }): Promise<void> {
  expect(await w.page.locator('img[src=x]').count()).toBe(0);
  await shot(w.page, name, size);
  expect(w.problems).toEqual([]);
  expect(w.dialogs).toEqual([]);
  await w.close();
}

/** A download's bytes, read through Playwright (the file is the run's Chromium's: `download.path()` refuses a connected browser). */
export async function downloadedBytes(download: Download): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A text field by its data-test name (Element Plus puts the attribute on the input itself). */
export const input = (name: string) => `input[data-test=${name}], textarea[data-test=${name}], [data-test=${name}] input, [data-test=${name}] textarea`;

/** Signs in with a token through the sign-in form's second tab (the token is exchanged for a session cookie). */
export async function signIn(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/#overview`);
  await page.click('.el-tabs__item:has-text("令牌登录"), .el-tabs__item:has-text("With a token")');
  await page.fill(input('token'), token);
  await page.click('[data-test=signin-token]');
  // signed in, or the form's error (which then fails the test by its text)
  await page.waitForSelector('[data-test=nav-overview], [data-test=signin-error]');
  const refused = await page.locator('[data-test=signin-error]').count();
  if (refused) throw new Error(`token sign-in refused: ${await page.textContent('[data-test=signin-error]')}`);
}

/** Signs in with a user name and password through the sign-in form (issue 26). */
export async function signInWithPassword(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/#overview`);
  await page.fill(input('username'), username);
  await page.fill(input('password'), password);
  await page.click('[data-test=signin]');
}

export type DemoApp = Awaited<ReturnType<typeof demoApp>>;

/**
 * A test file's app (as `npm start` composes it, in demo mode) and its connection to the run's
 * Chromium (./chromium.ts), made before the file's tests and closed after them; `ready` hands both
 * over. Returns `describe`, or `describe.skip` (said once) where Debian's chromium is missing.
 */
export function demoInChromium(prefix: string, ready: (app: DemoApp, browser: Browser) => void): jest.Describe {
  if (!haveChromium) console.warn('browser tests SKIPPED: no chromium at /usr/bin/chromium (apt-get install -y chromium)');
  let made: [DemoApp, Browser] | undefined;
  beforeAll(async () => {
    if (!haveChromium) return;
    ensureDashboardBuilt();
    made = await Promise.all([demoApp(prefix), openChromium()]);
    ready(...made);
  }, 180_000);
  afterAll(async () => {
    await made?.[1].close();
    await made?.[0].close();
  });
  return haveChromium ? describe : describe.skip;
}
