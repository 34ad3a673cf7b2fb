/**
 * The writer the kept-figures contract test kills -9 (issue 29): opens the store in DATA_DIR (or the
 * MongoDB database KEPT_MONGODB_DB at KEPT_MONGODB_URI),
 * keeps the month, then makes random writes from SEED without end, printing `OP n` after each
 * (so the parent kills it in the middle of the sequence, often mid-write or mid-rebuild).
 */
import { createMongoStore } from '../../src/storage/mongo/mongo-store';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { PERIOD, prng, randomOp, seedWorld, START, type OpsState } from './figure-ops';

async function main(): Promise<void> {
  const uri = process.env.KEPT_MONGODB_URI;
  const store = uri
    ? await createMongoStore({ uri, dbName: process.env.KEPT_MONGODB_DB, allowStandalone: true })
    : createSqliteStore({ dataDir: process.env.DATA_DIR! });
  await seedWorld(store, 40);
  await store.kept!.keep(PERIOD, 1, new Date(START));
  const r = prng(Number(process.env.SEED));
  const s: OpsState = { now: START, n: 0, batch: Number(process.env.KEPT_BATCH ?? 200) };
  for (;;) {
    await randomOp(store, r, s);
    process.stdout.write(`OP ${s.n} ${s.now}\n`);
  }
}
void main();
