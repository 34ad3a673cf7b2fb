import mongoose from 'mongoose';
import { SPECS } from '../schema';
import type { Collections, Store } from '../store';
import { GridFsBlobStore } from './gridfs-blob-store';
import { MongoCollection } from './mongo-collection';
import { mongoFigures } from './mongo-figures';
import { toMongooseSchema } from './mongo-schema';
import { translateMongoError } from './translate-error';

export interface MongoStoreOptions { uri: string; dbName?: string; serverSelectionTimeoutMS?: number }

/** A mongoose instance of our own (no global singleton) with query-selector sanitising on. */
export function createMongoose(): mongoose.Mongoose {
  const m = new mongoose.Mongoose();
  m.set('sanitizeFilter', true);
  m.set('strictQuery', 'throw');
  return m;
}

/** The MongoDB adapter: one model per spec, indexes built on start, photos in GridFS. */
export async function createMongoStore({ uri, dbName, serverSelectionTimeoutMS = 10_000 }: MongoStoreOptions): Promise<Store> {
  const m = createMongoose();
  const conn = m.createConnection(uri, { serverSelectionTimeoutMS, ...(dbName ? { dbName } : {}) });
  try { await conn.asPromise(); } catch (e) { throw translateMongoError(e, 'connection'); }
  const guard = async <R>(what: string, fn: () => Promise<R>): Promise<R> => {
    try { return await fn(); } catch (e) { throw translateMongoError(e, what); }
  };

  const models = Object.entries(SPECS).map(([k, spec]) => [k, conn.model(spec.name, toMongooseSchema(spec as never), spec.name), spec] as const);
  await Promise.all(models.map(([, model]) => model.init()));
  const collections = Object.fromEntries(models.map(([k, model, spec]) => [k, new MongoCollection(m, model as never, spec as never)])) as unknown as Collections;
  const blobs = new GridFsBlobStore(conn, m.mongo.GridFSBucket);
  await blobs.ensureIndexes();
  const sequences = conn.collection<{ _id: string; value: number }>('sequences');
  const processed = conn.collection<{ _id: string; kind: string; createdAt: Date; updatedAt: Date }>(SPECS.processedMessages.name);

  return {
    kind: 'mongodb',
    ...collections,
    ...mongoFigures(conn),
    blobs,
    nextSequence: (name: string) => guard('sequences', async () => {
      const doc = await sequences.findOneAndUpdate({ _id: name }, { $inc: { value: 1 } }, { upsert: true, returnDocument: 'after' });
      return doc?.value ?? 1;
    }),
    markProcessed: (messageId: string, kind: string) => guard(SPECS.processedMessages.name, async () => {
      const now = new Date();
      const r = await processed.updateOne({ _id: messageId }, { $setOnInsert: { kind, createdAt: now, updatedAt: now } }, { upsert: true });
      return r.upsertedCount === 1;
    }),
    // each write is durable on its own (journaled); grouping them would need a replica-set transaction
    atomically: (fn) => fn(),
    async ping() {
      try { return (await conn.db?.admin().ping())?.ok === 1; } catch { return false; }
    },
    async close() {
      await conn.close();
    },
  };
}
