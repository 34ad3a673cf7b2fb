/**
 * Finds a MongoDB for the contract suite's second leg: MONGODB_URI if set, otherwise a
 * mongodb-memory-server if one can start here. When neither works the leg is skipped,
 * and this says so, with the reason, at the top of the run.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) {
    process.env.CONTRACT_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  try {
    const { MongoMemoryServer } = await import('mongodb-memory-server-core');
    const server = await Promise.race([
      MongoMemoryServer.create(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 20 s')), 20_000).unref()),
    ]);
    (globalThis as { __MONGOD__?: { stop(): Promise<boolean> } }).__MONGOD__ = server;
    process.env.CONTRACT_MONGODB_URI = server.getUri();
  } catch (e) {
    const reason = ((e as Error).message || String(e)).split('\n')[0]!.slice(0, 160);
    process.env.CONTRACT_MONGODB_SKIP = reason;
    process.stderr.write(`\n[contract] MongoDB leg SKIPPED: no MONGODB_URI and mongodb-memory-server could not start (${reason}).\n`);
  }
}
