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
import { ensureDashboardBuilt, haveChromium, launchChromium, watchedPage } from '../../test/support/browser';
import { tempDir } from '../../test/support/fixtures';
import { overviewTimesText, timeOverview } from '../../test/support/overview-timing';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { buildStreet } from './street';

const HOUSES = Number(process.env.BENCH_HOUSES ?? 100_000);
const BUDGET_MS = 2000;
/** one page of the register (台账, issue 26): a search or a filter answers within this */
const REGISTER_BUDGET_MS = 1000;

async function main(): Promise<void> {
  if (!haveChromium) throw new Error('bench:dashboard needs Debian\'s chromium at /usr/bin/chromium (apt-get install -y chromium)');
  ensureDashboardBuilt();
  const tmp = tempDir('anxin-bench-dashboard-');
  const store = createSqliteStore({ dataDir: tmp.dir });
  const [, browser] = await Promise.all([buildStreet(store, { houses: HOUSES, period: '2026-11', now: new Date('2026-11-15T02:00:00Z') }), launchChromium()]);
  const f = await appFixture({ store });
  const server = http.createServer(f.server).listen(0, '127.0.0.1');
  try {
    await new Promise((r) => server.once('listening', r));
    const w = await watchedPage(browser, { width: 1280, height: 900 });
    const t = await timeOverview(w.page, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, f.adminToken);
    if (w.problems.length) throw new Error(`the page reported problems: ${JSON.stringify(w.problems).slice(0, 500)}`);
    process.stdout.write(`bench:dashboard — ${overviewTimesText(HOUSES, t)}\n`
      + `  cached render ${t.reload} ms  target < ${BUDGET_MS} ms  ${t.reload < BUDGET_MS ? 'OK' : 'ABOVE TARGET'}\n`);
    // the register: one page each, as staff search it (a rare word scans at most its share and answers with next)
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/register?period=2026-11&limit=50`;
    for (const [what, q] of [['first page', ''], ['a code', `&q=P${String(HOUSES - 5).padStart(7, '0')}`], ['a landlord\'s name (rare)', `&q=${encodeURIComponent('不存在的名字')}`], ['not committed', '&status=uncommitted'], ['overdue hazard', '&status=overdue']] as const) {
      const start = performance.now();
      const r = await fetch(`${base}${q}`, { headers: { Authorization: `Bearer ${f.adminToken}` } });
      const body = (await r.json()) as { items: unknown[]; next: string | null };
      const ms = Math.round(performance.now() - start);
      process.stdout.write(`  register, ${what}: ${ms} ms (${body.items.length} rows${body.next ? ', more' : ''})  target < ${REGISTER_BUDGET_MS} ms  ${ms < REGISTER_BUDGET_MS ? 'OK' : 'ABOVE TARGET'}\n`);
    }
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
    await f.close();
    tmp.cleanup();
  }
}

main().then(() => process.exit(0), (e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
