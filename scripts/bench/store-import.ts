/**
 * npm run bench:store — the roster import at city scale, beside a raw better-sqlite3 load of
 * the same rows in the same run. It runs from the build (dist/), as `npm start` does: the import's
 * threads then load compiled modules, not TypeScript through tsx.
 *   1. a generated 1,000,000-row CSV (BENCH_CSV_ROWS) and a 100,000-row XLSX (BENCH_XLSX_ROWS),
 *      each imported into a fresh SQLite store by the import the API and `npm run import` use
 *      (two worker threads: stream and validate | stage → checks → one transaction), while the real app
 *      serves /healthz, polled every 20 ms;
 *   2. the same rows inserted raw: prepared statements in one transaction, no parsing or checks.
 *      The XLSX (a 3-second import) is measured in 5 pairs of the two (BENCH_XLSX_PAIRS), and the
 *      median ratio judged: on a shared machine one pair's ratio ranged 0.52–0.65 in a row.
 * Prints rows/s and the ratio to raw (target ≥ 0.5×), peak RSS (target < 400 MB for the CSV)
 * and the worst /healthz latency during the import (target < 100 ms), with the import's phases.
 * For both files also the time our reader alone takes to read the file (no checks, no store),
 * and our rate against that read plus the raw load: the raw load starts from rows already
 * parsed, our import from the file.
 *
 * Both files are judged against the raw load alone. For the XLSX, exceljs's streaming parse of
 * the file is timed too, for comparison: with it (the reader the issue first named) the import of
 * 100,000 rows reached 0.20–0.30× raw, its row and cell objects taking most of the time; the
 * import now reads the sheet's XML as bytes (src/services/roster/read-xlsx.ts).
 */
import Database from 'better-sqlite3';
import { createDeps } from '../../src/services/create-deps';
import ExcelJS from 'exceljs';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { apiClient } from '../../src/api-client';
import { systemClock } from '../../src/domain/clock';
import { newId } from '../../src/domain/ids';
import { createApp } from '../../src/http/create-app';
import { createI18n } from '../../src/i18n';
import { readRosterTable } from '../../src/services/roster/read-roster-table';
import { rosterLimits } from '../../src/services/roster/roster-limits';
import { runRosterImport } from '../../src/services/roster/run-roster-import';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { rosterCsvLines } from './generate-roster';

const CSV_ROWS = Number(process.env.BENCH_CSV_ROWS ?? 1_000_000);
const XLSX_ROWS = Number(process.env.BENCH_XLSX_ROWS ?? 100_000);
/** pairs (our import, then the raw load) the XLSX is measured in (BENCH_XLSX_PAIRS) */
const XLSX_PAIRS = Math.max(1, Number(process.env.BENCH_XLSX_PAIRS ?? 5));
const TARGET_RATIO = 0.5;
const TARGET_PEAK_MB = 400;
const TARGET_HEALTHZ_MS = 100;
const MB = 1024 * 1024;

async function writeCsv(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  for (const line of rosterCsvLines(n)) if (!out.write(`${line}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

async function writeXlsx(file: string, n: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet('roster');
  for (const line of rosterCsvLines(n)) ws.addRow(line.split(',')).commit();
  ws.commit();
  await wb.commit();
}

/** The same rows, inserted as plainly as better-sqlite3 allows: the floor to compare with. */
function rawLoad(dir: string, n: number): number {
  createSqliteStore({ dataDir: dir }).close(); // the same schema, migrated
  const db = new Database(path.join(dir, 'anxin.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const now = new Date().toISOString();
  const ins = (table: string, cols: string[]) => db.prepare(`INSERT INTO ${table} (id, createdAt, updatedAt, ${cols.join(', ')}) VALUES (?, ?, ?, ${cols.map(() => '?').join(', ')})`);
  const [community, grid, group, landlord, house] = [ins('communities', ['name']), ins('grids', ['communityId', 'name']), ins('groups', ['communityId', 'gridId', 'name']),
    ins('landlords', ['name', 'phone']), ins('houses', ['code', 'address', 'communityId', 'gridId', 'groupId', 'landlordId', 'tenants', 'rooms', 'isKey'])];
  const setHead = db.prepare('UPDATE groups SET headHouseId = ? WHERE id = ?');
  const ids = new Map<string, string>();
  const idOf = (key: string, make: (id: string) => void) => {
    let id = ids.get(key);
    if (!id) { id = newId(); ids.set(key, id); make(id); }
    return id;
  };
  const t0 = performance.now();
  db.transaction(() => {
    let first = true;
    for (const line of rosterCsvLines(n)) {
      if (first) { first = false; continue; }
      const [c, g, z, code, address, name, phone, tenants, rooms, head] = line.split(',') as string[];
      const cId = idOf(`c${c}`, (id) => community.run(id, now, now, c));
      const gId = idOf(`g${c}\u0000${g}`, (id) => grid.run(id, now, now, cId, g));
      const zId = idOf(`z${c}\u0000${g}\u0000${z}`, (id) => group.run(id, now, now, cId, gId, z));
      const lId = newId();
      landlord.run(lId, now, now, name, phone);
      const hId = newId();
      house.run(hId, now, now, code, address, cId, gId, zId, lId, Number(tenants), Number(rooms), Number(tenants) >= 10 ? 1 : 0);
      if (head) setHead.run(hId, zId);
    }
  })();
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  return n / seconds;
}

/**
 * exceljs's streaming reader alone over the file: every row's values read, nothing checked or
 * stored — the part of the XLSX import that the raw load (which starts from parsed rows) skips.
 */
async function xlsxParseAlone(file: string): Promise<number> {
  const t0 = performance.now();
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(createReadStream(file), { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit', entries: 'ignore' });
  let cells = 0;
  for await (const ws of reader) {
    for await (const row of ws as AsyncIterable<ExcelJS.Row>) cells += (row.values as unknown[]).length;
    break;
  }
  if (cells === 0) throw new Error('no rows parsed');
  return (performance.now() - t0) / 1000;
}

/** Our reader alone (CSV: csv-parse over slices; XLSX: zip checks, sheet XML → rows of cell text), as the import's worker runs it, without checks or store. */
async function ourReadAlone(file: string): Promise<number> {
  const t0 = performance.now();
  let rows = 0;
  for await (const batch of readRosterTable({ path: file }, rosterLimits(statSync(file).size))) rows += batch.length;
  if (rows === 0) throw new Error('no rows read');
  return (performance.now() - t0) / 1000;
}

interface Run { rowsPerS: number; peakMb: number; baseMb: number; worstHealthzMs: number; seconds: number; created: number; phases: { read: number; check: number; apply: number } }

/** Imports `file` into a fresh store while the app answers /healthz every 20 ms. */
async function importRun(dir: string, file: string, rows: number): Promise<Run> {
  const store = createSqliteStore({ dataDir: dir });
  const log = pino({ level: 'silent' });
  const i18n = await createI18n('zh-CN');
  const deps = createDeps({ store, clock: systemClock, log, t: i18n.t.bind(i18n), timeZone: 'Asia/Shanghai', locale: 'zh-CN', notifier: { post: async () => 0 } });
  const app = createApp({ ...deps, demo: false, botStatus: () => ({ puppet: 'none', loggedIn: false }) });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const api = apiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  let worst = 0;
  let done = false;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const probe = (async () => {
    while (!done) {
      const t = performance.now();
      await api.GET('/healthz');
      worst = Math.max(worst, performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const t0 = performance.now();
  const began: Partial<Record<string, number>> = {};
  const result = await runRosterImport(deps, {
    source: { path: file }, size: statSync(file).size, actor: 'bench', onProgress: (p) => { began[p.phase] ??= (performance.now() - t0) / 1000; },
  });
  const seconds = (performance.now() - t0) / 1000;
  const [check, apply] = [began.check ?? seconds, began.apply ?? seconds];
  done = true;
  await probe;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  server.close();
  await store.close();
  return { rowsPerS: rows / seconds, peakMb: peak / MB, baseMb: base / MB, worstHealthzMs: worst, seconds, created: result.created, phases: { read: check, check: apply - check, apply: seconds - apply } };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const verdict = (ok: boolean) => (ok ? 'OK' : 'MISSED');

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anxin-bench-'));
  try {
    const out = [`bench:store — roster import vs a raw better-sqlite3 load (${os.cpus().length} cores, Node ${process.version})`];
    const files = [['CSV ', path.join(dir, 'roster.csv'), CSV_ROWS, writeCsv], ['XLSX', path.join(dir, 'roster.xlsx'), XLSX_ROWS, writeXlsx]] as const;
    for (const [label, file, rows, write] of files) {
      // each file is written just before its run, so the CSV's figures do not carry the XLSX writer's memory
      await write(file, rows);
      // The XLSX's import takes 3 s: a moment's slowdown of a shared machine falls on one side of the ratio alone. It is
      // measured in several pairs (our import, then the raw load), and the pair of the median ratio is shown; memory and
      // /healthz are the worst of all pairs. (The CSV's pair takes a minute, each side long enough to even out.)
      const pairs: { run: Run; raw: number; ratio: number }[] = [];
      for (let i = 0; i < (label === 'XLSX' ? XLSX_PAIRS : 1); i += 1) {
        const run = await importRun(path.join(dir, `import-${label.trim()}-${i}`), file, rows);
        const raw = rawLoad(path.join(dir, `raw-${label.trim()}-${i}`), rows);
        pairs.push({ run, raw, ratio: run.rowsPerS / raw });
        for (const side of ['import', 'raw']) rmSync(path.join(dir, `${side}-${label.trim()}-${i}`), { recursive: true, force: true });
      }
      const { run, raw, ratio } = [...pairs].sort((a, b) => a.ratio - b.ratio)[pairs.length >> 1]!;
      run.peakMb = Math.max(...pairs.map((p) => p.run.peakMb));
      run.worstHealthzMs = Math.max(...pairs.map((p) => p.run.worstHealthzMs));
      const ofPairs = pairs.length > 1 ? ` (the median of ${pairs.length} pairs: ${pairs.map((p) => p.ratio.toFixed(2)).join(', ')})` : '';
      const read = await ourReadAlone(file);
      const share = (t: number) => `${Math.round((100 * t) / run.seconds)}% of our import's time`;
      // (for comparison: the reader the XLSX import had before)
      const exceljs = label === 'XLSX' ? await xlsxParseAlone(file) : 0;
      out.push(
        `  ${label} ${fmt(rows)} rows, ${(statSync(file).size / MB).toFixed(1)} MB: imported in ${run.seconds.toFixed(1)} s (created ${fmt(run.created)})`,
        `       rows/s ${fmt(run.rowsPerS)}  raw ${fmt(raw)}  ratio ${ratio.toFixed(2)}×${ofPairs} (target ≥ ${TARGET_RATIO}×)  ${verdict(ratio >= TARGET_RATIO)}`,
        `       phases: read, validate and stage ${run.phases.read.toFixed(1)} s; checks across rows ${run.phases.check.toFixed(1)} s; apply in one transaction and commit ${run.phases.apply.toFixed(1)} s`,
        `       peak RSS ${fmt(run.peakMb)} MB${ofPairs ? ' (of all pairs)' : ''} (process at the start ${fmt(run.baseMb)} MB)${label === 'CSV ' ? ` (target < ${TARGET_PEAK_MB} MB)  ${verdict(run.peakMb < TARGET_PEAK_MB)}` : ''}`,
        `       worst /healthz ${fmt(run.worstHealthzMs)} ms${ofPairs ? ' (of all pairs)' : ''} (target < ${TARGET_HEALTHZ_MS} ms)  ${verdict(run.worstHealthzMs < TARGET_HEALTHZ_MS)}`,
      );
      if (label === 'XLSX') out.push(`       exceljs's streaming parse alone (the reader before ours) ${exceljs.toFixed(1)} s, ${(exceljs / (rows / raw)).toFixed(2)}× the raw load's whole time`);
      out.push(`       our reader alone ${read.toFixed(1)} s (${fmt(rows / read)} rows/s), ${share(read)}; ours / (our read + raw load) ${((read + rows / raw) / run.seconds).toFixed(2)}×`);
      process.stdout.write(`${out.splice(0).join('\n')}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
