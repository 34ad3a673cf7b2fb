/**
 * The roster import's worker threads, off the event loop, so the API and the bot keep answering
 * during a city-sized import. On SQLite two of them run as a pipeline: a reader parses and
 * validates the file (the CPU-heavy part: csv-parse or the sheet's XML, and each row's checks) while a
 * stager writes the rows it has already passed into a TEMP table, checks them across rows and
 * applies them in one transaction; on two cores the two halves overlap. On MongoDB one thread
 * reads and sends the valid rows back to the event loop, which writes them through the Store.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { RosterRow, RowError } from '../../domain/roster';
import { RosterStage } from '../../storage/sqlite/roster-apply';
import { onePerRow, scanRoster } from '../parse-roster-file';
import { readRosterTable } from './read-roster-table';
import { errorFromMessage, errorToMessage, MAX_LISTED_ERRORS, type WorkerJob, type WorkerMessage } from './roster-worker-protocol';

const post = (m: WorkerMessage) => parentPort!.postMessage(m);

/** rows a reader sends at once, and batches it may have sent before the stager has taken them (memory stays at a few batches) */
const BATCH = 5000;
/** rows of the first batch: the stager starts on them while the reader's code warms up (the first 5,000 rows took it 0.2 s) */
const FIRST_BATCH = 1000;
const IN_FLIGHT = 3;

/** What the reader sends the stager. */
type ReaderMessage =
  | { type: 'batch'; rows: RosterRow[]; errors: RowError[]; bad: number; estimate: number }
  | { type: 'estimate'; total: number }
  | { type: 'end'; rows: number }
  | Extract<WorkerMessage, { type: 'error' }>;

/** Progress for the parent, at most every 100 ms; `estimate`: the rows the reader expects in all (readRosterTable's `onEstimate`). */
function progressReporter(): (processed: number, estimate: number) => void {
  let last = 0;
  return (processed, estimate) => {
    const now = Date.now();
    if (now - last < 100) return;
    last = now;
    post({ type: 'progress', phase: 'parse', processed, total: Math.max(processed, estimate) });
  };
}

/** The reader of a pipeline: parses and validates, sending rows to the stager in batches of BATCH with at most IN_FLIGHT unanswered. */
async function read(job: WorkerJob, port: MessagePort): Promise<void> {
  let credit = IN_FLIGHT;
  let wake: (() => void) | null = null;
  port.on('message', () => { credit += 1; wake?.(); });
  let rows: RosterRow[] = [];
  let errors: RowError[] = [];
  let bad = 0;
  let listed = 0;
  let estimate = 0;
  let limit = FIRST_BATCH;
  const send = async () => {
    while (credit === 0) await new Promise<void>((r) => { wake = r; });
    wake = null;
    credit -= 1;
    port.postMessage({ type: 'batch', rows, errors, bad, estimate } satisfies ReaderMessage);
    rows = [];
    errors = [];
    bad = 0;
    limit = BATCH;
  };
  let full = false;
  // the first estimate goes ahead of the rows: a sheet's own dimension is known before its first row, and a
  // progress bar showed 0/0 until the first batch was staged
  const onEstimate = (n: number) => { if (!estimate && n > 0) port.postMessage({ type: 'estimate', total: n } satisfies ReaderMessage); estimate = n; };
  const count = await scanRoster(readRosterTable(job.source, job.limits, { onEstimate, merges: job.merges }), {
    row(r) { rows.push(r); if (rows.length >= limit) full = true; },
    error(e) { bad += 1; if (listed < MAX_LISTED_ERRORS) { listed += 1; errors.push(e); } },
  }, async () => { if (full) { full = false; await send(); } });
  await send();
  port.postMessage({ type: 'end', rows: count } satisfies ReaderMessage);
}

/** The stager's side of the pipeline: `onBatch` takes each batch (synchronously), `onEstimate` the reader's first estimate of the rows; settles with the row count, or with what the reader threw. */
function fromReader(port: MessagePort, onBatch: (m: Extract<ReaderMessage, { type: 'batch' }>) => void, onEstimate: (total: number) => void): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let failed = false;
    port.on('message', (m: ReaderMessage) => {
      if (failed) return;
      // (staging a batch may throw: the import's error then, answered as any other, never the thread's uncaught one)
      try {
        if (m.type === 'batch') { onBatch(m); port.postMessage('ack'); } else if (m.type === 'estimate') onEstimate(m.total);
        else if (m.type === 'end') resolve(m.rows);
        else reject(errorFromMessage(m.error));
      } catch (e) {
        failed = true;
        reject(e);
      }
    });
  });
}

async function run(job: WorkerJob): Promise<void> {
  // bytes cross the thread boundary as a plain Uint8Array: make them a Buffer again
  if ('bytes' in job.source) job.source = { bytes: Buffer.from(job.source.bytes.buffer, job.source.bytes.byteOffset, job.source.bytes.byteLength) };
  if (job.role === 'read') return read(job, job.port!);
  const errors: RowError[] = [];
  let badRows = 0;
  let processed = 0;
  const report = progressReporter();
  if (!job.dbFile) {
    // MongoDB: read here, send the valid rows back (none once a row is bad: nothing will be written)
    let batch: RosterRow[] = [];
    let estimate = 0;
    const rows = await scanRoster(readRosterTable(job.source, job.limits, { onEstimate: (n) => { estimate = n; }, merges: job.merges }), {
      row(r) {
        processed += 1;
        if (!errors.length) {
          batch.push(r);
          if (batch.length >= 10_000) { post({ type: 'rows', rows: batch }); batch = []; }
        }
        report(processed, estimate);
      },
      error(e) { processed += 1; badRows += 1; if (errors.length < MAX_LISTED_ERRORS) errors.push(e); report(processed, estimate); },
    });
    post({ type: 'progress', phase: 'check', processed: rows, total: rows });
    if (errors.length) { post({ type: 'bad', errors: onePerRow(errors).slice(0, MAX_LISTED_ERRORS), count: badRows }); return; }
    if (batch.length) post({ type: 'rows', rows: batch });
    post({ type: 'parsed' });
    return;
  }
  const db = new Database(job.dbFile);
  try {
    const stage = new RosterStage(db);
    const rows = await fromReader(job.port!, (m) => {
      stage.add(m.rows);
      for (const e of m.errors) if (errors.length < MAX_LISTED_ERRORS) errors.push(e);
      badRows += m.bad;
      processed += m.rows.length + m.bad;
      report(processed, m.estimate);
    }, (total) => post({ type: 'progress', phase: 'parse', processed, total }));
    job.port!.close();
    post({ type: 'progress', phase: 'check', processed: rows, total: rows });
    // (parse errors and cross-row ones fall on different rows: a row that fails to parse is never staged)
    const cross = stage.crossCheck(MAX_LISTED_ERRORS);
    for (const e of cross.errors) errors.push(e);
    badRows += cross.rows;
    if (errors.length) { post({ type: 'bad', errors: onePerRow(errors).slice(0, MAX_LISTED_ERRORS), count: badRows }); return; }
    const result = stage.apply(job.actor, (done, of) => post({ type: 'progress', phase: 'apply', processed: Math.round((rows * done) / of), total: rows }));
    post({ type: 'applied', result });
  } finally {
    db.close();
  }
}

const job = workerData as WorkerJob;
// a reader's failure goes to its stager, which answers for both
run(job).catch((e) => (job.role === 'read' ? job.port! : parentPort!).postMessage(errorToMessage(e)));
