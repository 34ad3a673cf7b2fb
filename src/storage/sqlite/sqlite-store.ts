import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { FileBlobStore } from '../file-blob-store';
import { SPECS } from '../schema';
import type { Collections, Store } from '../store';
import { GroupCommit, type SyncCommitted } from './group-commit';
import { sqliteFigures } from './sqlite-figures';
import { bulkFigures } from './sqlite-kept-figures';
import { sqliteRoster } from './sqlite-roster';
import { ensureSpecIndexes, migrate } from './migrations';
import { SqliteCollection } from './sqlite-collection';
import { translateSqliteError } from './translate-error';
import { WAL_SIZE_LIMIT } from './wal-limit';

/**
 * How long a write waits for the write lock another connection holds (queued, without
 * blocking the event loop). A roster import applies in ONE transaction: about 3 s at
 * 100,000 rows and 20–35 s at a million on this machine's disk. With 5 s, a landlord's
 * message said during a district-sized import failed "database is locked" and was lost;
 * 60 s lets it be answered when the import ends. (30 s was tried once and the crash test
 * repeated broadcast sends; that was the outbox pipelining its sent marks, since fixed.)
 */
const WRITE_LOCK_WAIT_MS = 60_000;

/** The collections whose records count in the kept figures, and the batch from which they are refreshed set-wise, not by triggers row by row. */
const FIGURED = new Set(['houses', 'commitments', 'submissions', 'hazards']);
const BULK_FROM = 200;

export interface SqliteStoreOptions {
  /** the folder holding `anxin.db` and `photos/` */
  dataDir: string;
  /** from this many houses up, street counts run on a read-only connection in a worker thread (default 20,000) */
  offThreadHouses?: number;
  /**
   * false: a commit is acknowledged once SQLite has written it to the file, without the fsync. A
   * process that dies (kill -9) loses nothing acknowledged (the operating system holds the
   * writes); a power cut may. Only for the city simulation, whose crash is a process crash and
   * whose figures are virtual-time (issue 29); the product always syncs. Default true.
   */
  durable?: boolean;
}

/**
 * The database holds phone numbers: its file is the owner's alone (0600), made so before SQLite
 * opens it — SQLite gives its -wal and -shm files the database file's permissions — and an
 * older install's world-readable files are narrowed too.
 */
function ownerOnly(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

/** The embedded store: one SQLite file in WAL mode plus content-addressed photo files. */
export function createSqliteStore({ dataDir, offThreadHouses, durable = true }: SqliteStoreOptions): Store {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'anxin.db');
  ownerOnly(file);
  const db = new Database(file);
  // (a file system without shared memory for the WAL index keeps the rollback journal)
  const wal = db.pragma('journal_mode = WAL', { simple: true }) === 'wal';
  // NORMAL: COMMIT writes the WAL without syncing it; the group commit then fsyncs the WAL
  // through the thread pool before it acknowledges the batch (see GroupCommit). A commit is
  // still on disk before we answer — a kill -9 or power cut loses nothing acknowledged — but
  // the event loop goes on handling messages while the disk syncs. (Checkpoints sync as with
  // FULL.) Without a WAL, FULL: COMMIT syncs, on the loop.
  db.pragma(wal ? 'synchronous = NORMAL' : 'synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
  migrate(db);
  ensureSpecIndexes(db, Object.values(SPECS));

  // writes of one event-loop turn share a transaction and an fsync; each settles once durable
  // a city-sized roster import holds the write lock for its one transaction (seconds at a million rows):
  // writes queue that long, without blocking the event loop, rather than fail
  const walFile = wal ? walSync(path.join(dataDir, 'anxin.db')) : null;
  const sync = durable ? walFile?.sync : async () => undefined;
  if (!durable) db.pragma('synchronous = OFF');
  const commit = new GroupCommit(db, WRITE_LOCK_WAIT_MS, undefined, sync);
  // a batch of records that count in the figures refreshes them set-wise at its end (issue 29)
  const bulk = { from: BULK_FROM, write: bulkFigures(db) };
  const collections = Object.fromEntries(
    Object.entries(SPECS).map(([k, spec]) => [k, new SqliteCollection(db, spec as never, commit, FIGURED.has(k) ? bulk : undefined)]),
  ) as unknown as Collections;
  const nextSeq = db.prepare(
    `INSERT INTO sequences (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value`,
  );
  const markSeen = db.prepare(
    `INSERT INTO processed_messages (id, createdAt, updatedAt, kind) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
  );

  const blobs = new FileBlobStore(path.join(dataDir, 'photos'));
  blobs.sweep(); // temp files of writes a crash cut short
  const figures = sqliteFigures(db, commit, { file: path.join(dataDir, 'anxin.db'), offThreadHouses });
  return {
    kind: 'sqlite',
    file: path.join(dataDir, 'anxin.db'),
    ...collections,
    ...figures,
    blobs,
    roster: sqliteRoster(path.join(dataDir, 'anxin.db')),
    async nextSequence(name: string) {
      return commit.write(() => {
        try {
          return (nextSeq.get(name) as { value: number }).value;
        } catch (e) {
          throw translateSqliteError(e, 'sequences');
        }
      });
    },
    async markProcessed(messageId: string, kind: string) {
      const now = new Date().toISOString();
      return commit.write(() => markSeen.run(messageId, now, now, kind).changes === 1);
    },
    atomically: (fn) => commit.atomically(fn),
    async ping() {
      return db.open && (db.prepare('SELECT 1 AS ok').get() as { ok: number }).ok === 1;
    },
    async close() {
      if (!db.open) return;
      await figures.closeFigures();
      commit.close();
      await commit.synced();
      await walFile?.close().catch(() => undefined);
      if (db.open) db.close();
    },
  };
}

/**
 * fsyncs the database's WAL (and, the first time, its folder, which holds the WAL's name)
 * on the thread pool: what makes a batch committed with `synchronous = NORMAL` durable.
 * The WAL lives as long as the connection, so one handle serves; fdatasync also writes the
 * file's new length, which reading the appended frames back needs.
 */
function walSync(dbFile: string): { sync: SyncCommitted; close(): Promise<void> } {
  let wal: Promise<FileHandle> | null = null;
  let folderSynced = false;
  return {
    async sync() {
      if (!folderSynced) {
        const dir = await open(path.dirname(dbFile), 'r');
        try {
          await dir.sync();
        } finally {
          await dir.close();
        }
        folderSynced = true;
      }
      wal ??= open(`${dbFile}-wal`, 'r+');
      try {
        await (await wal).datasync();
      } catch (e) {
        const handle = wal;
        wal = null; // opened afresh next time (a failed open must not fail every later sync)
        void handle.then((h) => h.close()).catch(() => undefined);
        throw e;
      }
    },
    async close() {
      const handle = wal;
      wal = null;
      if (handle) await (await handle).close();
    },
  };
}
