import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';
import { DomainError } from '../../domain/errors';
import { crossCheckRoster, ParentNames, type RosterRow, type RowError } from '../../domain/roster';
import type { RosterWarning } from '../../storage/sqlite/roster-apply';
import type { Store } from '../../storage/store';
import type { Deps } from '../deps';
import { importRoster, type ImportResult } from '../import-roster';
import { onePerRow } from '../parse-roster-file';
import { isXlsx, type RosterSource } from './read-roster-table';
import { mergesOf, type SheetMerges } from './read-xlsx';
import { overLimit, rosterLimits, DEFAULT_MAX_ROWS } from './roster-limits';
import { importTempDir, spawnRosterWorker, WORKER_HEAP_MB } from './spawn-roster-worker';
import { errorFromMessage, MAX_LISTED_ERRORS, type ImportPhase, type WorkerJob, type WorkerMessage } from './roster-worker-protocol';

export interface RosterImportResult extends ImportResult { warnings: RosterWarning[] }
export interface ImportProgressReport { phase: ImportPhase; processed: number; total: number }
export interface RosterImportInput {
  source: RosterSource;
  /** the file's size in bytes (sets the XLSX inflation limit) */
  size: number;
  actor: string;
  maxRows?: number;
  onProgress?: (p: ImportProgressReport) => void;
}

/**
 * V8's young generation for the thread that reads: a workbook's reader makes short-lived
 * strings per cell (with exceljs, 16 MB made an import of 100,000 rows spend 8.4 s reading
 * against 5.2 s with 32 MB); CSV gains nothing from more and a million rows would take 15–30 MB
 * more of the memory bound.
 * The stager (on SQLite the reader is a second thread) makes little garbage.
 */
const YOUNG_MB = { xlsx: 32, csv: 16, stager: 8 };

// one import per store at a time; a second gets 409 rather than interleaving with the first
const running = new WeakSet<Store>();

/** Whether an import is running on this store now. */
export const importRunning = (store: Store): boolean => running.has(store);

/**
 * Imports a roster file, all or nothing, off the event loop: a worker thread parses and
 * validates it as a stream; on SQLite a second worker stages the rows as they come and
 * applies them in one transaction with the audit entry (storage/sqlite/roster-apply.ts). On MongoDB the
 * worker sends the valid rows back and `importRoster` writes them through the Store.
 * Throws `roster_rows` (with every bad row, nothing changed), `import_running`, or what
 * reading the file threw. The store is marked busy synchronously, in the call itself (before
 * any await): a caller that checked `importRunning` just before knows no other import began.
 */
export async function runRosterImport(deps: Deps, input: RosterImportInput): Promise<RosterImportResult> {
  const { store } = deps;
  if (running.has(store)) throw new DomainError('import_running', 'an import is running');
  running.add(store);
  try {
    // a workbook whose roster has merged cells is read a second time, those filled in (read-xlsx's `mergedCells`)
    let merges: SheetMerges | undefined;
    for (;;) {
      try {
        return await importOnce(deps, input, merges);
      } catch (e) {
        const found = mergesOf(e);
        if (!found || merges) throw e;
        merges = found;
      }
    }
  } finally {
    running.delete(store);
  }
}

async function importOnce(deps: Deps, input: RosterImportInput, merges: SheetMerges | undefined): Promise<RosterImportResult> {
  const { store } = deps;
  let tmpDir: string | undefined;
  let threadsGone: Promise<void> | undefined;
  try {
    const xlsx = await isXlsx(input.source);
    const readerYoungMb = xlsx ? YOUNG_MB.xlsx : YOUNG_MB.csv;
    const job: WorkerJob = { source: input.source, limits: rosterLimits(input.size, input.maxRows ?? DEFAULT_MAX_ROWS), actor: input.actor, dbFile: store.file, size: input.size, merges };
    const rows: RosterRow[] = [];
    tmpDir = importTempDir();
    const dir = tmpDir;
    const outcome = await new Promise<RosterImportResult | 'parsed'>((resolve, reject) => {
      // on SQLite two threads, the reader's batches going straight to the stager; else one that reads
      const channel = job.dbFile ? new MessageChannel() : null;
      const main = channel
        ? spawnRosterWorker({ ...job, role: 'stage', port: channel.port2 }, YOUNG_MB.stager, dir, [channel.port2])
        : spawnRosterWorker(job, readerYoungMb, dir);
      const reader = channel ? spawnRosterWorker({ ...job, role: 'read', port: channel.port1 }, readerYoungMb, dir, [channel.port1]) : null;
      threadsGone = Promise.all((reader ? [main, reader] : [main]).map((t) => once(t, 'exit').catch(() => undefined))).then(() => undefined);
      let settled = false;
      // (the main thread leaves on its own once it has answered; the reader waits on its port until stopped)
      const done = (f: () => void, failed = true) => {
        if (settled) return;
        settled = true;
        void reader?.terminate();
        if (failed) void main.terminate();
        f();
      };
      main.on('message', (m: WorkerMessage) => {
        switch (m.type) {
          case 'progress': input.onProgress?.(m); break;
          case 'rows': rows.push(...m.rows); break;
          case 'bad': done(() => reject(new DomainError('roster_rows', `${m.count} bad rows`, { count: m.count }, { errors: m.errors }))); break;
          case 'applied': done(() => resolve({ ...m.result, errors: [] }), false); break;
          case 'parsed': done(() => resolve('parsed'), false); break;
          case 'error': done(() => reject(errorFromMessage(m.error))); break;
        }
      });
      for (const thread of reader ? [main, reader] : [main]) {
        thread.on('error', (e) => done(() => reject((e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? overLimit('memory', WORKER_HEAP_MB) : e)));
        thread.on('exit', (code) => done(() => reject(new Error(`roster import worker exited (${code}) without an answer`))));
      }
    });
    if (outcome !== 'parsed') {
      deps.log.info({ created: outcome.created, updated: outcome.updated, warnings: outcome.warnings.length }, 'roster imported');
      return outcome;
    }
    const errors = onePerRow([...crossCheckRoster(rows), ...(await parentErrors(store, rows))]);
    if (errors.length) throw new DomainError('roster_rows', `${errors.length} bad rows`, { count: errors.length }, { errors: errors.slice(0, MAX_LISTED_ERRORS) });
    input.onProgress?.({ phase: 'apply', processed: 0, total: rows.length });
    const r = await importRoster(deps, { rows, errors: [] }, { actor: input.actor, onProgress: (p) => input.onProgress?.({ phase: 'apply', processed: p.done, total: p.total }) });
    return { ...r, warnings: [] };
  } finally {
    // the threads' temp files (a spooled worksheet) go with them, whatever the outcome
    if (tmpDir) {
      await threadsGone;
      rmSync(tmpDir, { recursive: true, force: true });
    }
  }
}

/** Rows naming a grid or group of another community (`ParentNames`), against the store's grids and groups. */
async function parentErrors(store: Store, rows: readonly RosterRow[]): Promise<RowError[]> {
  const names = new ParentNames();
  const community = new Map((await store.communities.find({})).map((c) => [c.id, c.name]));
  const grids = await store.grids.find({}, { sort: { createdAt: 1 } });
  const grid = new Map(grids.map((g) => [g.id, g.name]));
  for (const g of grids) names.knownGrid(community.get(g.communityId) ?? '', g.name);
  for (const g of await store.groups.find({}, { sort: { createdAt: 1 } })) names.knownGroup(community.get(g.communityId) ?? '', grid.get(g.gridId) ?? '', g.name);
  const errors: RowError[] = [];
  for (const r of rows) {
    const message = names.check(r);
    if (message) errors.push({ row: r.row, message });
  }
  return errors;
}
