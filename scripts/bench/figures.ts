/**
 * npm run bench:figures — the figures at city scale (issue 11), in one run, over a street of
 * BENCH_HOUSES houses (default 100,000; try 1000000): every house committed, a submission
 * each (70% approved), a hazard for every tenth house (2,000 per 100,000 overdue).
 *
 * Printed, each beside its baseline where it has one:
 * - GET /stats?scope=street over HTTP at 50 connections (autocannon): p50/p99 and req/s,
 *   against the same counts done by raw better-sqlite3 in a bare Koa route (target: p99 < 50 ms
 *   and ≥ 0.5× the raw req/s). Ours reuses a count while the store's revision says nothing
 *   changed, so the uncounted cost is printed too: one recount, ours vs raw SQL, in process;
 * - GET /stats/ranking?scope=street&by=grid (target p99 < 100 ms);
 * - GET /houses: the first page and a page at the end by `after` (target: within 2×);
 * - GET /reports/monthly.xlsx for the whole street: time (< 10 s), peak RSS (< 300 MB), and
 *   the file read back (sheets = communities + 1, rows = /stats houses).
 * - issue 29, figures kept: with a writer landing 20 changes a second (reviews, hazards
 *   closed and reopened, commitments), GET /stats p99 reading the kept counters beside the
 *   recount it replaces (target p99 < 50 ms), and the verifying recount's time (target < 10 s
 *   at 1,000,000) with GET /healthz's worst latency meanwhile (target < 100 ms). BENCH_ONLY_KEPT=1
 *   prints this part alone (for BENCH_HOUSES=1000000).
 */
import { createDeps } from '../../src/services/create-deps';
import { createTranslator } from '../../src/i18n';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import Koa from 'koa';
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pino from 'pino';
import { apiClient } from '../../src/api-client';
import { systemClock } from '../../src/domain/clock';
import { createApp } from '../../src/http/create-app';
import { ensureAdmin } from '../../src/services/setup/ensure-admin';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import type { Store } from '../../src/storage/store';
import { buildStreet } from './street';

const HOUSES = Number(process.env.BENCH_HOUSES ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
/** the kept /stats and the recount it replaces are loaded at this many connections (the issue's baseline: 10) */
const KEPT_CONNECTIONS = Number(process.env.BENCH_KEPT_CONNECTIONS ?? 10);
const PERIOD = '2026-11';
const log = pino({ level: 'silent' });
/** The counts of /stats for the whole street as one raw better-sqlite3 query: the baseline. */
function rawStats(db: Database.Database) {
  const houses = db.prepare(`SELECT COUNT(*) AS houses, SUM(isKey) AS keyHouses,
      SUM(EXISTS (SELECT 1 FROM commitments c WHERE c.houseId = h.id AND c.letterVersion = 1)) AS committed,
      SUM(EXISTS (SELECT 1 FROM submissions s WHERE s.houseId = h.id AND s.period = ? AND s.status IN ('complete','approved'))) AS submitted,
      SUM(EXISTS (SELECT 1 FROM submissions s WHERE s.houseId = h.id AND s.period = ? AND s.status = 'approved')) AS approved,
      SUM(EXISTS (SELECT 1 FROM commitments c WHERE c.houseId = h.id AND c.letterVersion = 1)
        AND EXISTS (SELECT 1 FROM submissions s WHERE s.houseId = h.id AND s.period = ? AND s.status = 'approved')
        AND NOT EXISTS (SELECT 1 FROM hazards z WHERE z.houseId = h.id AND z.status IN ('open','rectified') AND +z.deadline < ?)) AS compliant
    FROM houses h`);
  const hazards = db.prepare(`SELECT COUNT(*) AS open, SUM(deadline < ?) AS overdue FROM hazards WHERE status IN ('open','rectified')`);
  return () => {
    const now = new Date().toISOString();
    return { ...(houses.get(PERIOD, PERIOD, PERIOD, now) as object), ...(hazards.get(now) as object) };
  };
}

async function cannon(url: string, headers: Record<string, string> = {}, connections = 50) {
  const r = await autocannon({ url, connections, duration: SECONDS, headers });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx, total: r.requests.total };
}
const listen = (app: Koa) =>
  new Promise<{ url: string; close: () => void }>((resolve) => {
    const server = app.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }),
    );
  });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
const verdict = (ok: boolean) => (ok ? 'OK' : 'BELOW TARGET');
const step = (what: string) => {
  if (process.env.BENCH_VERBOSE) process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${what}\n`);
};

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anxin-bench-figures-'));
  try {
    const store = createSqliteStore({ dataDir: dir });
    const t0 = performance.now();
    const street = await buildStreet(store, { houses: HOUSES, period: PERIOD, now: new Date('2026-11-15T02:00:00Z') });
    step('built');
    console.log(
      `bench:figures — ${HOUSES.toLocaleString('en')} houses (${street.communities} communities, ${street.grids} grids, ${street.groups.toLocaleString('en')} groups), ${HOUSES.toLocaleString('en')} commitments and submissions (70% approved), ${(HOUSES / 10).toLocaleString('en')} hazards (${(HOUSES / 50).toLocaleString('en')} overdue); built in ${((performance.now() - t0) / 1000).toFixed(1)} s; Node ${process.version}`,
    );

    const deps = createDeps({ store, clock: systemClock, log, timeZone: 'Asia/Shanghai', t: createTranslator('zh-CN'), locale: 'zh-CN' });
    const admin = await ensureAdmin(deps, { dataDir: dir });
    const app = createApp({ ...deps, demo: false, botStatus: () => ({ puppet: 'none', loggedIn: false }) });
    const ours = await listen(app as unknown as Koa);
    const auth = { authorization: `Bearer ${admin.token!}` };

    await keptUnderWriter(store, dir, auth);
    if (process.env.BENCH_ONLY_KEPT) {
      ours.close();
      await store.close();
      return;
    }

    const raw = new Database(path.join(dir, 'anxin.db'), { readonly: true });
    const rawQuery = rawStats(raw);
    const bare = new Koa();
    bare.use((ctx) => {
      ctx.body = rawQuery();
    });
    const baseline = await listen(bare);

    // one recount, in process: our store's SQL against the raw query (no cache either side)
    step('recount');
    const recount: number[] = [];
    const rawOnce: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      let s = performance.now();
      await store.figures({ where: {}, by: 'all', period: PERIOD, letterVersion: 1, now: new Date() });
      recount.push(performance.now() - s);
      s = performance.now();
      rawQuery();
      rawOnce.push(performance.now() - s);
    }

    // the first answer after a change recounts (printed above as "one recount"); the load below is the steady state
    const cold = performance.now();
    const api = apiClient(ours.url, { token: admin.token! });
    await Promise.all([
      api.GET('/api/v1/stats', { params: { query: { scope: 'street', period: PERIOD } } }),
      api.GET('/api/v1/stats/ranking', { params: { query: { scope: 'street', by: 'grid', period: PERIOD } } }),
    ]);
    const coldMs = performance.now() - cold;
    step('stats');
    const stats = await cannon(`${ours.url}/api/v1/stats?scope=street&period=${PERIOD}`, auth);
    step('ranking');
    const ranking = await cannon(`${ours.url}/api/v1/stats/ranking?scope=street&by=grid&period=${PERIOD}`, auth);
    step('houses');
    const first = await cannon(`${ours.url}/api/v1/houses?limit=50&total=0`, auth);
    const cursor = Buffer.from(JSON.stringify(street.lastIds[street.lastIds.length - 51])).toString('base64url');
    const deep = await cannon(`${ours.url}/api/v1/houses?limit=50&total=0&after=${cursor}`, auth);

    // the monthly report of the whole street, from the app in a process of its own (its RSS is the server's alone)
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'figures-server.ts')], {
      env: { ...process.env, DATA_DIR: dir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let said = '';
    child.stdout!.on('data', (d) => {
      said += d;
    });
    while (!/PORT \d+/.test(said)) await new Promise((r) => setTimeout(r, 50));
    const port = /PORT (\d+) START (\d+)/.exec(said)!;
    const file = path.join(dir, 'report.xlsx');
    const rs = performance.now();
    const res = await apiClient(`http://127.0.0.1:${port[1]}`, { token: admin.token! }).GET('/api/v1/reports/monthly.xlsx', {
      params: { query: { scope: 'street', period: PERIOD } },
      parseAs: 'stream',
    });
    if (!res.response.ok || !res.data) throw new Error(`the report answered ${res.response.status}`);
    await pipeline(res.data as unknown as NodeJS.ReadableStream, createWriteStream(file));
    const reportS = (performance.now() - rs) / 1000;
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGTERM');
    await exited;
    const peak = Number(/PEAK (\d+)/.exec(said)![1]);
    const before = Number(port[2]);
    const statsBody = (await api.GET('/api/v1/stats', { params: { query: { scope: 'street', period: PERIOD } } })).data!;
    // the raw baseline last: requests it leaves queued (it is slow) would otherwise block the others' measurements
    step('baseline');
    const base = await cannon(`${baseline.url}/`);
    step('read back');
    let sheets = 0;
    let houseRows = 0;
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
      worksheets: 'emit',
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'ignore',
      entries: 'ignore',
    });
    for await (const ws of reader) {
      sheets += 1;
      let rows = 0;
      for await (const _row of ws) rows += 1;
      if (sheets > 1) houseRows += rows - 1;
    }

    console.log(
      `  GET /stats (street)     ours ${Math.round(stats.rps).toLocaleString('en')} req/s  p50 ${ms(stats.p50)}  p99 ${ms(stats.p99)}  |  raw better-sqlite3 in bare Koa ${Math.round(base.rps).toLocaleString('en')} req/s  p99 ${ms(base.p99)}  |  ${(stats.rps / base.rps).toFixed(2)}× raw  target p99 < 50 ms and ≥ 0.5× raw: ${verdict(stats.p99 < 50 && stats.rps >= 0.5 * base.rps)}`,
    );
    console.log(
      `    one recount, uncached  ours ${ms(median(recount))}  raw ${ms(median(rawOnce))}  (${(median(rawOnce) / median(recount)).toFixed(2)}× raw speed); first /stats + ranking after a change ${ms(coldMs)}; a count is reused until a write or a hazard deadline changes it`,
    );
    console.log(
      `  GET /stats/ranking?by=grid  ${Math.round(ranking.rps).toLocaleString('en')} req/s  p99 ${ms(ranking.p99)}  target p99 < 100 ms: ${verdict(ranking.p99 < 100)}`,
    );
    console.log(
      `  GET /houses             first page p50 ${ms(first.p50)} (${Math.round(first.rps).toLocaleString('en')} req/s)  last page by after= p50 ${ms(deep.p50)} (${Math.round(deep.rps).toLocaleString('en')} req/s)  ${(first.rps / deep.rps).toFixed(2)}× slower  target within 2×: ${verdict(deep.rps * 2 >= first.rps)}`,
    );
    console.log(
      `  monthly.xlsx            ${reportS.toFixed(1)} s, ${(statSync(file).size / 1e6).toFixed(1)} MB, server peak RSS ${Math.round(peak / 1e6)} MB (${Math.round(before / 1e6)} MB at start); read back: ${sheets} sheets (communities + 1 = ${street.communities + 1}), ${houseRows.toLocaleString('en')} house rows (/stats: ${statsBody.houses.toLocaleString('en')})  target < 10 s and < 300 MB: ${verdict(reportS < 10 && peak < 300e6 && sheets === street.communities + 1 && houseRows === statsBody.houses)}`,
    );
    const errors = stats.errors + base.errors + ranking.errors + first.errors + deep.errors;
    if (errors) console.log(`  ${errors} requests failed`);
    ours.close();
    baseline.close();
    raw.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A writer landing `perSecond` changes a second that move the street's figures, until stopped. */
function writer(store: Store, perSecond: number) {
  let n = 0;
  let failed = 0;
  let busy = 0;
  const tick = async () => {
    n += 1;
    // a review, a return, a hazard closed or reopened, a commitment withdrawn or made again
    const code = `P${String(1 + ((n * 7919) % HOUSES)).padStart(7, '0')}`;
    const h = await store.houses.findOne({ code });
    if (!h) return;
    switch (n % 4) {
      case 0:
      case 1:
        await store.submissions.updateWhere({ houseId: h.id, period: PERIOD }, { status: n % 4 === 0 ? 'approved' : 'returned' });
        break;
      case 2: {
        const z = await store.hazards.findOne({ houseId: h.id });
        if (z) await store.hazards.update(z.id, { status: z.status === 'closed' ? 'open' : 'closed' });
        break;
      }
      default: {
        const c = await store.commitments.findOne({ houseId: h.id });
        if (c) await store.commitments.delete(c.id);
        else
          await store.commitments.insert({
            communityId: h.communityId,
            gridId: h.gridId,
            groupId: h.groupId,
            houseId: h.id,
            houseCode: h.code,
            letterVersion: 1,
            landlordId: h.landlordId,
            contactId: null,
            messageId: null,
            at: new Date(),
          });
      }
    }
  };
  const timer = setInterval(() => {
    busy += 1;
    tick()
      .catch(() => {
        failed += 1;
      })
      .finally(() => {
        busy -= 1;
      });
  }, 1000 / perSecond);
  return {
    stop: () => clearInterval(timer),
    get writes() {
      return n;
    },
    get failed() {
      return failed;
    },
    get busy() {
      return busy;
    },
  };
}

/** The app in a process of its own over `dir` (the bench's writer and autocannon stay out of its event loop). */
async function server(dir: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'figures-server.ts')], { env: { ...process.env, DATA_DIR: dir, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let said = '';
  const waiting: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  child.stdout!.on('data', (d) => {
    said += d;
    for (const w of [...waiting]) {
      const m = w.re.exec(said);
      if (m) { waiting.splice(waiting.indexOf(w), 1); w.resolve(m); }
    }
  });
  const said_ = (re: RegExp) => new Promise<RegExpExecArray>((resolve) => { const m = re.exec(said); if (m) resolve(m); else waiting.push({ re, resolve }); });
  const port = (await said_(/PORT (\d+)/))[1];
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    said: said_,
    /** the server's CPU time so far (ms): what its requests cost, whatever else the machine runs */
    async cpu() {
      const from = said.length;
      child.kill('SIGUSR1');
      return Number((await new Promise<RegExpExecArray>((resolve) => {
        const look = () => { const m = /CPU (\d+)/.exec(said.slice(from)); if (m) resolve(m); else child.stdout!.once('data', () => setImmediate(look)); };
        look();
      }))[1]);
    },
    async stop() { const exited = new Promise((r) => child.on('exit', r)); child.kill('SIGTERM'); await exited; },
  };
}

/**
 * Issue 29: /stats reading the kept counters against /stats recounting (the counters switched
 * off), with the writer landing 20 changes a second from another connection; then the
 * verifying recount in the server with /healthz asked one after another meanwhile.
 */
async function keptUnderWriter(store: Store, dir: string, auth: Record<string, string>) {
  step('keep');
  const t = performance.now();
  await store.kept!.keep(PERIOD, 1, new Date());
  const keepS = (performance.now() - t) / 1000;
  const w = writer(store, 20);
  const path_ = `/api/v1/stats?scope=street&period=${PERIOD}`;
  step('kept /stats');
  const kept = await server(dir, {});
  const cpu0 = await kept.cpu();
  // 10 connections, as the issue's "p99 469 ms at 10 concurrent" was measured (on 2 cores, 50 connections measure the queue)
  const ours = await cannon(`${kept.url}${path_}`, auth, KEPT_CONNECTIONS);
  const keptCpu = ((await kept.cpu()) - cpu0) / ours.total;
  const writesKept = w.writes;

  step('verify');
  let worst = 0;
  let asked = 0;
  let verifying = true;
  const health = (async () => {
    while (verifying) {
      const s0 = performance.now();
      const res = await fetch(`${kept.url}/healthz`);
      await res.arrayBuffer();
      worst = Math.max(worst, performance.now() - s0);
      asked += 1;
    }
  })();
  kept.child.kill('SIGUSR2');
  const [, verifyMs, drifted, loopMax] = await kept.said(/VERIFIED (\d+) (\d+) (\d+)/);
  verifying = false;
  await health;
  await kept.stop();

  // the same with the counters switched off: every answer after a write is the recount the counters replace
  step('recount /stats');
  const recounting = await server(dir, { KEPT: '0' });
  const before = w.writes;
  const rcpu0 = await recounting.cpu();
  const recount = await cannon(`${recounting.url}${path_}`, auth, KEPT_CONNECTIONS);
  const recountCpu = ((await recounting.cpu()) - rcpu0) / Math.max(1, recount.total);
  const writesRecount = w.writes - before;
  await recounting.stop();
  w.stop();
  // the kept figures equal a recount at the end (the writer's changes included)
  const q = { where: {}, by: 'all' as const, period: PERIOD, letterVersion: 1, now: new Date() };
  const equal = JSON.stringify(await store.kept!.read(q)) === JSON.stringify(await store.figures(q));
  const verifyS = Number(verifyMs) / 1000;
  console.log(`  issue 29, figures kept (the month's counters rebuilt in ${keepS.toFixed(1)} s); the server in a process of its own, a writer in another connection landing 20 changes/s; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores:`);
  console.log(`    GET /stats (street, ${KEPT_CONNECTIONS} connections)  kept ${Math.round(ours.rps).toLocaleString('en')} req/s  p50 ${ms(ours.p50)}  p99 ${ms(ours.p99)}  (${writesKept} writes)  |  recounting ${Math.round(recount.rps).toLocaleString('en')} req/s  p50 ${ms(recount.p50)}  p99 ${ms(recount.p99)}  (${writesRecount} writes${recount.errors ? `, ${recount.errors} requests timed out or failed` : ''})  target p99 < 50 ms: ${verdict(ours.p99 < 50)}; kept = recount at the end: ${equal ? 'yes' : 'NO'}${w.failed ? `; ${w.failed} writes failed` : ''}${ours.errors ? `; ${ours.errors} kept requests failed` : ''}`);
  console.log(`    the server's CPU per /stats answered (main thread and workers): kept ${keptCpu.toFixed(1)} ms, recounting ${recountCpu.toFixed(1)} ms`);
  console.log(`    verifying recount    ${verifyS.toFixed(1)} s, ${drifted} places drifted  |  GET /healthz meanwhile: ${asked} asked, worst ${ms(worst)}; the server's event loop delayed at most ${loopMax} ms  target < 10 s and /healthz < 100 ms: ${verdict(verifyS < 10 && worst < 100)}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
