import { once } from 'node:events';
import { rmSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { errorFromData } from '../../domain/error-data';
import { DomainError } from '../../domain/errors';
import type { RosterRow, RowError } from '../../domain/roster';
import type { RosterStage, RosterWarning } from '../../storage/roster-stage';
import type { Store } from '../../storage/store';
import type { Deps } from '../deps';
import type { ImportResult } from './import-roster';
import { onePerRow } from './parse-roster-file';
import { isXlsx, readWithMerges, type Reading, type RosterSource } from './read-roster-table';
import type { SheetMerges } from './read-xlsx';
import { overLimit, rosterLimits, DEFAULT_MAX_ROWS } from './roster-limits';
import { importTempDir, spawnRosterWorker, WORKER_HEAP_MB } from './spawn-roster-worker';
import { MAX_LISTED_ERRORS, type ImportPhase, type WorkerJob, type WorkerMessage } from './roster-worker-protocol';

export interface RosterImportResult extends ImportResult {
  warnings: RosterWarning[];
}
/**
 * A dry run's answer (`previewRosterImport`): what importing the file would do, nothing changed.
 * The same reading, checks and warnings as the import: bad rows are listed here rather than thrown.
 */
export interface RosterDryRun {
  /** data rows read */
  rows: number;
  /** houses the import would add (the rest it updates or leaves as they are) */
  created: number;
  /** the first valid rows, as read (PREVIEW_ROWS) */
  first: RosterRow[];
  warnings: RosterWarning[];
  /** bad rows, each counted once (the import would refuse the file); `errors` lists the first of them */
  bad: number;
  errors: RowError[];
}
export interface ImportProgressReport {
  phase: ImportPhase;
  processed: number;
  total: number;
}
export interface RosterImportInput {
  source: RosterSource;
  /** the file's size in bytes (sets the XLSX inflation limit) */
  size: number;
  actor: string;
  maxRows?: number;
  /** the import's time budget (IMPORT_TIME_LIMIT_SECONDS): past it the import fails with `import_timeout` */
  timeLimitMs?: number;
  /** aborted to cancel the import (staff's `DELETE /imports/:id`): it fails with the signal's reason */
  signal?: AbortSignal;
  onProgress?: (p: ImportProgressReport) => void;
}

/**
 * V8's young generation for the thread that reads: a workbook's reader makes short-lived
 * strings per cell (with exceljs, 16 MB made an import of 100,000 rows spend 8.4 s reading
 * against 5.2 s with 32 MB); CSV gains nothing from more and a million rows would take 15–30 MB
 * more of the memory bound.
 */
const YOUNG_MB = { xlsx: 32, csv: 16 };

// one import per store at a time; a second gets 409 rather than interleaving with the first
const running = new WeakSet<Store>();

/** Whether an import is running on this store now. */
export const importRunning = (store: Store): boolean => running.has(store);

/**
 * Imports a roster file, all or nothing, off the event loop: a worker thread parses and
 * validates it as a stream and stages the valid rows in the Store's roster stage as they come
 * (`store.roster`: on SQLite a second thread with a connection of its own, the rows never
 * passing through the event loop); the stage then checks them across rows and applies them
 * with the audit entry and the warnings.
 * Throws `roster_rows` (with every bad row, nothing changed), `import_running`, or what
 * reading the file threw. The store is marked busy synchronously, in the call itself (before
 * any await): a caller that checked `importRunning` just before knows no other import began.
 */
export async function runRosterImport(deps: Deps, input: RosterImportInput): Promise<RosterImportResult> {
  const result = await runStaged(deps, input, applyStaged);
  deps.log.info({ created: result.created, updated: result.updated, warnings: result.warnings.length }, 'roster imported');
  return result;
}

/**
 * The dry run of `runRosterImport`: the same reading thread, stage and checks, then the stage's
 * `preview` instead of its `apply` — nothing is written to the roster and no audit entry made.
 * Bad rows are answered (counted, the first listed), not thrown; a file that cannot be read at
 * all throws as the import does. Takes the same lock (one import or dry run per store at a time).
 */
export function previewRosterImport(deps: Deps, input: Omit<RosterImportInput, 'actor'>): Promise<RosterDryRun> {
  return runStaged(deps, { ...input, actor: 'preview' }, previewStaged);
}

/** What is done with the staged rows once the file is read: `apply` them, or `preview` them. */
type Finish<R> = (stage: RosterStage, read: ReadMessage, input: RosterImportInput, signal: AbortSignal) => Promise<R>;
type ReadMessage = Extract<WorkerMessage, { type: 'read' }>;

const applyStaged: Finish<RosterImportResult> = async (stage, read, input, signal) => {
  input.onProgress?.({ phase: 'check', processed: read.rows, total: read.rows });
  await unlessStopped(refuseBadRows(stage, read), signal);
  if (signal.aborted) throw signal.reason;
  // not raced: stopped, the apply rejects once the stage has stopped (its writes undone on SQLite); one that got
  // to its end first has changed the roster, and says so
  const applied = await stage.apply(input.actor, (done, of) => {
    input.onProgress?.({ phase: 'apply', processed: Math.round((read.rows * done) / of), total: read.rows });
  });
  return { ...applied, errors: [] };
};

const previewStaged: Finish<RosterDryRun> = async (stage, read, input, signal) => {
  input.onProgress?.({ phase: 'check', processed: read.rows, total: read.rows });
  const cross = await unlessStopped(stage.check(MAX_LISTED_ERRORS), signal);
  const p = await unlessStopped(stage.preview(), signal);
  return {
    rows: read.rows,
    created: p.created,
    first: read.first,
    warnings: p.warnings,
    bad: read.bad + cross.rows,
    errors: onePerRow([...read.errors, ...cross.errors]).slice(0, MAX_LISTED_ERRORS),
  };
};

async function runStaged<R>(deps: Deps, input: RosterImportInput, finish: Finish<R>): Promise<R> {
  const { store } = deps;
  if (running.has(store)) throw new DomainError('import_running', 'an import is running');
  running.add(store);
  const budget = new AbortController();
  const seconds = Math.ceil((input.timeLimitMs ?? 0) / 1000);
  const timer = input.timeLimitMs
    ? setTimeout(
        () => budget.abort(new DomainError('import_timeout', `the import passed its ${seconds} s`, { seconds })),
        input.timeLimitMs,
      )
    : undefined;
  const stop = input.signal ? AbortSignal.any([budget.signal, input.signal]) : budget.signal;
  try {
    return await readWithMerges((merges) => importOnce(store, input, merges, stop, finish));
  } catch (e) {
    // stopped: what the reader or the stage threw as they were ended is not the reason (an import that finished
    // as it was stopped returned above: its roster is in)
    if (stop.aborted) {
      deps.log.warn({ reason: (stop.reason as Error).message }, 'roster import stopped');
      throw stop.reason;
    }
    throw e;
  } finally {
    clearTimeout(timer);
    running.delete(store);
  }
}

/**
 * `work` unless `signal` is aborted first: then it rejects with the signal's reason at once
 * (what `work` does after is left to the caller's clean-up: `work` itself goes on being awaited there).
 */
function unlessStopped<R>(work: Promise<R>, signal: AbortSignal): Promise<R> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<R>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function importOnce<R>(
  store: Store,
  input: RosterImportInput,
  merges: SheetMerges | undefined,
  signal: AbortSignal,
  finish: Finish<R>,
): Promise<Reading<R>> {
  if (signal.aborted) throw signal.reason;
  const stage = await store.roster.stage();
  const tmpDir = importTempDir();
  let threadGone: Promise<unknown> = Promise.resolve();
  let reader: Worker | undefined;
  // stopped: the reading thread is ended and the stage stops what it does; `finally` waits for both to be gone
  const onAbort = () => {
    void reader?.terminate();
    stage.abort();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  try {
    const young = (await isXlsx(input.source)) ? YOUNG_MB.xlsx : YOUNG_MB.csv;
    const inlet = stage.inlet();
    const job: WorkerJob = { source: input.source, limits: rosterLimits(input.size, input.maxRows ?? DEFAULT_MAX_ROWS), inlet, merges };
    if (signal.aborted) throw signal.reason;
    const thread = spawnRosterWorker(job, young, tmpDir, [inlet]);
    reader = thread;
    threadGone = once(thread, 'exit').catch(() => undefined);
    const reading = new Promise<Extract<WorkerMessage, { type: 'read' | 'merges' }>>((resolve, reject) => {
      const reader = thread;
      let settled = false;
      const done = (f: () => void) => {
        if (settled) return;
        settled = true;
        void reader.terminate();
        f();
      };
      reader.on('message', (m: WorkerMessage) => {
        if (m.type === 'progress') input.onProgress?.(m);
        else if (m.type === 'error') done(() => reject(errorFromData(m.error)));
        else done(() => resolve(m));
      });
      reader.on('error', (e) =>
        done(() => reject((e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? overLimit('memory', WORKER_HEAP_MB) : e)),
      );
      reader.on('exit', (code) => done(() => reject(new Error(`roster import worker exited (${code}) without an answer`))));
    });
    const read = await unlessStopped(reading, signal);
    if (read.type === 'merges') return { merges: read.merges };
    return { done: await finish(stage, read, input, signal) };
  } finally {
    signal.removeEventListener('abort', onAbort);
    await stage.close();
    // the thread's temp files (a library's spool) go with it, whatever the outcome
    await threadGone;
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

/** Throws `roster_rows` with the bad rows the reader found and those the stage finds across rows, each row once. */
async function refuseBadRows(stage: RosterStage, read: { bad: number; errors: RowError[] }): Promise<void> {
  // (parse errors and cross-row ones fall on different rows: a row that fails to parse is never staged)
  const cross = await stage.check(MAX_LISTED_ERRORS);
  const count = read.bad + cross.rows;
  if (!count) return;
  const errors = onePerRow([...read.errors, ...cross.errors]).slice(0, MAX_LISTED_ERRORS);
  throw new DomainError('roster_rows', `${count} bad rows`, { count }, { errors });
}
