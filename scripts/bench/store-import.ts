/**
 * npm run bench:store — imports a generated 100,000-house roster into a fresh SQLite store
 * (the same path as `POST /import/roster`: CSV bytes → parse → validate → upsert) and
 * reports rows/s and peak memory against the targets (≥ 5,000 rows/s, < 500 MB).
 * Then imports it again (all unchanged), the cost of a monthly re-import.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { systemClock } from '../../src/domain/clock';
import { importRoster } from '../../src/services/import-roster';
import { parseRosterFile } from '../../src/services/parse-roster-file';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';

const HOUSES = Number(process.env.BENCH_HOUSES ?? 100_000);
const TARGET_ROWS_PER_S = 5000;
const TARGET_PEAK_MB = 500;

function generateCsv(n: number): Buffer {
  const chunks: Buffer[] = [];
  let lines = ['社区,网格,联防组,房屋编号,地址,房东姓名,联系电话,租住人数,房间数,户长'];
  for (let i = 0; i < n; i += 1) {
    if (lines.length === 10_000) { chunks.push(Buffer.from(`${lines.join('\n')}\n`, 'utf8')); lines = []; }
    const c = Math.floor(i / 10_000);
    const g = Math.floor(i / 1000);
    const grp = Math.floor(i / 10);
    lines.push(`社区${c},社区${c}第${g}网格,网格${g}联防${grp}组,H${String(i).padStart(7, '0')},社区${c}新村路${i % 500}号,房东${i},1${String(3000000000 + i)},${i % 16},${1 + (i % 9)},${i % 10 === 2 ? '是' : ''}`);
  }
  chunks.push(Buffer.from(lines.join('\n'), 'utf8'));
  return Buffer.concat(chunks);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anxin-bench-'));
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  try {
    const csv = generateCsv(HOUSES);
    const store = createSqliteStore({ dataDir: dir });
    const deps = { store, clock: systemClock, log: pino({ level: 'silent' }), timeZone: 'Asia/Shanghai' };

    const t0 = performance.now();
    let parsed: Awaited<ReturnType<typeof parseRosterFile>> | null = await parseRosterFile(csv);
    const t1 = performance.now();
    if (parsed.errors.length) throw new Error(`generated roster has ${parsed.errors.length} bad rows, first: ${JSON.stringify(parsed.errors[0])}`);
    const first = await importRoster(deps, parsed, { actor: 'bench' });
    const t2 = performance.now();
    parsed = null; // the server holds one upload at a time; so does the bench
    const again = await importRoster(deps, await parseRosterFile(csv), { actor: 'bench' });
    const t3 = performance.now();
    await store.close();
    peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);

    const rate = HOUSES / ((t2 - t0) / 1000);
    const peakMb = peak / 1024 / 1024;
    const out = [
      `bench:store — ${HOUSES.toLocaleString('en')} houses into SQLite (${os.cpus().length} cores, Node ${process.version})`,
      `  parse+validate   ${((t1 - t0) / 1000).toFixed(2)} s`,
      `  first import     ${((t2 - t1) / 1000).toFixed(2)} s  (created ${first.created})`,
      `  rows/s           ${Math.round(rate).toLocaleString('en')}  target ≥ ${TARGET_ROWS_PER_S.toLocaleString('en')}  ratio ${(rate / TARGET_ROWS_PER_S).toFixed(2)}×  ${rate >= TARGET_ROWS_PER_S ? 'OK' : 'BELOW TARGET'}`,
      `  re-import        ${((t3 - t2) / 1000).toFixed(2)} s  (unchanged ${again.unchanged})`,
      `  peak RSS         ${peakMb.toFixed(0)} MB  target < ${TARGET_PEAK_MB} MB  ratio ${(peakMb / TARGET_PEAK_MB).toFixed(2)}  ${peakMb < TARGET_PEAK_MB ? 'OK' : 'ABOVE TARGET'}`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    clearInterval(sampler);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
