/**
 * The roster import's reading thread, off the event loop, so the API and the bot keep answering
 * during a city-sized import: it parses and validates the file (the CPU-heavy part: csv-parse
 * or the sheet's XML, and each row's checks) and stages the valid rows through the Store's
 * roster stage's inlet as it goes. On SQLite the inlet is a port to the stage's own thread, so
 * reading and staging overlap on two cores and the rows never pass through the event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorToData } from '../../domain/error-data';
import type { RosterRow, RowError } from '../../domain/roster';
import { scanRoster } from './parse-roster-file';
import { readRosterTable } from './read-roster-table';
import { MAX_LISTED_ERRORS, PREVIEW_ROWS, type WorkerJob, type WorkerMessage } from './roster-worker-protocol';

const post = (m: WorkerMessage) => parentPort!.postMessage(m);

/** rows sent to the stage at once, and batches that may wait there unstaged (memory stays at a few batches) */
const BATCH = 5000;
/** rows of the first batch: the stage starts on them while the reader's code warms up (the first 5,000 rows took it 0.2 s) */
const FIRST_BATCH = 1000;
const IN_FLIGHT = 3;

/** Progress for the parent, at most every 100 ms (and the first at once); `estimate`: the rows expected in all (readRosterTable's `onEstimate`). */
function progressReporter(): (processed: number, estimate: number) => void {
  let last = 0;
  return (processed, estimate) => {
    const now = Date.now();
    if (now - last < 100) return;
    last = now;
    post({ type: 'progress', phase: 'parse', processed, total: Math.max(processed, estimate) });
  };
}

async function run(job: WorkerJob): Promise<void> {
  // bytes cross the thread boundary as a plain Uint8Array: make them a Buffer again
  if ('bytes' in job.source)
    job.source = { bytes: Buffer.from(job.source.bytes.buffer, job.source.bytes.byteOffset, job.source.bytes.byteLength) };
  const { inlet } = job;
  let credit = IN_FLIGHT;
  /** the stage refused a batch: what it threw is its `check`'s answer, nothing more is sent */
  let stageFailed = false;
  let wake: (() => void) | null = null;
  inlet.on('message', (m: 'ack' | 'failed') => {
    if (m === 'failed') stageFailed = true;
    credit += 1;
    wake?.();
  });
  const credited = async (n: number) => {
    while (credit < n)
      await new Promise<void>((r) => {
        wake = r;
      });
    wake = null;
  };
  let rows: RosterRow[] = [];
  let limit = FIRST_BATCH;
  const send = async () => {
    await credited(1);
    if (!stageFailed && rows.length) {
      credit -= 1;
      inlet.postMessage({ rows });
    }
    rows = [];
    limit = BATCH;
  };
  const errors: RowError[] = [];
  const first: RosterRow[] = [];
  let bad = 0;
  let processed = 0;
  let estimate = 0;
  let full = false;
  const report = progressReporter();
  // the first estimate goes ahead of the rows: a sheet's own dimension is known before its first row, and a
  // progress bar showed 0/0 until the first batch was staged
  const onEstimate = (n: number) => {
    if (!estimate && n > 0) post({ type: 'progress', phase: 'parse', processed, total: n });
    estimate = n;
  };
  const read = await scanRoster(
    readRosterTable(job.source, job.limits, { onEstimate, merges: job.merges }),
    {
      row(r) {
        processed += 1;
        rows.push(r);
        if (first.length < PREVIEW_ROWS) first.push(r);
        if (rows.length >= limit) full = true;
        report(processed, estimate);
      },
      error(e) {
        processed += 1;
        bad += 1;
        if (errors.length < MAX_LISTED_ERRORS) errors.push(e);
        report(processed, estimate);
      },
    },
    async () => {
      if (!full) return;
      full = false;
      await send();
    },
  );
  if ('merges' in read) {
    post({ type: 'merges', merges: read.merges });
    return;
  }
  await send();
  await credited(IN_FLIGHT); // every batch staged
  inlet.close();
  post({ type: 'read', rows: read.done, bad, errors, first });
}

run(workerData as WorkerJob).catch((e) => post({ type: 'error', error: errorToData(e) }));
