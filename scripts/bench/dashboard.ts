/**
 * npm run bench:dashboard — the staff dashboard's overview of a BENCH_HOUSES-house street
 * (default 100,000) in Debian's chromium (issue 13): from the click on 登录 to the street's
 * figures and both charts drawn, first (figures counted cold), on a reload with nothing changed
 * (figures cached; target < 2 s) and on a reload after a change (counted afresh), each also to
 * the six-month trend complete. The flow is the one test/browser/dashboard-scale.test.ts
 * checks for correctness (test/support/overview-timing.ts); the street is built as bench:figures
 * builds it. Needs /usr/bin/chromium.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { appFixture } from '../../test/support/app-fixture';
import { ensureDashboardBuilt, haveChromium, openChromium, watchedPage } from '../../test/support/browser';
import { tempDir } from '../../test/support/fixtures';
import { overviewTimesText, timeOverview } from '../../test/support/overview-timing';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { buildStreet } from './street';

const HOUSES = Number(process.env.BENCH_HOUSES ?? 100_000);
const BUDGET_MS = 2000;
/** one page of the register (台账, issue 26): a search or a filter answers within this */
const REGISTER_BUDGET_MS = 1000;
/** a search as the page asks it, from the click to the first page's worth found (or the end of the street) */
const REGISTER_SEARCH_BUDGET_MS = 2000;

async function main(): Promise<void> {
  if (!haveChromium) throw new Error('bench:dashboard needs Debian\'s chromium at /usr/bin/chromium (apt-get install -y chromium)');
  ensureDashboardBuilt();
  const tmp = tempDir('anxin-bench-dashboard-');
  const store = createSqliteStore({ dataDir: tmp.dir });
  const [, browser] = await Promise.all([buildStreet(store, { houses: HOUSES, period: '2026-11', now: new Date('2026-11-15T02:00:00Z') }), openChromium()]);
  const f = await appFixture({ store });
  const server = http.createServer(f.server).listen(0, '127.0.0.1');
  try {
    await new Promise((r) => server.once('listening', r));
    const w = await watchedPage(browser, { width: 1280, height: 900 });
    const t = await timeOverview(w.page, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, f.adminToken);
    if (w.problems.length) throw new Error(`the page reported problems: ${JSON.stringify(w.problems).slice(0, 500)}`);
    process.stdout.write(`bench:dashboard — ${overviewTimesText(HOUSES, t)}\n`
      + `  cached render ${t.reload} ms  target < ${BUDGET_MS} ms  ${t.reload < BUDGET_MS ? 'OK' : 'ABOVE TARGET'}\n`);
    // the register: each search as staff type it and as the page asks it (on from `next` until a page's worth is found or the end,
    // at most 20 requests): the first request and the whole search are timed; each request is within the budget
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
    const auth = { headers: { Authorization: `Bearer ${f.adminToken}` } };
    const last = HOUSES - 10; // a house near the end of the code order: a search for it looks at the whole street
    const phone = `13${String(100_000_000 + last).slice(-9)}`;
    let worst = 0;
    for (const [what, q] of [
      ['first page', ''], ['a code', `&q=P${String(last + 1).padStart(7, '0')}`], ['a landlord\'s name', `&q=${encodeURIComponent(`房东${last}`)}`],
      ['a phone', `&q=${phone}`], ['a phone\'s last digits', `&q=${phone.slice(-6)}`], ['an address', `&q=${encodeURIComponent(`测试路${last + 1}号`)}`],
      ['a name not there', `&q=${encodeURIComponent('不存在的名字')}`], ['not committed', '&status=uncommitted'], ['overdue hazard', '&status=overdue'],
    ] as const) {
      const start = performance.now();
      let first = 0;
      let slowest = 0;
      let rows = 0;
      let asked = 0;
      for (let after: string | null = null; ;) {
        const t0 = performance.now();
        const r = await fetch(`${base}/register?period=2026-11&limit=50${q}${after ? `&after=${after}` : ''}`, auth);
        if (r.status !== 200) throw new Error(`register ${what} answered ${r.status}: ${await r.text()}`);
        const body = (await r.json()) as { items: unknown[]; next: string | null };
        const ms = performance.now() - t0;
        slowest = Math.max(slowest, ms);
        first ||= ms;
        rows += body.items.length;
        asked += 1;
        after = body.next;
        if (!after || rows >= 50 || asked >= 20) break;
      }
      const all = Math.round(performance.now() - start);
      worst = Math.max(worst, slowest);
      process.stdout.write(`  register, ${what}: first answer ${Math.round(first)} ms, found ${rows} in ${asked} request${asked > 1 ? 's' : ''} ${all} ms (slowest ${Math.round(slowest)} ms)`
        + `  target < ${REGISTER_BUDGET_MS} ms a request, < ${REGISTER_SEARCH_BUDGET_MS} ms in all  ${slowest < REGISTER_BUDGET_MS && all < REGISTER_SEARCH_BUDGET_MS ? 'OK' : 'ABOVE TARGET'}\n`);
      if (/^a (code|landlord|phone|address)/.test(what) && rows === 0) throw new Error(`register, ${what}: found nothing`);
    }
    // the overview's drill-down at its largest level: a community's grids and a grid's groups (one ranking each), a group's houses
    const grid = ((await (await fetch(`${base}/grids?limit=1`, auth)).json()) as { items: { id: string; communityId: string }[] }).items[0]!;
    const group = ((await (await fetch(`${base}/groups?limit=1&gridId=${grid.id}`, auth)).json()) as { items: { id: string }[] }).items[0]!;
    for (const [what, url] of [
      ["a community's grids", `/stats/ranking?period=2026-11&by=grid&limit=1000&scope=community:${grid.communityId}`],
      ["a grid's groups", `/stats/ranking?period=2026-11&by=group&limit=1000&scope=grid:${grid.id}`],
      ["a group's houses", `/register?period=2026-11&limit=200&scope=group:${group.id}`],
    ] as const) {
      const t0 = performance.now();
      const r = await fetch(`${base}${url}`, auth);
      if (r.status !== 200) throw new Error(`${what} answered ${r.status}`);
      await r.json();
      const ms = Math.round(performance.now() - t0);
      process.stdout.write(`  overview drill-down, ${what}: ${ms} ms  target < ${REGISTER_BUDGET_MS} ms  ${ms < REGISTER_BUDGET_MS ? 'OK' : 'ABOVE TARGET'}\n`);
    }
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
    await f.close();
    tmp.cleanup();
  }
}

main().then(() => process.exit(0), (e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
