/**
 * A read-only connection in a worker thread for the street-wide counts (issue 11): at a
 * million houses one count takes seconds, and on the main thread it would stop the bot and
 * the API meanwhile. WAL lets it read what the main connection has committed.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const db = new Database((workerData as { file: string }).file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 30000');
const statements = new Map<string, Database.Statement>();
parentPort!.on('message', (m: { id: number; sql: string; params: Record<string, unknown> }) => {
  try {
    let s = statements.get(m.sql);
    if (!s) {
      s = db.prepare(m.sql);
      statements.set(m.sql, s);
    }
    parentPort!.postMessage({ id: m.id, rows: s.all(m.params) });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: String((e as Error).message ?? e) });
  }
});
