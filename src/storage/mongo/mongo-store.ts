import mongoose from 'mongoose';
import { collectionRoster } from '../collection-roster';
import type { FigureStore, KeptFigures } from '../figures';
import { SPECS } from '../schema';
import type { Collections, Store } from '../store';
import { GridFsBlobStore } from './gridfs-blob-store';
import { MongoCollection } from './mongo-collection';
import { mongoFigures } from './mongo-figures';
import { FIGURED, mongoKeptFigures } from './mongo-kept-figures';
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
  /** RETENTION_DAYS (default 30): TTL indexes drop processed message ids and sent outbox entries at this age */
  retentionDays?: number;
}

/**
 * Retention on the server (issue 14): TTL indexes on processed message ids and on sent outbox
 * entries (a partial index: pending and failed entries never expire). A changed RETENTION_DAYS
 * replaces the index (drop and create works on every server; collMod does not on all).
 */
async function ensureTtlIndexes(conn: mongoose.Connection, days: number): Promise<void> {
  const seconds = Math.round(days * 86_400);
  const want: { coll: string; key: Record<string, 1>; name: string; options: { partialFilterExpression?: object } }[] = [
    { coll: SPECS.processedMessages.name, key: { createdAt: 1 }, name: 'ttl_createdAt', options: {} },
    { coll: SPECS.outbox.name, key: { sentAt: 1 }, name: 'ttl_sentAt', options: { partialFilterExpression: { status: 'sent' } } },
  ];
  for (const w of want) {
    const coll = conn.collection(w.coll);
    const have = (
      await coll
        .listIndexes()
        .toArray()
        .catch(() => [])
    ).find((i) => i.name === w.name);
    if (have?.expireAfterSeconds === seconds) continue;
    if (have) await coll.dropIndex(w.name);
    await coll.createIndex(w.key, { name: w.name, expireAfterSeconds: seconds, ...w.options });
  }
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

/** The kept figures with driver errors translated, as the recount's are. */
function guardedKept(k: KeptFigures, guard: <R>(what: string, fn: () => Promise<R>) => Promise<R>): KeptFigures {
  return {
    read: (q) => guard('figures', () => k.read(q)),
    state: () => guard('figures', () => k.state()),
    advance: (now) => guard('figures', () => k.advance(now)),
    keep: (p, l, now) => guard('figures', () => k.keep(p, l, now)),
    verify: () => guard('figures', () => k.verify()),
  };
}

/** The MongoDB adapter: one model per spec, indexes built on start, photos in GridFS. */
export async function createMongoStore({
  uri,
  dbName,
  serverSelectionTimeoutMS = 10_000,
  allowStandalone = false,
  warn,
  retentionDays = 30,
}: MongoStoreOptions): Promise<Store> {
  const m = createMongoose();
  const conn = m.createConnection(uri, { serverSelectionTimeoutMS, writeConcern: WRITE_CONCERN, ...(dbName ? { dbName } : {}) });
  try {
    await conn.asPromise();
  } catch (e) {
    await conn.close().catch(() => undefined);
    throw translateMongoError(e, 'connection');
  }
  // transactions need a replica set (or mongos); without one, writes that must land together cannot
  const hello = await conn
    .db!.admin()
    .command({ hello: 1 })
    .catch(async (e: unknown) => {
      await conn.close().catch(() => undefined);
      throw translateMongoError(e, 'connection');
    });
  const replicaSet = Boolean(hello.setName) || hello.msg === 'isdbgrid';
  if (!replicaSet) {
    if (!allowStandalone) {
      await conn.close();
      throw new Error(
        'MongoDB is a standalone server, not a replica set: writes that must land together would not be atomic. Run it as a replica set (compose.yaml does), or set MONGODB_ALLOW_STANDALONE=1 to accept that.',
      );
    }
    warn?.(
      'MongoDB 是单机模式 standalone server (MONGODB_ALLOW_STANDALONE=1): crash-atomicity is off — writes meant to land together may land partly after a crash',
    );
  }
  const uow = new MongoUnitOfWork(conn, replicaSet);
  const guard = async <R>(what: string, fn: () => Promise<R>): Promise<R> => {
    try {
      return await fn();
    } catch (e) {
      uow.serverFailed();
      throw translateMongoError(e, what);
    }
  };
  // a commitment became its holder's (issue 25): the unique key (houseId, letterVersion) of an older database goes
  await conn
    .collection(SPECS.commitments.name)
    .dropIndex('houseId_1_letterVersion_1')
    .catch(() => undefined);
  const models = Object.entries(SPECS).map(
    ([k, spec]) => [k, conn.model<Record<string, unknown>>(spec.name, toMongooseSchema(spec), spec.name), spec] as const,
  );
  await Promise.all(models.map(([, model]) => model.init()));
  // the counters kept as each write of a figured collection lands (issue 29)
  const kept = mongoKeptFigures(conn, uow);
  await conn.collection('figure_houses').createIndex({ groupId: 1 });
  await conn.collection('figure_groups').createIndex({ groupId: 1 });
  await conn.collection('figure_groups').createIndex({ gridId: 1 });
  await conn.collection('figure_groups').createIndex({ communityId: 1 });
  await conn.collection('figure_grids').createIndex({ communityId: 1 });
  const collections = Object.fromEntries(
    models.map(([k, model, spec]) => [k, new MongoCollection(m, model, spec as never, uow, FIGURED.has(spec.name) ? kept : undefined)]),
  ) as unknown as Collections;
  const blobs = new GridFsBlobStore(conn, m.mongo.GridFSBucket);
  await blobs.ensureIndexes();
  await ensureTtlIndexes(conn, retentionDays);
  const sequences = conn.collection<{ _id: string; value: number }>('sequences');
  const processed = conn.collection<{ _id: string; kind: string; createdAt: Date; updatedAt: Date }>(SPECS.processedMessages.name);

  return {
    kind: 'mongodb',
    ...collections,
    ...guarded(mongoFigures(conn), guard),
    kept: guardedKept(kept, guard),
    blobs,
    roster: collectionRoster(collections),
    nextSequence: (name: string) =>
      guard('sequences', async () => {
        const doc = await sequences.findOneAndUpdate(
          { _id: name },
          { $inc: { value: 1 } },
          uow.opts({ upsert: true, returnDocument: 'after' as const }),
        );
        return doc?.value ?? 1;
      }),
    markProcessed: (messageId: string, kind: string) =>
      guard(SPECS.processedMessages.name, async () => {
        const now = new Date();
        const r = await processed.updateOne(
          { _id: messageId },
          { $setOnInsert: { kind, createdAt: now, updatedAt: now } },
          uow.opts({ upsert: true }),
        );
        return r.upsertedCount === 1;
      }),
    // a transaction on a replica set; on an allowed standalone server each write on its own (journaled)
    atomically: (fn) => uow.run(fn),
    async ping() {
      try {
        return (await conn.db?.admin().ping())?.ok === 1;
      } catch {
        return false;
      }
    },
    async close() {
      await conn.close();
    },
  };
}
