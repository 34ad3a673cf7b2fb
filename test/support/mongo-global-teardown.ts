export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __MONGOD__?: { stop(): Promise<boolean> } }).__MONGOD__?.stop();
}
