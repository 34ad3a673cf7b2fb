/**
 * Figures kept, not recounted (issue 29): whatever sequence of writes lands — commitments,
 * submissions and reviews, hazards opened, rectified, closed and reopened, imports, houses
 * moved and removed, the clock moving past deadlines, a new month or letter begun — the kept
 * counters equal a recount, for every grouping and scope; also after a kill -9 mid-sequence.
 * One contract for every adapter that keeps figures.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import path from 'node:path';
import mongoose from 'mongoose';
import { createMongoStore } from '../../src/storage/mongo/mongo-store';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import type { Store } from '../../src/storage/store';
import { hazardDraft, keptAndCounted, PERIOD, prng, randomOp, seedWorld, START, type OpsState } from '../support/figure-ops';
import { tempDir } from '../support/fixtures';
import { childArgs } from '../support/child-script';

interface Leg {
  name: string;
  open(dir: string): Promise<Store>;
  /**
   * Behind the store's back: group `g`'s committed count off by 3, a house of group `other` dropped from the
   * counters (its kept row and its part of its group, as a row deleted under SQLite's triggers is), and the
   * street's sum off by one house.
   */
  tamper(dir: string, g: string, other: string): Promise<void>;
  /** what the kill -9 child needs to open the same store */
  childEnv(dir: string): Record<string, string>;
  /** the random sequences: seeds, steps each, records per batch op, and the op the writer is killed after */
  sequence: { seeds: number[]; steps: number; batch: number; killAt: number };
}
const legs: Leg[] = [
  {
    name: 'sqlite',
    open: async (dir) => createSqliteStore({ dataDir: dir }),
    tamper: async (dir, g, other) => {
      const db = new Database(path.join(dir, 'anxin.db'));
      db.pragma('busy_timeout = 5000');
      db.exec(`UPDATE figure_groups SET committed = committed + 3 WHERE groupId = '${g}';
      DELETE FROM figure_houses WHERE houseId = (SELECT id FROM houses WHERE groupId = '${other}' LIMIT 1);
      UPDATE figure_street SET houses = houses + 1`);
      db.close();
    },
    childEnv: (dir) => ({ DATA_DIR: dir }),
    sequence: { seeds: [1, 2], steps: 150, batch: 200, killAt: 120 },
  },
];
const mongoUri = process.env.CONTRACT_MONGODB_URI;
/** on the stand-in, one seed whose 30 steps reach every kind of write (all by step 12, a batch and an import among them) */
const MONGO_SHIM_SEED = 10;
if (mongoUri) {
  // one database per test, named after its folder (the kill -9 test reopens the same one)
  const dbName = (dir: string) => `anxin_kept_${path.basename(dir).replace(/[^A-Za-z0-9]/g, '')}`;
  legs.push({
    name: process.env.CONTRACT_MONGODB_KIND === 'shim' ? 'mongodb (wire stand-in: mongomock, not MongoDB)' : 'mongodb',
    open: (dir) => createMongoStore({ uri: mongoUri, allowStandalone: true, dbName: dbName(dir) }),
    tamper: async (dir, g, other) => {
      const client = await new mongoose.mongo.MongoClient(mongoUri).connect();
      try {
        const db = client.db(dbName(dir));
        await db.collection<{ _id: string }>('figure_groups').updateOne({ groupId: g }, { $inc: { committed: 3 } });
        const h = (await db.collection<{ _id: string }>('houses').findOne({ groupId: other }))!;
        type Row = { _id: string; groupId: string; gridId: string; communityId: string } & Record<
          'isKey' | 'committed' | 'submitted' | 'approved' | 'overdue',
          boolean
        >;
        const row = (await db.collection<Row>('figure_houses').findOneAndDelete({ _id: h._id }))!;
        const part = {
          houses: -1,
          keyHouses: -row.isKey,
          committed: -row.committed,
          submitted: -row.submitted,
          approved: -row.approved,
          compliant: -(row.committed && row.approved && !row.overdue),
        };
        await db
          .collection<{ _id: string }>('figure_groups')
          .updateOne({ groupId: row.groupId, gridId: row.gridId, communityId: row.communityId }, { $inc: part });
        await db
          .collection<{ _id: string }>('figure_grids')
          .updateOne({ gridId: row.gridId, communityId: row.communityId }, { $inc: part });
        await db.collection<{ _id: string }>('figure_communities').updateOne({ _id: row.communityId }, { $inc: part });
        await db.collection<{ _id: number }>('figure_street').updateOne({ _id: 1 }, { $inc: { ...part, houses: 0 } });
      } finally {
        await client.close();
      }
    },
    childEnv: (dir) => ({ KEPT_MONGODB_URI: mongoUri, KEPT_MONGODB_DB: dbName(dir), KEPT_BATCH: '20' }),
    // mongomock answers each recount's $lookup house by house, in Python: a shorter sequence on the stand-in
    // (a seed that still reaches every kind of write), the whole of it against a real server
    sequence:
      process.env.CONTRACT_MONGODB_KIND === 'shim'
        ? { seeds: [MONGO_SHIM_SEED], steps: 30, batch: 20, killAt: 30 }
        : { seeds: [1, 2], steps: 150, batch: 200, killAt: 120 },
  });
} else {
  describe.skip(`mongodb leg (skipped: ${process.env.CONTRACT_MONGODB_SKIP ?? 'no MongoDB available'})`, () => {
    it('runs the same kept-figures contract against MongoDB', () => undefined);
  });
}

describe.each(legs)('Kept figures contract: $name', (leg) => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  beforeEach(async () => {
    tmp = tempDir('anxin-kept-');
    store = await leg.open(tmp.dir);
  });
  afterEach(async () => {
    await store.close();
    tmp.cleanup();
  });

  it.each(leg.sequence.seeds)('equal a recount after every step of a random sequence of writes (seed %i)', async (seed) => {
    await seedWorld(store);
    expect(await store.kept!.keep(PERIOD, 1, new Date(START))).toBe('rebuilt');
    const r = prng(seed);
    const s: OpsState = { now: START, n: 0, batch: leg.sequence.batch };
    const done = new Map<string, number>();
    for (let i = 0; i < leg.sequence.steps; i += 1) {
      const what = await randomOp(store, r, s);
      done.set(what.split(' ')[0]!, (done.get(what.split(' ')[0]!) ?? 0) + 1);
      // a month or letter begun is kept once rebuilt (keep resolves then)
      const { kept, counted } = await keptAndCounted(store, new Date(s.now));
      expect({ step: i, what, kept }).toEqual({ step: i, what, counted: undefined, kept: counted });
    }
    // the sequence did reach every kind of write
    for (const kind of ['house', 'commitment', 'submission', 'hazard', 'import', 'batch', 'clock'])
      expect(done.get(kind) ?? 0).toBeGreaterThan(0);
    const st = await store.kept!.state();
    expect((await store.kept!.verify()).drift).toEqual([]);
    expect((await store.kept!.state()).verifiedAt).not.toBeNull();
    expect(st.ready).toBe(true);
  });

  it('read nothing for a month or letter they do not keep, or while a rebuild is under way', async () => {
    await seedWorld(store, 4);
    const q = { where: {}, by: 'all' as const, period: PERIOD, letterVersion: 1, now: new Date(START) };
    expect(await store.kept!.read(q)).toBeNull(); // never kept yet
    const rebuilding = store.kept!.keep(PERIOD, 1, new Date(START));
    expect(await store.kept!.read(q)).toBeNull();
    await rebuilding;
    expect(await store.kept!.read(q)).toEqual(await store.figures(q));
    expect(await store.kept!.read({ ...q, period: '2026-10' })).toBeNull();
    expect(await store.kept!.read({ ...q, letterVersion: 2 })).toBeNull();
    expect(await store.kept!.keep(PERIOD, 1, new Date(START))).toBe('kept');
  });

  it('a hazard past its deadline is overdue at the next read, with no write', async () => {
    await seedWorld(store, 2);
    await store.kept!.keep(PERIOD, 1, new Date(START));
    const h = (await store.houses.findOne({}))!;
    await store.hazards.insert(hazardDraft(h, { number: 1, description: 'x', openedBy: 'u', deadline: new Date(START + 60_000) }));
    const at = (ms: number) => store.kept!.read({ where: {}, by: 'all', period: PERIOD, letterVersion: 1, now: new Date(START + ms) });
    expect((await at(0))![0]!.hazardsOverdue).toBe(0);
    expect((await at(60_001))![0]!.hazardsOverdue).toBe(1);
    expect((await store.kept!.state()).asOf).toEqual(new Date(START + 60_001));
    // the scheduler's move, and back (a clock set earlier)
    expect(await store.kept!.advance(new Date(START + 30_000))).toBe(1);
    expect((await at(30_000))![0]!.hazardsOverdue).toBe(0);
  });

  it('a verifying recount finds counters made to drift, reports where and by how much, and repairs them', async () => {
    await seedWorld(store);
    await store.kept!.keep(PERIOD, 1, new Date(START));
    const g = (await store.groups.findOne({}, { name: 1 }))!;
    const other = (await store.groups.findOne({ id: { ne: g.id } }))!;
    // behind the store's back: a group's committed count off by 3, a house's flags lost, and the street's sum off by one house
    await leg.tamper(tmp.dir, g.id, other.id);
    // (this turn's reads share one read transaction, begun before the tamper: the next turn sees it)
    await new Promise((r) => setImmediate(r));
    const now = new Date(START);
    const before = await keptAndCounted(store, now);
    expect(before.kept).not.toEqual(before.counted);
    const { drift } = await store.kept!.verify();
    expect(drift).toHaveLength(2);
    expect(drift.find((d) => d.groupId === g.id)).toMatchObject({ committed: -3, houses: 0 });
    expect(drift.find((d) => d.groupId === other.id)).toMatchObject({ houses: 1 });
    // the two groups, and the street's sum (summed afresh from the groups)
    expect(await store.kept!.state()).toMatchObject({ drifted: 3, repairs: 3 });
    const after = await keptAndCounted(store, now);
    expect(after.kept).toEqual(after.counted);
    expect((await store.kept!.verify()).drift).toEqual([]);
    expect(await store.kept!.state()).toMatchObject({ drifted: 0, repairs: 3 });
  });

  it('equal a recount after a writer is killed -9 mid-sequence, reopened', async () => {
    await store.close();
    const child = spawn(process.execPath, childArgs('test/support/kept-figures-child'), {
      env: { ...process.env, ...leg.childEnv(tmp.dir), SEED: '29' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let said = '';
    const exited = new Promise((r) => child.on('exit', r));
    // killed once it has made killAt writes (the next one under way)
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (d: Buffer) => {
        said += d.toString();
        if (new RegExp(`OP ${leg.sequence.killAt} `).test(said)) resolve();
      });
      child.on('exit', () => resolve());
    });
    child.kill('SIGKILL');
    await exited;
    expect(said).toMatch(new RegExp(`OP ${leg.sequence.killAt} `));
    store = await leg.open(tmp.dir);
    const last = said.trim().split('\n').at(-1)!.split(' ');
    const now = new Date(Number(last[2]));
    // a rebuild cut short is finished by the next keep; then the counters equal a recount (without transactions, on the
    // stand-in or a standalone server, a write and its counters' update can be cut apart: the first keep verifies and repairs)
    const st = await store.kept!.state();
    await store.kept!.keep(st.period, st.letterVersion, now);
    const { kept, counted } = await keptAndCounted(store, now);
    expect(kept).toEqual(counted);
    expect((await store.kept!.verify()).drift).toEqual([]);
    // and the sequence goes on from there, still equal
    const r = prng(30);
    const s: OpsState = { now: now.getTime(), n: 1000, batch: leg.sequence.batch };
    for (let i = 0; i < 20; i += 1) await randomOp(store, r, s);
    const again = await keptAndCounted(store, new Date(s.now));
    expect(again.kept).toEqual(again.counted);
  });
});
