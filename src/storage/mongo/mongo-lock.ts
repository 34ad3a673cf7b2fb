import type { Connection } from 'mongoose';
import { newId } from '../../domain/ids';

/** How long a lock holds if its process dies without releasing it. */
export const LOCK_LEASE_MS = 120_000;
const local = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` while holding a named lock shared by every process on the database (a document
 * in `locks`, taken by an upsert that only matches an expired lease, so two takers collide
 * on `_id`). Callers in this process queue behind each other without polling; another
 * process's holder is waited for with a short back-off, or until its lease runs out.
 */
export function withMongoLock<R>(conn: Connection, name: string, fn: () => Promise<R>): Promise<R> {
  const prev = local.get(name) ?? Promise.resolve();
  const run = prev.catch(() => undefined).then(() => holding(conn, name, fn));
  const tail = run.catch(() => undefined);
  local.set(name, tail);
  void tail.then(() => {
    if (local.get(name) === tail) local.delete(name);
  });
  return run;
}

async function holding<R>(conn: Connection, name: string, fn: () => Promise<R>): Promise<R> {
  const locks = conn.collection<{ _id: string; holder: string; until: Date }>('locks');
  const holder = newId(Date.now());
  for (let wait = 5; ; wait = Math.min(wait * 2, 250)) {
    const now = new Date();
    try {
      await locks.updateOne(
        { _id: name, until: { $lt: now } },
        { $set: { holder, until: new Date(now.getTime() + LOCK_LEASE_MS) } },
        { upsert: true },
      );
      break;
    } catch (e) {
      if ((e as { code?: number }).code !== 11000) throw e;
    }
    await new Promise((r) => setTimeout(r, wait));
  }
  // renewed while held, so a long import keeps it; a dead process stops renewing and loses it
  const renew = setInterval(() => {
    void locks.updateOne({ _id: name, holder }, { $set: { until: new Date(Date.now() + LOCK_LEASE_MS) } }).catch(() => undefined);
  }, LOCK_LEASE_MS / 3);
  renew.unref();
  try {
    return await fn();
  } finally {
    clearInterval(renew);
    await locks.deleteOne({ _id: name, holder }).catch(() => undefined);
  }
}
