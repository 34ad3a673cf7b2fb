/**
 * Group commit on a real SQLite file: writes of one turn share a transaction, each
 * settles only once on disk, a failing write fails alone, a failing commit fails its
 * whole batch, and two connections in one process take turns without blocking.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { open as openFile } from 'node:fs/promises';
import { GroupCommit } from '../../src/storage/sqlite/group-commit';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { tempDir } from '../support/fixtures';

let tmp: ReturnType<typeof tempDir>;
let file: string;
const open = (): Database.Database => {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  return db;
};
let db: Database.Database;
let other: Database.Database;
let commits: number;
let gc: GroupCommit;

beforeEach(() => {
  tmp = tempDir();
  file = path.join(tmp.dir, 'gc.db');
  db = open();
  db.exec(`CREATE TABLE t (id TEXT PRIMARY KEY, v INT);
    CREATE TABLE parent (id TEXT PRIMARY KEY);
    CREATE TABLE child (id TEXT PRIMARY KEY, parentId TEXT REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);`);
  other = open();
  commits = 0;
  const exec = db.exec.bind(db);
  db.exec = (sql: string) => { if (sql === 'COMMIT') commits += 1; return exec(sql); };
  gc = new GroupCommit(db, 2000);
});
afterEach(() => {
  gc.close();
  db.close();
  other.close();
  tmp.cleanup();
});

const insert = (id: string, v = 1) => gc.write(() => db.prepare('INSERT INTO t (id, v) VALUES (?, ?)').run(id, v).changes);
const seenByOther = (id: string) => other.prepare('SELECT COUNT(*) AS n FROM t WHERE id = ?').get(id) as { n: number };

describe('GroupCommit', () => {
  it('puts the writes of one turn in one commit, and settles each only once it is committed', async () => {
    const writes = Array.from({ length: 100 }, (_, i) => insert(`k${i}`));
    expect(seenByOther('k0').n).toBe(0); // not yet committed: another connection cannot see it
    let settledEarly = false;
    void writes[0]!.then(() => { settledEarly = seenByOther('k0').n === 0; });
    expect(await Promise.all(writes)).toEqual(Array(100).fill(1));
    expect(settledEarly).toBe(false);
    expect(commits).toBe(1);
    expect((other.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n).toBe(100);
  });

  it('fails a write that breaks a constraint alone; the rest of its batch commits', async () => {
    await insert('taken');
    const results = await Promise.allSettled([insert('a'), insert('taken'), insert('b')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.code).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect(seenByOther('a').n + seenByOther('b').n).toBe(2);
  });

  it('rejects every write of a batch whose commit fails, keeps none of it, and goes on with the next', async () => {
    const results = await Promise.allSettled([
      insert('before'),
      gc.write(() => db.prepare('INSERT INTO child (id, parentId) VALUES (?, ?)').run('c1', 'no-such-parent').changes),
      insert('after'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.code).toBe('SQLITE_CONSTRAINT_FOREIGNKEY');
    expect(seenByOther('before').n + seenByOther('after').n).toBe(0);
    expect(db.inTransaction).toBe(false);
    await expect(insert('next')).resolves.toBe(1);
    expect(seenByOther('next').n).toBe(1);
  });

  it('lets a second connection of the same process wait its turn instead of blocking the event loop', async () => {
    const second = new GroupCommit(other, 2000);
    try {
      const mine = insert('first');
      // the first connection holds the write lock for this turn; the second queues
      const theirs = second.write(() => other.prepare('INSERT INTO t (id, v) VALUES (?, ?)').run('second', 2).changes);
      await expect(Promise.all([mine, theirs])).resolves.toEqual([1, 1]);
      expect((db.prepare('SELECT v FROM t WHERE id = ?').get('second') as { v: number }).v).toBe(2);
    } finally {
      second.close();
    }
  });

  it('gives up with SQLITE_BUSY when another connection keeps the lock past the timeout', async () => {
    const impatient = new GroupCommit(other, 50);
    db.exec('BEGIN IMMEDIATE'); // held outside any batch, and never let go during the wait
    try {
      await expect(impatient.write(() => other.prepare('INSERT INTO t (id, v) VALUES (?, ?)').run('x', 1).changes)).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    } finally {
      db.exec('ROLLBACK');
      impatient.close();
    }
  });

  describe('atomically', () => {
    const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

    it('puts every write of a unit in one commit, however many turns it spans, and settles once that is durable', async () => {
      let insideSettled = false;
      const unit = gc.atomically(async () => {
        await insert('u1');
        insideSettled = true; // a write inside a unit settles when made…
        await later(20);
        await insert('u2');
        expect(seenByOther('u1').n).toBe(0); // …and is not committed while the unit runs
        return 'ok';
      });
      await later(5);
      expect(insideSettled).toBe(true);
      expect(await unit).toBe('ok');
      expect(seenByOther('u1').n + seenByOther('u2').n).toBe(2);
      expect(commits).toBe(1);
    });

    it('holds a due batch for the units in it, and lets no new unit in, so the batch still commits', async () => {
      const order: string[] = [];
      const a = gc.atomically(async () => { await insert('a'); await later(30); }).then(() => order.push('a durable'));
      const plain = insert('plain').then(() => order.push('plain durable'));
      await later(10); // the batch is due now and waits for a
      const b = gc.atomically(async () => { await insert('b'); await later(80); }).then(() => order.push('b durable'));
      await Promise.all([a, plain]);
      expect([...order].sort()).toEqual(['a durable', 'plain durable']); // one commit, and a did not wait for b
      expect(seenByOther('b').n).toBe(0);
      await b;
      expect(order.at(-1)).toBe('b durable');
      expect(commits).toBe(2);
    });

    it('does not let a unit that never ends stall the store: past maxHoldMs its batch commits anyway', async () => {
      const patient = new GroupCommit(other, 2000, 50);
      try {
        void patient.atomically(async () => { await patient.write(() => other.prepare('INSERT INTO t (id, v) VALUES (?, ?)').run('stuck', 1)); await new Promise(() => undefined); });
        const t0 = Date.now();
        await patient.write(() => other.prepare('INSERT INTO t (id, v) VALUES (?, ?)').run('plain', 1));
        expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
        expect((db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n).toBe(2);
      } finally {
        patient.close();
      }
    });

    it('passes an error on, keeping the writes made before it', async () => {
      await expect(gc.atomically(async () => { await insert('kept'); throw new Error('handler failed'); })).rejects.toThrow('handler failed');
      expect(seenByOther('kept').n).toBe(1);
    });

    it('fails the unit when its commit fails', async () => {
      await expect(gc.atomically(async () => {
        await insert('x');
        await gc.write(() => db.prepare('INSERT INTO child (id, parentId) VALUES (?, ?)').run('c1', 'no-such-parent').changes);
      })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
      expect(seenByOther('x').n).toBe(0);
    });
  });

  it('commits what is waiting when closed', async () => {
    const pending = insert('last');
    gc.close();
    await expect(pending).resolves.toBe(1);
    expect(seenByOther('last').n).toBe(1);
  });
});

it('committed() waits for the writes made so far without counting as one (a cached figure stays valid), and costs nothing when none wait', async () => {
  const w = gc.write(() => db.prepare('INSERT INTO t VALUES (?, 1)').run('c1'));
  const before = gc.writes;
  let durable = false;
  void w.then(() => { durable = true; });
  await gc.committed();
  expect(durable).toBe(true);
  expect(other.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(1);
  expect(gc.writes).toBe(before);
  const commitsBefore = commits;
  await gc.committed();
  expect(commits).toBe(commitsBefore);
  expect(gc.writes).toBe(before);
});

describe('with the fsync off the event loop (sync given, as the store does)', () => {
  /** a sync the test lets finish: each call waits until released */
  function manualSync() {
    const calls: { release: () => void; fail: (e: Error) => void }[] = [];
    const sync = () => new Promise<void>((resolve, reject) => calls.push({ release: resolve, fail: reject }));
    return { sync, calls };
  }
  const turn = () => new Promise((r) => setImmediate(r));
  let s: ReturnType<typeof manualSync>;
  let synced: GroupCommit;
  beforeEach(() => { s = manualSync(); synced = new GroupCommit(db, 2000, 2000, s.sync); });
  afterEach(() => synced.close());
  const put = (id: string) => synced.write(() => db.prepare('INSERT INTO t VALUES (?, 1)').run(id).changes);

  it('commits at the end of the turn but settles the writes only once the sync after that commit is done', async () => {
    let settled = false;
    const w = put('s1').then((n) => { settled = true; return n; });
    await turn(); await turn();
    expect(seenByOther('s1').n).toBe(1); // committed: another connection sees it
    expect(s.calls).toHaveLength(1);
    expect(settled).toBe(false); // not acknowledged before it is on disk
    s.calls[0]!.release();
    await expect(w).resolves.toBe(1);
  });

  it('lets the next batch commit while one syncs; batches committed meanwhile share the next sync', async () => {
    const first = put('a');
    await turn(); await turn();
    const second = put('b');
    await turn(); await turn();
    const third = synced.atomically(async () => { await put('c'); });
    await turn(); await turn();
    expect(seenByOther('b').n + seenByOther('c').n).toBe(2); // committed during the first sync
    expect(s.calls).toHaveLength(1);
    s.calls[0]!.release();
    await first;
    await turn();
    expect(s.calls).toHaveLength(2); // one more sync, for both
    let later = false;
    void Promise.all([second, third]).then(() => { later = true; });
    await turn();
    expect(later).toBe(false);
    s.calls[1]!.release();
    await Promise.all([second, third]);
  });

  it('rejects the writes of a failed sync (the disk may not have them) and goes on with the next', async () => {
    const lost = put('x');
    await turn(); await turn();
    s.calls[0]!.fail(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO', syscall: 'fsync' }));
    await expect(lost).rejects.toMatchObject({ code: 'EIO' });
    const next = put('y');
    await turn(); await turn();
    s.calls[1]!.release();
    await expect(next).resolves.toBe(1);
  });

  it('does not sync for committed() alone (nothing was written)', async () => {
    await synced.committed();
    const w = put('z');
    const c = synced.committed();
    await turn(); await turn();
    expect(s.calls).toHaveLength(1);
    s.calls[0]!.release();
    await Promise.all([w, c]);
    await synced.committed();
    expect(s.calls).toHaveLength(1);
    await synced.synced();
  });
});

it('the SQLite store fsyncs its WAL off the event loop, and a write settles only after that fsync', async () => {
  const probe = await openFile(file, 'r');
  const proto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
  await probe.close();
  const events: string[] = [];
  const real = proto.datasync;
  const spy = jest.spyOn(proto, 'datasync').mockImplementation(async function (this: unknown) {
    events.push('sync begun');
    await real.call(this);
    events.push('sync done');
  });
  const store = createSqliteStore({ dataDir: path.join(tmp.dir, 'store') });
  try {
    events.length = 0;
    await store.landlords.insert({ name: '张三', phone: '13800000000' }).then(() => events.push('settled'));
    expect(events).toEqual(['sync begun', 'sync done', 'settled']);
  } finally {
    await store.close();
    spy.mockRestore();
  }
});
