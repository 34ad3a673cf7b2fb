import { AsyncLocalStorage } from 'node:async_hooks';
import type { ClientSession, Connection } from 'mongoose';

/** Durable before acknowledged: a majority of the replica set has it in its journal. */
export const WRITE_CONCERN = { w: 'majority', journal: true } as const;

/**
 * Units of work on MongoDB. On a replica set, `run` is a transaction whose session every
 * write (and read) of the adapter picks up from here — mongoose queries and native
 * collection calls alike, via `opts()` / `session()`. On a standalone server (allowed only
 * with MONGODB_ALLOW_STANDALONE=1) there are no transactions: `run` just runs.
 */
export class MongoUnitOfWork {
  private readonly als = new AsyncLocalStorage<ClientSession>();
  /** transactions the server has given up on (a write in them failed): they can only abort */
  private readonly failed = new WeakSet<ClientSession>();

  constructor(
    private readonly conn: Connection,
    readonly transactions: boolean,
  ) {}

  /** The session of the transaction this call runs in, if any. */
  session(): ClientSession | undefined {
    return this.als.getStore();
  }

  /** Called on every error from the server: a transaction in which a command failed is aborted there. */
  serverFailed(): void {
    const session = this.als.getStore();
    if (session) this.failed.add(session);
  }

  /** Driver options with the current session added. */
  opts<O extends object>(o: O = {} as O): O & { session?: ClientSession } {
    const session = this.als.getStore();
    return session ? { ...o, session } : o;
  }

  /**
   * Runs `fn` in one transaction (joined when already in one). As on SQLite, an error of the
   * app's own that `fn` throws keeps the writes made before it (they commit, then the error is
   * rethrown). An error from the server (a duplicate key, a lost connection) has aborted the
   * transaction there: then nothing of `fn` is kept. Transient errors retry the whole of `fn`.
   */
  async run<R>(fn: () => Promise<R>): Promise<R> {
    if (!this.transactions || this.als.getStore()) return fn();
    const session = await this.conn.startSession();
    try {
      let out = { err: new Error('transaction did not run') } as { ok: R } | { err: unknown };
      await session.withTransaction(
        async () => {
          try {
            out = { ok: await this.als.run(session, fn) };
          } catch (e) {
            if ((e as { hasErrorLabel?: (l: string) => boolean }).hasErrorLabel?.('TransientTransactionError') || this.failed.has(session))
              throw e;
            out = { err: e };
          }
        },
        { writeConcern: WRITE_CONCERN, readConcern: { level: 'snapshot' } },
      );
      if ('err' in out) throw out.err;
      return out.ok;
    } finally {
      await session.endSession();
    }
  }
}
