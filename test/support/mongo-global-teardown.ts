import type { WireShim } from './mongo-wire-shim';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __MONGO_SHIM__?: WireShim }).__MONGO_SHIM__?.stop();
  await (globalThis as { __MONGOD__?: { stop(): Promise<boolean> } }).__MONGOD__?.stop();
}
