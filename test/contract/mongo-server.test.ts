/**
 * What only a MongoDB connection can show: lost and unreachable servers, GridFS files and
 * index use. Runs on CONTRACT_MONGODB_URI (a real server, or the wire-protocol stand-in of
 * test/support/mongo-wire-shim.py — mongomock, not MongoDB); what the stand-in cannot
 * answer (explain) is skipped on it with the reason in the test's name.
 */
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { createMongoStore } from '../../src/storage/mongo/mongo-store';
import { toMongoSort } from '../../src/storage/mongo/mongo-filter';
import { shimPython, startWireShim } from '../support/mongo-wire-shim';

const uri = process.env.CONTRACT_MONGODB_URI;
const onServer = process.env.CONTRACT_MONGODB_KIND === 'server';
const withUri = uri ? describe : describe.skip;
const dbName = () => `anxin_mongo_${randomBytes(4).toString('hex')}`;

describe('MongoDB connection failures', () => {
  it('an unreachable server is storage_unavailable at start', async () => {
    await expect(createMongoStore({ uri: 'mongodb://127.0.0.1:27189/?directConnection=true', serverSelectionTimeoutMS: 300 }))
      .rejects.toMatchObject({ name: 'DomainError', code: 'storage_unavailable' });
  });

  (shimPython() ? it : it.skip)('a server lost while running is storage_unavailable on every kind of call (needs the stand-in to kill)', async () => {
    const shim = await startWireShim();
    const store = await createMongoStore({ uri: shim.uri, allowStandalone: true, dbName: dbName(), serverSelectionTimeoutMS: 300 });
    try {
      await store.communities.insert({ name: 'x' });
      await shim.stop();
      await expect(store.communities.find({})).rejects.toMatchObject({ code: 'storage_unavailable' });
      await expect(store.communities.insert({ name: 'y' })).rejects.toMatchObject({ code: 'storage_unavailable' });
      await expect(store.nextSequence('n')).rejects.toMatchObject({ code: 'storage_unavailable' });
      await expect(store.blobs.put(randomBytes(10))).rejects.toMatchObject({ code: 'storage_unavailable' });
      expect(await store.ping()).toBe(false);
    } finally {
      await store.close();
    }
  });
});

const replicaSet = process.env.CONTRACT_MONGODB_REPLSET === '1';

withUri('MongoDB retention (TTL indexes)', () => {
  it('processed ids and sent outbox entries carry TTL indexes of RETENTION_DAYS; a changed setting replaces them', async () => {
    const name = dbName();
    const ttl = async (days: number) => {
      const store = await createMongoStore({ uri: uri!, allowStandalone: true, dbName: name, retentionDays: days });
      await store.close();
      const conn = await mongoose.createConnection(uri!, { dbName: name }).asPromise();
      try {
        const of = async (coll: string, ix: string) => (await conn.collection(coll).listIndexes().toArray()).find((i) => i.name === ix);
        return { processed: await of('processed_messages', 'ttl_createdAt'), outbox: await of('outbox', 'ttl_sentAt') };
      } finally { await conn.close(); }
    };
    const first = await ttl(30);
    expect(first.processed).toMatchObject({ key: { createdAt: 1 }, expireAfterSeconds: 30 * 86_400 });
    // only sent entries expire: pending and failed ones are work and evidence
    expect(first.outbox).toMatchObject({ key: { sentAt: 1 }, expireAfterSeconds: 30 * 86_400, partialFilterExpression: { status: 'sent' } });
    const second = await ttl(7);
    expect([second.processed?.expireAfterSeconds, second.outbox?.expireAfterSeconds]).toEqual([7 * 86_400, 7 * 86_400]);
  });
});

withUri(`MongoDB units of work (${replicaSet ? 'replica set' : 'standalone'})`, () => {
  (replicaSet ? it.skip : it)('a standalone server without MONGODB_ALLOW_STANDALONE=1 is refused at start, in one line naming the variable', async () => {
    const e = await createMongoStore({ uri: uri!, dbName: dbName() }).then(() => null, (err: Error) => err);
    expect(e?.message).toMatch(/MONGODB_ALLOW_STANDALONE=1/);
    expect(e?.message).not.toContain('\n');
  });

  it('a standalone server allowed by the opt-in says at start that crash-atomicity is off (on a replica set: says nothing)', async () => {
    const said: string[] = [];
    const store = await createMongoStore({ uri: uri!, dbName: dbName(), allowStandalone: true, warn: (m) => said.push(m) });
    await store.close();
    expect(said.join()).toMatch(replicaSet ? /^$/ : /crash-atomicity is off/);
  });

  (replicaSet ? it : it.skip)(`atomically is one transaction: nothing is seen outside before it commits, and an error keeps what came before it${replicaSet ? '' : ' (SKIPPED: needs a replica set — MONGODB_URI pointing at one)'}`, async () => {
    const name = dbName();
    const [a, b] = await Promise.all([createMongoStore({ uri: uri!, dbName: name }), createMongoStore({ uri: uri!, dbName: name })]);
    try {
      await a.atomically(async () => {
        await a.communities.insert({ name: 'one' });
        await a.markProcessed('m1', 'message');
        expect(await b.communities.count({})).toBe(0);
        expect(await a.communities.count({})).toBe(1);
      });
      expect(await b.communities.count({})).toBe(1);
      expect(await b.markProcessed('m1', 'message')).toBe(false);
      await expect(a.atomically(async () => { await a.communities.insert({ name: 'two' }); throw new Error('boom'); })).rejects.toThrow('boom');
      expect(await b.communities.count({})).toBe(2);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

withUri(`MongoDB specifics (${onServer ? 'server' : 'wire stand-in, not MongoDB'})`, () => {
  const name = dbName();
  let conn: mongoose.Connection;
  beforeAll(async () => { conn = await mongoose.createConnection(uri!, { dbName: name }).asPromise(); });
  afterAll(async () => { await conn.dropDatabase(); await conn.close(); });

  it('concurrent puts of the same bytes leave one GridFS file and only its chunks', async () => {
    const store = await createMongoStore({ uri: uri!, dbName: name, allowStandalone: true });
    try {
      const bytes = randomBytes(600_000);
      await Promise.all([1, 2, 3, 4].map(() => store.blobs.put(Buffer.from(bytes))));
      const files = await conn.collection('photos.files').find({}).toArray();
      expect(files).toHaveLength(1);
      expect(await conn.collection('photos.chunks').countDocuments({ files_id: { $ne: files[0]!._id } })).toBe(0);
    } finally {
      await store.close();
    }
  });

  (onServer ? it : it.skip)(`sorted outbox and schedule queries are served by an index, no in-memory sort${onServer ? '' : ' (SKIPPED on the stand-in: explain() needs a real MongoDB server)'}`, async () => {
    const store = await createMongoStore({ uri: uri!, dbName: name, allowStandalone: true });
    await store.close();
    const plan = async (coll: string, filter: object, sort: Record<string, 1 | -1>) => JSON.stringify(await conn.collection(coll).find(filter).sort(toMongoSort(sort)).limit(20).explain());
    const claim = await plan('outbox', { account: 'a', status: 'pending', notBefore: { $lte: new Date() } }, { priority: 1, notBefore: 1 });
    const schedules = await plan('schedules', { enabled: true, nextRunAt: { $lte: new Date() } }, { nextRunAt: 1 });
    for (const p of [claim, schedules]) {
      expect(p).toContain('IXSCAN');
      expect(p).not.toContain('"stage":"SORT"');
    }
  });
});
