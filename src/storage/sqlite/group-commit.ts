import type Database from 'better-sqlite3';
import { AsyncLocalStorage } from 'node:async_hooks';
import { setImmediate, setTimeout } from 'node:timers';

/** A unit of writes that must reach the disk together (see `atomically`). */
interface Unit {
  batch: number | null;
  done: Promise<void> | null;
}

interface Waiting {
  run: () => void;
  reject: (e: unknown) => void;
}

interface Settler {
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Makes everything committed so far durable (the store's fsync of its WAL), off the event loop. */
export type SyncCommitted = () => Promise<void>;

/**
 * Group commit: the writes made during one turn of the event loop share one transaction
 * and one fsync. A write's promise settles only after its transaction is on disk, so
 * "acknowledged means durable" holds exactly as with one commit per write; many
 * messages handled at once just share the cost of making it so.
 *
 * Reads on the connection see writes still waiting for their commit. Anything that acts
 * on such a read writes in the same or a later batch, after the earlier one is durable.
 * If a commit fails (the disk is full or failing), every write of the batch is rejected
 * and nothing of it is kept.
 *
 * While another connection (another process, or another store in this one) holds the
 * write lock, writes queue in order and the lock is retried without blocking the event
 * loop, for up to `lockTimeoutMs`.
 *
 * With `sync` (the store's: an fsync of the WAL through the thread pool, the connection
 * running `synchronous = NORMAL`), COMMIT only writes the batch to the file and the fsync
 * that makes it durable runs off the event loop: the batch's writes settle once it is
 * done, so "acknowledged means durable" still holds, and messages are handled meanwhile
 * instead of waiting on the disk. Batches committed during one fsync share the next.
 * Without it, COMMIT itself syncs (`synchronous = FULL`), blocking the loop while it does.
 *
 * `atomically(fn)` makes the writes of an async function one unit: they all land in one
 * batch, so a crash keeps all of them or none. Inside it a write settles as soon as it is
 * made; the unit settles once its batch is durable. A batch that is due waits for the
 * units already in it and lets no new one in, so it always commits; a unit that runs past
 * `maxHoldMs` loses its hold (its later writes go in the next batch) rather than stall the store.
 */
export class GroupCommit {
  private pending: Settler[] = [];
  /** the fsync under way, and the writes committed since it began (they wait for the next) */
  private syncing: Promise<void> | null = null;
  private unsynced: Settler[] = [];
  private writesAtBegin = 0;
  private queued: Waiting[] = [];
  private open = false;
  private lockWaitSince: number | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** which batch is open (or next); units still running in it; whether it is due */
  private batch = 0;
  private holds = 0;
  private closing = false;
  private dueSince: number | null = null;
  private readonly units = new AsyncLocalStorage<Unit>();
  /** a read transaction is open for this turn's reads (see `reading`) */
  private readOpen = false;
  /** counts the writes made through this connection: a cached figure is stale once it moves */
  writes = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly lockTimeoutMs = 5000,
    private readonly maxHoldMs = 2000,
    private readonly sync?: SyncCommitted,
  ) {}

  /**
   * Runs `fn` (synchronous statements) in the current batch; settles once the batch is
   * durable. An error thrown by `fn` rejects this write alone, as thrown.
   */
  write<R>(fn: () => R): Promise<R> {
    const unit = this.units.getStore();
    return new Promise<R>((resolve, reject) => {
      const run = (): void => {
        if (unit && unit.batch !== this.batch) this.join(unit);
        let result: R;
        try {
          result = fn();
          this.writes += 1;
        } catch (e) {
          // SQLite undoes just the failed statement; an error that ended the whole transaction fails the batch
          if (!this.db.inTransaction) this.settle(e);
          reject(e);
          return;
        }
        if (unit) resolve(result);
        else this.pending.push({ resolve: () => resolve(result), reject });
      };
      // a due batch takes no new unit: that unit's writes wait for the next batch
      const deferred = unit && unit.batch !== this.batch && this.closing;
      if (this.open && !deferred) run();
      else {
        this.queued.push({ run, reject });
        this.drain();
      }
    });
  }

  /**
   * Runs `fn` so that every write it makes reaches the disk in the same commit; resolves
   * with its result once that commit is durable. An error from `fn` is passed on (writes
   * made before it are kept). Nested calls join the outer unit.
   */
  async atomically<R>(fn: () => Promise<R>): Promise<R> {
    if (this.units.getStore()) return fn();
    const unit: Unit = { batch: null, done: null };
    try {
      return await this.units.run(unit, fn);
    } finally {
      if (unit.batch === this.batch && this.open) this.holds -= 1;
      // (with `finally` the unit's writes are made durable even when fn failed part-way)
      await unit.done;
    }
  }

  private join(unit: Unit): void {
    unit.batch = this.batch;
    this.holds += 1;
    const committed = new Promise<void>((resolve, reject) => this.pending.push({ resolve, reject }));
    // a unit that joins again (its first batch failed) fails as a whole
    unit.done = unit.done ? Promise.all([unit.done, committed]).then(() => undefined) : committed;
    unit.done.catch(() => undefined); // observed by atomically; never an unhandled rejection
  }

  /**
   * Settles once every write made so far is durable (what a read on another connection must
   * wait for to see them). Not itself a write: `writes` does not move, so a figure cached
   * against it stays valid. Nothing waiting: settles at once, without a transaction.
   */
  committed(): Promise<void> {
    if (!this.open && this.queued.length === 0) return Promise.resolve();
    // an empty write in the current (or next) batch, taken back out of the count
    return this.write(() => {
      this.writes -= 1;
    });
  }

  /**
   * Called before a read. Outside a transaction every statement is its own read transaction,
   * and taking and dropping the WAL's read lock costs more than most of our reads (a
   * contact by WeChat id: about three times as much); so the reads of one turn of the event
   * loop share one read transaction, ended at the end of the turn or when a batch of writes
   * begins (writes always see the newest data). A read sees the store as it was when the
   * turn's first read was made: another process's commit made during the turn is seen the
   * next turn, as if the reads had all been made at once.
   */
  reading(): void {
    if (this.readOpen || this.db.inTransaction || !this.db.open) return;
    try {
      this.db.exec('BEGIN');
    } catch {
      return;
    } // (then the read runs on its own, as before)
    this.readOpen = true;
    setImmediate(() => this.endRead());
  }

  private endRead(): void {
    if (!this.readOpen) return;
    this.readOpen = false;
    try {
      if (this.db.open && this.db.inTransaction) this.db.exec('COMMIT');
    } catch {
      /* a read transaction has nothing to keep */
    }
  }

  /** Commits what is waiting now (at the end of each turn, once the units in the batch are done). */
  flush(force = false): void {
    if (!this.open) return;
    if (this.holds > 0 && !force) {
      this.dueSince ??= Date.now();
      // a unit stuck on something that never ends must not stall every write of the process:
      // past maxHoldMs the batch commits anyway, and that unit's later writes go in the next one
      if (Date.now() - this.dueSince <= this.maxHoldMs) {
        this.closing = true;
        setImmediate(() => this.flush());
        return;
      }
    }
    let wrote = false;
    try {
      if (this.db.inTransaction) {
        this.db.exec('COMMIT');
        wrote = true;
      }
    } catch (e) {
      if (this.db.inTransaction) {
        try {
          this.db.exec('ROLLBACK');
        } catch {
          /* the connection is already unusable */
        }
      }
      this.settle(e);
      if (this.queued.length) this.drain();
      return;
    }
    // (an empty batch — `committed()` alone — has nothing to make durable)
    if (wrote && this.sync && this.writes !== this.writesAtBegin) this.settleSynced();
    else this.settle(null);
    if (this.queued.length) this.drain();
  }

  /** Ends the committed batch now (the next may begin); its writes settle once an fsync begun after it is done. */
  private settleSynced(): void {
    const done = this.pending;
    this.pending = [];
    this.settle(null);
    this.unsynced.push(...done);
    if (!this.syncing) this.syncing = this.runSync();
  }

  private async runSync(): Promise<void> {
    while (this.unsynced.length) {
      const waiting = this.unsynced;
      this.unsynced = [];
      try {
        await this.sync!();
      } catch (e) {
        // the disk failed the fsync: what was committed may not be kept, so none of it is acknowledged
        for (const w of waiting) w.reject(e);
        continue;
      }
      for (const w of waiting) w.resolve();
    }
    this.syncing = null;
  }

  /** Settles once every fsync under way has ended (the store waits for it before closing). */
  async synced(): Promise<void> {
    while (this.syncing) await this.syncing;
  }

  /** Commits what is waiting; writes still waiting for the lock fail (the store is closing). */
  close(): void {
    this.endRead();
    this.flush(true);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.rejectQueued(new Error('the store is closed'));
  }

  /** Opens a batch when the write lock can be had now, and runs the queued writes in it. */
  private drain(): void {
    if (this.open || this.retryTimer || !this.queued.length) return;
    let began: boolean;
    try {
      began = this.tryBegin();
    } catch (e) {
      this.rejectQueued(e);
      return;
    }
    if (!began) {
      const now = Date.now();
      this.lockWaitSince ??= now;
      if (now - this.lockWaitSince > this.lockTimeoutMs) {
        this.rejectQueued(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }));
        return;
      }
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.drain();
      }, 2);
      return;
    }
    this.lockWaitSince = null;
    const waiting = this.queued;
    this.queued = [];
    for (const [i, w] of waiting.entries()) {
      if (!this.open) {
        this.queued = waiting.slice(i);
        this.drain();
        return;
      } // a failure ended the batch: the rest go in the next
      w.run();
    }
  }

  private rejectQueued(error: unknown): void {
    const waiting = this.queued;
    this.queued = [];
    this.lockWaitSince = null;
    for (const w of waiting) w.reject(error);
  }

  /** BEGIN IMMEDIATE without SQLite's own busy wait, which would block the event loop. */
  private tryBegin(): boolean {
    this.endRead(); // the turn's reads are done with: the batch reads and writes the newest data
    this.db.pragma('busy_timeout = 0');
    try {
      // IMMEDIATE takes the write lock now, so another process waits here rather than failing at COMMIT
      this.db.exec('BEGIN IMMEDIATE');
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_BUSY') return false;
      throw e;
    } finally {
      this.db.pragma('busy_timeout = 5000');
    }
    this.open = true;
    this.writesAtBegin = this.writes;
    setImmediate(() => this.flush());
    return true;
  }

  private settle(error: unknown): void {
    const done = this.pending;
    this.pending = [];
    this.open = false;
    this.closing = false;
    this.dueSince = null;
    this.holds = 0;
    this.batch += 1;
    for (const w of done) {
      if (error) w.reject(error);
      else w.resolve();
    }
  }
}
