/**
 * Finds a MongoDB for the contract suite's second leg, in this order:
 * 1. MONGODB_URI if set (a real server; a replica set also runs the transaction tests);
 * 2. the wire-protocol stand-in (test/support/mongo-wire-shim.py: mongomock behind a small
 *    OP_MSG server — NOT MongoDB) when a python3 with mongomock and bson is installed;
 * 3. a mongodb-memory-server if one can start here.
 * When none works the leg is skipped, and this says so, with the reason, at the top of the run.
 * CONTRACT_MONGODB_KIND tells the tests which it is ('server' or 'shim').
 */
import { startWireShim, type WireShim } from './mongo-wire-shim';

async function isReplicaSet(uri: string): Promise<boolean> {
  const { default: mongoose } = await import('mongoose');
  const conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  try {
    const hello = await conn.db!.admin().command({ hello: 1 });
    return Boolean(hello.setName) || hello.msg === 'isdbgrid';
  } finally {
    await conn.close();
  }
}

export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) {
    process.env.CONTRACT_MONGODB_URI = process.env.MONGODB_URI;
    process.env.CONTRACT_MONGODB_KIND = 'server';
    process.env.CONTRACT_MONGODB_REPLSET = (await isReplicaSet(process.env.MONGODB_URI)) ? '1' : '0';
    return;
  }
  const reasons: string[] = [];
  try {
    const shim = await startWireShim();
    (globalThis as { __MONGO_SHIM__?: WireShim }).__MONGO_SHIM__ = shim;
    process.env.CONTRACT_MONGODB_URI = shim.uri;
    process.env.CONTRACT_MONGODB_KIND = 'shim';
    process.stderr.write(`\n[contract] MongoDB leg runs on the wire-protocol STAND-IN (mongomock behind test/support/mongo-wire-shim.py, not MongoDB) at ${shim.uri}. Skipped there, and run only when MONGODB_URI is a real replica set: atomically as a transaction, index use by explain().\n`);
    return;
  } catch (e) {
    reasons.push(`stand-in: ${((e as Error).message || String(e)).split('\n')[0]!.slice(0, 120)}`);
  }
  try {
    const { MongoMemoryServer } = await import('mongodb-memory-server-core');
    const server = await Promise.race([
      MongoMemoryServer.create(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 20 s')), 20_000).unref()),
    ]);
    (globalThis as { __MONGOD__?: { stop(): Promise<boolean> } }).__MONGOD__ = server;
    process.env.CONTRACT_MONGODB_URI = server.getUri();
    process.env.CONTRACT_MONGODB_KIND = 'server';
  } catch (e) {
    reasons.push(`mongodb-memory-server: ${((e as Error).message || String(e)).split('\n')[0]!.slice(0, 120)}`);
    const reason = reasons.join('; ');
    process.env.CONTRACT_MONGODB_SKIP = reason;
    process.stderr.write(`\n[contract] MongoDB leg SKIPPED: no MONGODB_URI, no stand-in and no mongodb-memory-server (${reason}).\n`);
  }
}
