/**
 * The roster import's worker thread: parsing, validating and (on SQLite) applying run here,
 * off the event loop, so the API and the bot keep answering during a city-sized import.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { RosterRow, RowError } from '../../domain/roster';
import { RosterStage } from '../../storage/sqlite/roster-apply';
import { onePerRow, scanRoster } from '../parse-roster-file';
import { readRosterTable } from './read-roster-table';
import { errorToMessage, MAX_LISTED_ERRORS, type WorkerJob, type WorkerMessage } from './roster-worker-protocol';

const post = (m: WorkerMessage) => parentPort!.postMessage(m);

async function run(job: WorkerJob): Promise<void> {
  // bytes cross the thread boundary as a plain Uint8Array: make them a Buffer again
  if ('bytes' in job.source) job.source = { bytes: Buffer.from(job.source.bytes.buffer, job.source.bytes.byteOffset, job.source.bytes.byteLength) };
  const db = job.dbFile ? new Database(job.dbFile) : null;
  try {
    const stage = db ? new RosterStage(db) : null;
    let batch: RosterRow[] = [];
    const errors: RowError[] = [];
    let badRows = 0;
    let processed = 0;
    let lastReport = 0;
    const report = () => {
      const now = Date.now();
      if (now - lastReport < 100) return;
      lastReport = now;
      post({ type: 'progress', phase: 'parse', processed, total: processed });
    };
    const rows = await scanRoster(readRosterTable(job.source, job.limits), {
      row(r) {
        processed += 1;
        if (stage) stage.add(r);
        else if (!errors.length) {
          batch.push(r);
          if (batch.length >= 10_000) { post({ type: 'rows', rows: batch }); batch = []; }
        }
        report();
      },
      error(e) { processed += 1; badRows += 1; if (errors.length < MAX_LISTED_ERRORS) errors.push(e); report(); },
    });
    post({ type: 'progress', phase: 'check', processed: rows, total: rows });
    if (stage) {
      // (parse errors and cross-row ones fall on different rows: a row that fails to parse is never staged)
      const cross = stage.crossCheck(MAX_LISTED_ERRORS);
      for (const e of cross.errors) errors.push(e);
      badRows += cross.rows;
    }
    if (errors.length) { post({ type: 'bad', errors: onePerRow(errors).slice(0, MAX_LISTED_ERRORS), count: badRows }); return; }
    if (!stage) {
      if (batch.length) post({ type: 'rows', rows: batch });
      post({ type: 'parsed' });
      return;
    }
    const result = stage.apply(job.actor, (done, of) => post({ type: 'progress', phase: 'apply', processed: Math.round((rows * done) / of), total: rows }));
    post({ type: 'applied', result });
  } finally {
    db?.close();
  }
}

run(workerData as WorkerJob).catch((e) => post(errorToMessage(e)));
