/**
 * The SQLite roster stage's worker thread: a connection of its own to the database file, on
 * which rows are staged in a TEMP table and applied in one transaction (roster-apply.ts), off
 * the event loop. The main thread asks through its parent port (sqlite-roster.ts); a reader on
 * another thread may stage batches straight through an inlet port, without them passing
 * through the main thread.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { errorToData } from '../../domain/error-data';
import type { RosterRow } from '../../domain/roster';
import { RosterStage } from './roster-apply';
import type { StageReply, StageRequest } from './sqlite-roster';

const post = (m: StageReply) => parentPort!.postMessage(m);
const db = new Database((workerData as { file: string }).file, { fileMustExist: true });
const inlets: MessagePort[] = [];
/** what staging a batch from an inlet threw: `check` answers with it */
let failed: unknown = null;

function start(): RosterStage | null {
  try {
    return new RosterStage(db);
  } catch (e) {
    post({ id: 0, error: errorToData(e) }); // (and the thread ends, listening to nothing)
    return null;
  }
}

const stage = start();
if (stage) {
  parentPort!.on('message', (m: StageRequest) => {
    if (m.op === 'inlet') {
      inlets.push(m.port);
      m.port.on('message', (batch: { rows: RosterRow[] }) => {
        if (failed) {
          m.port.postMessage('failed');
          return;
        }
        try {
          stage.add(batch.rows);
          m.port.postMessage('ack');
        } catch (e) {
          failed = e;
          m.port.postMessage('failed');
        }
      });
      return;
    }
    if (m.op === 'close') {
      for (const port of inlets) port.close();
      db.close();
      process.exit(0);
    }
    try {
      if (m.op === 'add') {
        stage.add(m.rows);
        post({ id: m.id, result: null });
      } else if (m.op === 'check') {
        if (failed) throw failed;
        post({ id: m.id, result: stage.crossCheck(m.limit) });
      } else if (m.op === 'preview') {
        if (failed) throw failed;
        post({ id: m.id, result: stage.preview() });
      } else {
        if (failed) throw failed;
        post({ id: m.id, result: stage.apply(m.actor, (done, of) => post({ id: m.id, step: [done, of] })) });
      }
    } catch (e) {
      post({ id: m.id, error: errorToData(e) });
    }
  });
}
