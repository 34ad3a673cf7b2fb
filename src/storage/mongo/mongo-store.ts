import mongoose from 'mongoose';
import type { FigureStore } from '../figures';
import { SPECS } from '../schema';
import type { Collections, Store } from '../store';
import { GridFsBlobStore } from './gridfs-blob-store';
import { MongoCollection } from './mongo-collection';
import { mongoFigures } from './mongo-figures';
import { toMongooseSchema } from './mongo-schema';
import { translateMongoError } from './translate-error';
import { MongoUnitOfWork, WRITE_CONCERN } from './mongo-unit-of-work';

export interface MongoStoreOptions {
  uri: string;
  dbName?: string;
  serverSelectionTimeoutMS?: number;
  /** MONGODB_ALLOW_STANDALONE=1: run on a server that is not a replica set, without transactions */
  allowStandalone?: boolean;
  /** told once at start when crash-atomicity is off (standalone server allowed) */
  warn?: (message: string) => void;
}

/** A mongoose instance of our own (no global singleton) with query-selector sanitising on. */
export function createMongoose(): mongoose.Mongoose {
  const m = new mongoose.Mongoose();
  m.set('sanitizeFilter', true);
  m.set('strictQuery', 'throw');
  return m;
}

/** The figure queries with driver errors translated (a lost server is storage_unavailable). */
function guarded(f: FigureStore, guard: <R>(what: string, fn: () => Promise<R>) => Promise<R>): FigureStore {
  return {
    figures: (q) => guard('figures', () => f.figures(q)),
    houseFigures: (q) => guard('figures', () => f.houseFigures(q)),
    nextDeadline: (now) => guard('figures', () => f.nextDeadline(now)),
    revision: () => f.revision(),
  };
}

/** The MongoDB adapter: one model per spec, indexes built on start, photos in GridFS. */
export async function createMongoStore({ uri, dbName, serverSelectionTimeoutMS = 10_000, allowStandalone = false, warn }: MongoStoreOptions): Promise<Store> {
  const m = createMongoose();
  const conn = m.createConnection(uri, { serverSelectionTimeoutMS, writeConcern: WRITE_CONCERN, ...(dbName ? { dbName } : {}) });
  try { await conn.asPromise(); } catch (e) {
    await conn.close().catch(() => undefined);
    throw translateMongoError(e, 'connection');
  }
  // transactions need a replica set (or mongos); without one, writes that must land together cannot
  const hello = await conn.db!.admin().command({ hello: 1 }).catch(async (e: unknown) => { await conn.close().catch(() => undefined); throw translateMongoError(e, 'connection'); });
  const replicaSet = Boolean(hello.setName) || hello.msg === 'isdbgrid';
  if (!replicaSet) {
    if (!allowStandalone) {
      await conn.close();
      throw new Error('MongoDB is a standalone server, not a replica set: writes that must land together would not be atomic. Run it as a replica set (compose.yaml does), or set MONGODB_ALLOW_STANDALONE=1 to accept that.');
    }
    warn?.('MongoDB 是单机模式 standalone server (MONGODB_ALLOW_STANDALONE=1): crash-atomicity is off — writes meant to land together may land partly after a crash');
  }
  const uow = new MongoUnitOfWork(conn, replicaSet);
  const guard = async <R>(what: string, fn: () => Promise<R>): Promise<R> => {
    try { return await fn(); } catch (e) { uow.serverFailed(); throw translateMongoError(e, what); }
  };
  const models = Object.entries(SPECS).map(([k, spec]) => [k, conn.model(spec.name, toMongooseSchema(spec as never), spec.name), spec] as const);
  await Promise.all(models.map(([, model]) => model.init()));
  const collections = Object.fromEntries(models.map(([k, model, spec]) => [k, new MongoCollection(m, model as never, spec as never, uow)])) as unknown as Collections;
  const blobs = new GridFsBlobStore(conn, m.mongo.GridFSBucket);
  await blobs.ensureIndexes();
  const sequences = conn.collection<{ _id: string; value: number }>('sequences');
  const processed = conn.collection<{ _id: string; kind: string; createdAt: Date; updatedAt: Date }>(SPECS.processedMessages.name);

  return {
    kind: 'mongodb',
    ...collections,
    ...guarded(mongoFigures(conn), guard),
    blobs,
    nextSequence: (name: string) => guard('sequences', async () => {
      const doc = await sequences.findOneAndUpdate({ _id: name }, { $inc: { value: 1 } }, uow.opts({ upsert: true, returnDocument: 'after' as const }));
      return doc?.value ?? 1;
    }),
    markProcessed: (messageId: string, kind: string) => guard(SPECS.processedMessages.name, async () => {
      const now = new Date();
      const r = await processed.updateOne({ _id: messageId }, { $setOnInsert: { kind, createdAt: now, updatedAt: now } }, uow.opts({ upsert: true }));
      return r.upsertedCount === 1;
    }),
    // a transaction on a replica set; on an allowed standalone server each write on its own (journaled)
    atomically: (fn) => uow.run(fn),
    async ping() {
      try { return (await conn.db?.admin().ping())?.ok === 1; } catch { return false; }
    },
    async close() {
      await conn.close();
    },
  };
}
