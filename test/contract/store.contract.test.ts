/**
 * One contract, every adapter: the same assertions on domain values, never branching on
 * which adapter runs. SQLite always; MongoDB when the global setup found one.
 */
import { createDeps } from '../../src/services/create-deps';
import { createTranslator } from '../../src/i18n';
import { randomBytes } from 'node:crypto';
import { DomainError } from '../../src/domain/errors';
import type * as T from '../../src/domain/types';
import { baseType, isNullable, SPECS, type FieldDef } from '../../src/storage/schema';
import { createMongoStore } from '../../src/storage/mongo/mongo-store';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import type { Collection, Store } from '../../src/storage/store';
import type { RosterRow } from '../../src/domain/roster';
import type { RosterStage } from '../../src/storage/roster-stage';
import mongoose from 'mongoose';
import pino from 'pino';
import { fixedClock } from '../../src/domain/clock';
import { claimDue, enqueue } from '../../src/services/sending/outbox';
import { DAY_MS, pruneOld } from '../../src/services/setup/retention';
import { createRoomKeeper, recordMembership, takeRoom, UNSERVED } from '../../src/services/sending/rooms';
import { depsFor, tempDir } from '../support/fixtures';

interface Leg { name: string; open(): Promise<{ store: Store; cleanup(): Promise<void> }> }

const legs: Leg[] = [
  {
    name: 'sqlite',
    async open() {
      const tmp = tempDir();
      const store = createSqliteStore({ dataDir: tmp.dir });
      return { store, cleanup: async () => { await store.close(); tmp.cleanup(); } };
    },
  },
];
// the same SQLite store with every count made off the main thread (as a large street's are)
legs.push({
  name: 'sqlite, counts in a worker thread',
  async open() {
    const tmp = tempDir();
    const store = createSqliteStore({ dataDir: tmp.dir, offThreadHouses: 0 });
    return { store, cleanup: async () => { await store.close(); tmp.cleanup(); } };
  },
});
const mongoUri = process.env.CONTRACT_MONGODB_URI;
if (mongoUri) {
  // one database for the file, emptied before each test opens its store on it (every document of every collection;
  // the indexes stay, as the store would make them again): a store's first open of a database builds some forty
  // indexes, over a second a test on the stand-in
  const dbName = `anxin_contract_${randomBytes(4).toString('hex')}`;
  let client: InstanceType<typeof mongoose.mongo.MongoClient> | undefined;
  afterAll(async () => { await client?.close(); });
  legs.push({
    name: process.env.CONTRACT_MONGODB_KIND === 'shim' ? 'mongodb (wire stand-in: mongomock, not MongoDB)' : 'mongodb',
    async open() {
      client ??= await new mongoose.mongo.MongoClient(mongoUri).connect();
      const db = client.db(dbName);
      for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
        if (!name.startsWith('system.')) await db.collection(name).deleteMany({});
      }
      const store = await createMongoStore({ uri: mongoUri, allowStandalone: true, dbName });
      return { store, cleanup: async () => store.close() };
    },
  });
} else {
  describe.skip(`mongodb leg (skipped: ${process.env.CONTRACT_MONGODB_SKIP ?? 'no MongoDB available'})`, () => {
    it('runs the same contract against MongoDB', () => undefined);
  });
}

/** A value of the right type for each field, so every collection round-trips a full record. */
function sampleValue(def: FieldDef, i: number): unknown {
  switch (baseType(def)) {
    case 'string': return `v${i}-${randomBytes(3).toString('hex')}`;
    case 'int': return 1000 + i;
    case 'number': return i + 0.5;
    case 'bool': return i % 2 === 0;
    case 'date': return new Date(Date.UTC(2026, 10, 1 + i, 1, 2, 3, 4));
    case 'json': return { list: [i, 'x'], nested: { ok: true } };
  }
}

describe.each(legs)('Store contract: $name', (leg) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeEach(async () => { ({ store, cleanup } = await leg.open()); });
  afterEach(async () => { await cleanup(); });

  const community = (name: string) => store.communities.insert({ name });

  it('round-trips a full record of every collection, nulls included', async () => {
    for (const [key, spec] of Object.entries(SPECS)) {
      const coll = store[key as keyof typeof SPECS] as unknown as Collection<T.Entity>;
      const full = Object.fromEntries(Object.entries(spec.fields).map(([f, d], i) => [f, sampleValue(d as FieldDef, i)]));
      const saved = await coll.insert(full as never);
      expect(await coll.get(saved.id)).toEqual({ ...full, id: saved.id, createdAt: saved.createdAt, updatedAt: saved.updatedAt });
      const nullable = Object.entries(spec.fields).filter(([, d]) => isNullable(d as FieldDef));
      if (nullable.length) {
        const withNulls = { ...full, ...Object.fromEntries(nullable.map(([f]) => [f, null])) };
        for (const [f, d] of Object.entries(spec.fields)) if ((spec.unique ?? []).some((u) => (u as string[]).includes(f)) && !isNullable(d as FieldDef)) withNulls[f] = sampleValue(d as FieldDef, 50);
        const again = await coll.insert(withNulls as never);
        expect(await coll.get(again.id)).toMatchObject(Object.fromEntries(nullable.map(([f]) => [f, null])));
      }
    }
  });

  it('insert fills id and timestamps; get returns null for an unknown id', async () => {
    const c = await community('平山村');
    expect(c.id).toMatch(/^[0-9a-z]{20}$/);
    expect(c.createdAt).toBeInstanceOf(Date);
    expect(await store.communities.get(c.id)).toEqual(c);
    expect(await store.communities.get('nope')).toBeNull();
  });

  it('insert refuses a taken unique key with a conflict DomainError', async () => {
    await community('西墅社区');
    await expect(community('西墅社区')).rejects.toMatchObject({ name: 'DomainError', code: 'conflict' });
    await expect(community('西墅社区')).rejects.toBeInstanceOf(DomainError);
  });

  it('a unique key on one nullable field binds only non-null values', async () => {
    const base = { communityId: 'c', gridId: 'g', headHouseId: null, locale: null, botId: null };
    await store.groups.insert({ ...base, name: 'a', roomId: null });
    await store.groups.insert({ ...base, name: 'b', roomId: null });
    await store.groups.insert({ ...base, name: 'c', roomId: 'room-1' });
    await expect(store.groups.insert({ ...base, name: 'd', roomId: 'room-1' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('insertMany inserts all or, on a conflict, reports it', async () => {
    expect(await store.communities.insertMany([{ name: 'a' }, { name: 'b' }, { name: 'c' }])).toBe(3);
    expect(await store.communities.count({})).toBe(3);
    await expect(store.communities.insertMany([{ name: 'd' }, { name: 'a' }])).rejects.toMatchObject({ code: 'conflict' });
  });

  it('insertMany that meets a conflict leaves none of its records behind', async () => {
    await store.communities.insertMany([{ name: 'a' }]);
    await expect(store.communities.insertMany([{ name: 'd' }, { name: 'e' }, { name: 'a' }, { name: 'f' }])).rejects.toMatchObject({ code: 'conflict' });
    expect((await store.communities.find({})).map((c) => c.name)).toEqual(['a']);
  });

  async function houses() {
    const mk = (code: string, tenants: number, groupId: string, contactId: string | null) => ({
      code, address: `${code}路1号`, communityId: 'c1', gridId: 'g1', groupId, landlordId: 'l1', contactId, pendingContactId: null, tenants, rooms: 2, isKey: tenants >= 10,
    });
    await store.houses.insertMany([mk('A1', 3, 'x', null), mk('A2', 10, 'x', 'k1'), mk('A3', 12, 'y', null), mk('A4', 6, 'y', 'k2')]);
  }

  it('find filters by equality, null and every operator; sorts, limits and pages', async () => {
    await houses();
    const codes = async (f: Parameters<Store['houses']['find']>[0], o?: Parameters<Store['houses']['find']>[1]) => (await store.houses.find(f, o)).map((h) => h.code);
    expect(await codes({ groupId: 'x' })).toEqual(['A1', 'A2']);
    expect(await codes({ isKey: true })).toEqual(['A2', 'A3']);
    expect(await codes({ contactId: null })).toEqual(['A1', 'A3']);
    expect(await codes({ contactId: { ne: null } })).toEqual(['A2', 'A4']);
    expect(await codes({ code: { in: ['A4', 'A1', 'Z9'] } })).toEqual(['A1', 'A4']);
    expect(await codes({ code: { nin: ['A1'] } })).toEqual(['A2', 'A3', 'A4']);
    expect(await codes({ contactId: { ne: 'k1' } })).toEqual(['A1', 'A3', 'A4']);
    expect(await codes({ tenants: { gt: 6 } })).toEqual(['A2', 'A3']);
    expect(await codes({ tenants: { gte: 6, lt: 12 } })).toEqual(['A2', 'A4']);
    expect(await codes({ tenants: { lte: 6 } })).toEqual(['A1', 'A4']);
    expect(await codes({}, { sort: { tenants: -1 } })).toEqual(['A3', 'A2', 'A4', 'A1']);
    expect(await codes({}, { sort: { groupId: 1, tenants: -1 }, limit: 2, offset: 1 })).toEqual(['A1', 'A3']);
    expect((await store.houses.findOne({ groupId: 'y' }, { tenants: 1 }))?.code).toBe('A4');
    expect(await store.houses.findOne({ groupId: 'none' })).toBeNull();
    expect(await codes({}, { sort: { tenants: -1 }, offset: 2 })).toEqual(['A4', 'A1']);
  });

  it('find reads only the fields asked for, and the id', async () => {
    await houses();
    const full = await store.houses.find({ groupId: 'x' }, { sort: { code: 1 } });
    const some = await store.houses.find({ groupId: 'x' }, { sort: { code: 1 }, fields: ['code', 'contactId', 'isKey'] });
    expect(some).toEqual(full.map((h) => ({ id: h.id, code: h.code, contactId: h.contactId, isKey: h.isKey })));
    // a date comes back a date; the same filter without fields still reads every field
    expect((await store.houses.find({ groupId: 'x' }, { fields: ['createdAt'], limit: 1 }))[0]!.createdAt).toBeInstanceOf(Date);
    expect(await store.houses.find({ groupId: 'x' }, { sort: { code: 1 } })).toEqual(full);
  });

  it('in takes a list longer than any bound-parameter limit', async () => {
    await houses();
    const many = Array.from({ length: 40_000 }, (_, i) => `Z${i}`).concat('A3');
    expect((await store.houses.find({ code: { in: many } })).map((h) => h.code)).toEqual(['A3']);
  });

  it('filters compare dates as instants', async () => {
    const mk = (n: number, deadline: string) => ({
      communityId: 'c', gridId: 'g', groupId: 'x', number: n, houseId: `h${n}`, houseCode: `H${n}`, description: 'd', deadline: new Date(deadline),
      status: 'open' as const, openedBy: 's', evidencePhotoIds: [], sitePhotos: null, rectifiedAt: null, closedAt: null, closedBy: null,
    });
    await store.hazards.insertMany([mk(1, '2026-11-01T00:00:00Z'), mk(2, '2026-11-20T00:00:00Z')]);
    expect((await store.hazards.find({ deadline: { lt: new Date('2026-11-10T00:00:00Z') } })).map((h) => h.number)).toEqual([1]);
    expect((await store.hazards.find({ deadline: new Date('2026-11-20T00:00:00Z') })).map((h) => h.number)).toEqual([2]);
  });

  it('count and distinct honour the filter', async () => {
    await houses();
    expect(await store.houses.count({})).toBe(4);
    expect(await store.houses.count({ groupId: 'y', isKey: true })).toBe(1);
    expect((await store.houses.distinct('groupId', {})).sort()).toEqual(['x', 'y']);
    expect(await store.houses.distinct('isKey', { groupId: 'x' })).toEqual(expect.arrayContaining([true, false]));
    expect(await store.houses.distinct('code', { tenants: { gt: 100 } })).toEqual([]);
  });

  it('update patches fields, bumps updatedAt, and answers null for an unknown id', async () => {
    const c = await community('old');
    await new Promise((r) => setTimeout(r, 5));
    const u = await store.communities.update(c.id, { name: 'new' });
    expect(u).toMatchObject({ id: c.id, name: 'new', createdAt: c.createdAt });
    expect(u!.updatedAt.getTime()).toBeGreaterThan(c.updatedAt.getTime());
    expect(await store.communities.update('missing', { name: 'x' })).toBeNull();
    await community('taken');
    await expect(store.communities.update(c.id, { name: 'taken' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('updateWhere is a compare-and-set: only matching records change, and it says how many', async () => {
    await houses();
    expect(await store.houses.updateWhere({ groupId: 'x', contactId: null }, { contactId: 'k9' })).toBe(1);
    expect(await store.houses.updateWhere({ groupId: 'x', contactId: null }, { contactId: 'k9' })).toBe(0);
    expect((await store.houses.findOne({ code: 'A1' }))?.contactId).toBe('k9');
    // counted by match, not by change: setting a value it already has still counts the record
    expect(await store.houses.updateWhere({ code: 'A2', contactId: 'k1' }, { contactId: 'k1' })).toBe(1);
  });

  it('delete removes once', async () => {
    const c = await community('gone');
    expect(await store.communities.delete(c.id)).toBe(true);
    expect(await store.communities.delete(c.id)).toBe(false);
    expect(await store.communities.get(c.id)).toBeNull();
  });

  it('deleteWhere removes exactly what the filter matches and says how many', async () => {
    for (const name of ['a1', 'a2', 'b1']) await community(name);
    expect(await store.communities.deleteWhere({ name: { in: ['a1', 'a2', 'zz'] } })).toBe(2);
    expect(await store.communities.deleteWhere({ name: 'a1' })).toBe(0);
    expect((await store.communities.find({})).map((c) => c.name)).toEqual(['b1']);
  });

  it('retention prunes old processed ids, old sent entries and expired intents, and nothing else', async () => {
    const clock = fixedClock(new Date());
    const deps = createDeps({ store, clock, log: pino({ level: 'silent' }), timeZone: 'Asia/Shanghai', t: createTranslator('zh-CN'), locale: 'zh-CN' });
    expect(await store.markProcessed('old-msg', 'message')).toBe(true);
    await enqueue(deps, [{ key: 'k:sent', text: 'a', roomId: 'r1' }, { key: 'k:failed', text: 'b', roomId: 'r1' }, { key: 'k:pending', text: 'c', roomId: 'r1' }]);
    await store.outbox.updateWhere({ key: 'k:sent' }, { status: 'sent', sentAt: clock.now() });
    await store.outbox.updateWhere({ key: 'k:failed' }, { status: 'failed', error: 'x' });
    await store.intents.insert({ contactId: 'c1', conversation: 'r1', kind: 'label_next', item: 'smoke', houseId: null, photoId: null, hazardId: null, tipId: null, since: clock.now(), expiresAt: new Date(clock.now().getTime() + 600_000) });
    // 29 days on, only the expired intent goes
    clock.set(new Date(clock.now().getTime() + 29 * DAY_MS));
    expect(await pruneOld(deps, { days: 30 })).toEqual({ messages: 0, outbox: 0, intents: 1, transcripts: 0 });
    // 31 days on, the message id and the sent entry; failed and pending entries stay (work and evidence)
    clock.set(new Date(clock.now().getTime() + 2 * DAY_MS));
    const transcripts = { prune: (before: Date) => (before.getTime() === clock.now().getTime() - 30 * DAY_MS ? 7 : -1) };
    expect(await pruneOld(deps, { days: 30, transcripts })).toEqual({ messages: 1, outbox: 1, intents: 0, transcripts: 7 });
    expect((await store.outbox.find({}, { sort: { key: 1 } })).map((e) => e.key)).toEqual(['k:failed', 'k:pending']);
    expect(await store.processedMessages.count({})).toBe(0);
  });

  it('upsertMany creates, updates and leaves unchanged by natural key; omitted fields are kept', async () => {
    const first = await store.grids.upsertMany([{ communityId: 'c', name: 'g1' }, { communityId: 'c', name: 'g2' }], ['communityId', 'name']);
    expect(first.map((r) => r.outcome)).toEqual(['created', 'created']);
    const again = await store.grids.upsertMany([{ communityId: 'c', name: 'g2' }, { communityId: 'c', name: 'g1' }, { communityId: 'd', name: 'g1' }], ['communityId', 'name']);
    expect(again.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged', 'created']);
    expect(again[1]!.id).toBe(first[0]!.id);

    const base = { communityId: 'c', gridId: 'g', name: 'grp' };
    const [made] = await store.groups.upsertMany([base], ['gridId', 'name']);
    expect(made!.outcome).toBe('created');
    expect(await store.groups.get(made!.id)).toMatchObject({ roomId: null, headHouseId: null });
    await store.groups.update(made!.id, { roomId: 'room-9' });
    const [moved] = await store.groups.upsertMany([{ ...base, communityId: 'c2' }], ['gridId', 'name']);
    expect(moved).toEqual({ id: made!.id, outcome: 'updated' });
    expect(await store.groups.get(made!.id)).toMatchObject({ communityId: 'c2', roomId: 'room-9' });
  });

  it('upsertMany with the same key twice in one call makes one record', async () => {
    const r = await store.landlords.upsertMany([{ name: '陈', phone: '13800000000' }, { name: '陈二', phone: '13800000000' }], ['phone']);
    expect(r.map((x) => x.outcome)).toEqual(['created', 'updated']);
    expect(r[0]!.id).toBe(r[1]!.id);
    expect(await store.landlords.find({})).toEqual([expect.objectContaining({ name: '陈二', phone: '13800000000' })]);
  });

  it('concurrent upsertMany of the same records: one call creates them, the other finds them unchanged', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ name: `房东${i}`, phone: `1380000${String(i).padStart(4, '0')}` }));
    const [a, b] = await Promise.all([store.landlords.upsertMany(rows, ['phone']), store.landlords.upsertMany(rows, ['phone'])]);
    expect([a, b].map((r) => [...new Set(r.map((x) => x.outcome))].join()).sort()).toEqual(['created', 'unchanged']);
    expect(a!.map((x) => x.id)).toEqual(b!.map((x) => x.id));
    expect(await store.landlords.count({})).toBe(40);
  });

  it('nextSequence counts from 1 per name, atomically under concurrency', async () => {
    expect(await store.nextSequence('hazard')).toBe(1);
    const many = await Promise.all(Array.from({ length: 20 }, () => store.nextSequence('hazard')));
    expect(new Set(many).size).toBe(20);
    expect(Math.max(...many)).toBe(21);
    expect(await store.nextSequence('tip')).toBe(1);
  });

  it('markProcessed is true once per message id', async () => {
    expect(await store.markProcessed('msg-1', 'message')).toBe(true);
    expect(await store.markProcessed('msg-1', 'message')).toBe(false);
    const race = await Promise.all([store.markProcessed('msg-2', 'message'), store.markProcessed('msg-2', 'message')]);
    expect(race.filter(Boolean)).toHaveLength(1);
  });

  it('blobs are content-addressed: put, has, get, and a second put of the same bytes creates nothing', async () => {
    const bytes = randomBytes(2048);
    const put = await store.blobs.put(bytes);
    expect(put).toMatchObject({ size: 2048, created: true });
    expect(put.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.blobs.has(put.sha256)).toBe(true);
    expect(Buffer.compare((await store.blobs.get(put.sha256))!, bytes)).toBe(0);
    expect((await store.blobs.put(Buffer.from(bytes))).created).toBe(false);
    expect(await store.blobs.get('0'.repeat(64))).toBeNull();
    expect(await store.blobs.has('../../etc/passwd')).toBe(false);
  });

  it('concurrent puts of the same bytes store them once: exactly one says created', async () => {
    const bytes = randomBytes(300_000); // more than one GridFS chunk
    const puts = await Promise.all([1, 2, 3].map(() => store.blobs.put(Buffer.from(bytes))));
    expect(puts.filter((p) => p.created)).toHaveLength(1);
    expect(Buffer.compare((await store.blobs.get(puts[0]!.sha256))!, bytes)).toBe(0);
  });

  it('figures and house rows are counted by the store exactly as a recount of the raw records (random street)', async () => {
    let seed = 11;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const now = new Date('2026-11-15T02:00:00Z');
    const houses: T.House[] = [];
    for (let c = 0; c < 2; c += 1) {
      const com = await community(`社区${c}`);
      for (let g = 0; g < 2; g += 1) {
        const grid = await store.grids.insert({ communityId: com.id, name: `网格${g}` });
        for (let k = 0; k < 2; k += 1) {
          const group = await store.groups.insert({ communityId: com.id, gridId: grid.id, name: `组${k}`, headHouseId: null, roomId: null, locale: null, botId: null });
          for (let h = 0; h < 3 + rnd(5); h += 1) {
            const landlord = await store.landlords.insert({ name: `房东${houses.length}`, phone: `1390000${String(houses.length).padStart(4, '0')}` });
            houses.push(await store.houses.insert({ code: `P${String(houses.length).padStart(5, '0')}`, address: `路${houses.length}号`, communityId: com.id, gridId: grid.id, groupId: group.id, landlordId: landlord.id, contactId: null, pendingContactId: null, tenants: rnd(15), rooms: 3, isKey: rnd(3) === 0 }));
          }
        }
      }
    }
    const round = await store.rounds.insert({ period: '2026-11', deadline: now, scope: 'street', status: 'open', openedAt: now });
    const older = await store.rounds.insert({ period: '2026-10', deadline: now, scope: 'street', status: 'closed', openedAt: now });
    const statuses = ['partial', 'complete', 'approved', 'returned'] as const;
    for (const h of houses) {
      const at = { communityId: h.communityId, gridId: h.gridId, groupId: h.groupId, houseId: h.id, houseCode: h.code };
      for (const v of [1, 2]) if (rnd(2)) await store.commitments.insert({ ...at, letterVersion: v, landlordId: h.landlordId, contactId: null, messageId: null, at: now });
      for (const r of [round, older]) if (rnd(3)) await store.submissions.insert({ ...at, roundId: r.id, period: r.period, status: statuses[rnd(4)]!, items: {}, returnReason: null, reviewedBy: rnd(2) ? 'user:x' : null, reviewedAt: null });
      for (let z = rnd(3); z > 0; z -= 1) {
        await store.hazards.insert({ ...at, number: await store.nextSequence('hz'), description: 'x', deadline: new Date(now.getTime() + (rnd(5) - 2) * 86_400_000), status: (['open', 'rectified', 'closed'] as const)[rnd(3)]!, openedBy: 'x', evidencePhotoIds: [], sitePhotos: null, rectifiedAt: null, closedAt: null, closedBy: null });
      }
      if (rnd(2)) await store.points.insert({ landlordId: h.landlordId, contactId: null, gridId: h.gridId, reason: 'commitment', amount: 5 + rnd(10), refId: `r${h.id}` });
    }
    // the recount, from the records themselves
    const [cms, subs, hzs, pts] = await Promise.all([store.commitments.find({}), store.submissions.find({ period: '2026-11' }), store.hazards.find({}), store.points.find({})]);
    const live = hzs.filter((z) => z.status !== 'closed');
    const flags = (h: T.House) => {
      const committed = cms.some((c) => c.houseId === h.id && c.letterVersion === 2);
      const mine = subs.filter((x) => x.houseId === h.id);
      const approved = mine.some((x) => x.status === 'approved');
      const overdue = live.some((z) => z.houseId === h.id && z.deadline < now);
      return { committed, submitted: mine.some((x) => x.status === 'complete' || x.status === 'approved'), approved, compliant: committed && approved && !overdue };
    };
    const recount = (hs: T.House[], zs: T.Hazard[]) => ({
      houses: hs.length, keyHouses: hs.filter((h) => h.isKey).length,
      committed: hs.filter((h) => flags(h).committed).length, submitted: hs.filter((h) => flags(h).submitted).length,
      approved: hs.filter((h) => flags(h).approved).length, compliant: hs.filter((h) => flags(h).compliant).length,
      hazardsOpen: zs.length, hazardsOverdue: zs.filter((z) => z.deadline < now).length,
    });
    const q = { period: '2026-11', letterVersion: 2, now };
    expect((await store.figures({ ...q, where: {}, by: 'all' }))[0]).toEqual({ key: null, ...recount(houses, live) });
    for (const [by, field] of [['community', 'communityId'], ['grid', 'gridId'], ['group', 'groupId']] as const) {
      const rows = await store.figures({ ...q, where: {}, by });
      const keys = [...new Set(houses.map((h) => h[field]))];
      expect(rows.sort((a, b) => a.key!.localeCompare(b.key!))).toEqual(keys.sort().map((k) => ({ key: k, ...recount(houses.filter((h) => h[field] === k), live.filter((z) => z[field] === k)) })));
    }
    const grid = houses[0]!.gridId;
    expect(await store.figures({ ...q, where: { gridId: grid }, by: 'all' })).toEqual([{ key: null, ...recount(houses.filter((h) => h.gridId === grid), live.filter((z) => z.gridId === grid)) }]);
    expect(await store.figures({ ...q, where: { gridId: 'nowhere' }, by: 'all' })).toEqual([{ key: null, ...recount([], []) }]);

    // house rows, paged by code (keyset), equal the recount too
    const year = { gte: new Date('2025-12-31T16:00:00Z'), lt: new Date('2026-12-31T16:00:00Z') };
    const paged: Awaited<ReturnType<Store['houseFigures']>> = [];
    for (let after: string | undefined; ;) {
      const page = await store.houseFigures({ ...q, where: {}, by: 'all', year, afterCode: after, limit: 7 });
      paged.push(...page);
      if (page.length < 7) break;
      after = page.at(-1)!.code;
    }
    expect(paged.map((r) => r.code)).toEqual(houses.map((h) => h.code));
    for (const r of paged) {
      const h = houses.find((x) => x.id === r.houseId)!;
      const mine = subs.filter((x) => x.houseId === h.id);
      expect(r).toMatchObject({
        committed: flags(h).committed, isKey: h.isKey, submission: mine[0]?.status ?? null, approvedBy: mine.find((x) => x.status === 'approved')?.reviewedBy ?? null,
        hazardsOpen: live.filter((z) => z.houseId === h.id).length, hazardsOverdue: live.filter((z) => z.houseId === h.id && z.deadline < now).length,
        points: pts.filter((p) => p.landlordId === h.landlordId).reduce((a, p) => a + p.amount, 0), landlordPhone: (await store.landlords.get(h.landlordId))!.phone,
      });
    }
  }, 120_000); // a random street recounted: heavy on the stand-in, waits on nothing but work

  it('several accounts (SPEC §4): a room is served by one member account; after its lease another member takes it with its unsent entries; a non-member gets none', async () => {
    const deps = depsFor(store, '2026-11-15T02:00:00Z');
    const keeper = (account: string, rooms: string[]) => {
      const k = createRoomKeeper(deps, { worker: account.toLowerCase(), leaseMs: 1000, everyMs: 3_600_000 });
      return k.start(account, rooms).then(() => k);
    };
    const claim = (account: string, limit = 10) => claimDue(deps, { account, worker: account.toLowerCase(), leaseMs: 1000, limit });
    const accountOf = async (key: string) => (await store.outbox.findOne({ key }))!.account;
    await recordMembership(deps, 'B', ['r1']);
    await recordMembership(deps, 'C', ['r3']);
    await recordMembership(deps, 'D', ['r4']);
    const a = await keeper('A', ['r1', 'r2']);
    expect(a.serves('r1') && a.serves('r2')).toBe(true);
    expect(await takeRoom(deps, { roomId: 'r1', account: 'B', worker: 'b', leaseMs: 1000 })).toBeNull();

    await enqueue(deps, [
      { key: 'k1', roomId: 'r1', text: 't', account: 'B' }, { key: 'k2', roomId: 'r1', text: 't', account: 'A' },
      { key: 'k3', roomId: 'r2', text: 't', account: 'C' }, { key: 'k4', roomId: 'r2', text: 't' }, { key: 'k5', roomId: 'r4', text: 't', account: 'C' },
    ]);
    // entries of A's rooms go to A; C, in none of these rooms, sends nothing: r4's entry waits for its member D
    expect(await claim('B')).toEqual([]);
    expect(await claim('C')).toEqual([]);
    expect([await accountOf('k1'), await accountOf('k3'), await accountOf('k5')]).toEqual(['A', 'A', UNSERVED]);
    const d = await keeper('D', ['r4']); // D logs in: it serves r4 and gets its waiting entry
    expect((await claim('D')).map((e) => e.key)).toEqual(['k5']);
    await d.stop();
    // A takes one entry of r1 and stops renewing (its process died inside that send)
    const [cut] = await claim('A', 1);
    expect(cut!.roomId).toBe('r1');
    await a.stop();
    deps.clock.advance(1001);
    // r1's other member takes it, with its unsent entries, the one cut in half included; r2 has no other member
    const b = await keeper('B', ['r1']);
    expect(b.serves('r1')).toBe(true);
    expect(b.serves('r2')).toBe(false);
    expect(await store.roomLeases.count({ roomId: 'r2', account: 'A' })).toBe(1);
    expect((await claim('B')).map((e) => e.key).sort()).toEqual(['k1', 'k2']);
    expect(await claim('C')).toEqual([]);
    expect(await store.outbox.count({ roomId: 'r2', account: { ne: 'A' } })).toBe(0);
    await b.stop();
  });

  it('ping answers true while open and false once closed', async () => {
    expect(await store.ping()).toBe(true);
    await store.close();
    expect(await store.ping()).toBe(false);
  });

  describe('roster stage (issue 24: the same checks, outcomes and warnings on every adapter)', () => {
    /** house `i` of group `group` (grid 1 of 甲社区 unless said), its landlord's phone from `i` */
    const house = (row: number, i: number, group: string, more: Partial<RosterRow> = {}): RosterRow => ({
      row, community: '甲社区', grid: '甲第1网格', group, houseCode: `H${String(i).padStart(4, '0')}`, address: `甲路${i}号`,
      landlord: `房东${i}`, phone: `1370000${String(i).padStart(4, '0')}`, tenants: 2, rooms: 1, head: false, isKey: false, ...more,
    });
    /** stages `rows` (in batches of 7), checks and applies them; the stage closed whatever happens */
    const imported = async (rows: RosterRow[]) => {
      const stage = await store.roster.stage();
      try {
        for (let i = 0; i < rows.length; i += 7) await stage.add(rows.slice(i, i + 7));
        expect(await stage.check(100)).toEqual({ errors: [], rows: 0 });
        return await stage.apply('contract');
      } finally {
        await stage.close();
      }
    };
    // group 一组: 10 houses, H0000 its head; 二组: 10 houses, H0010 its head
    const street = () => Array.from({ length: 20 }, (_, i) => house(i + 2, i, i < 10 ? '一组' : '二组', { head: i % 10 === 0 }));

    it('applies a roster: created, then unchanged when applied again, one audit entry each, no warnings', async () => {
      expect(await imported(street())).toEqual({ created: 20, updated: 0, unchanged: 0, warnings: [] });
      expect(await imported(street())).toEqual({ created: 0, updated: 0, unchanged: 20, warnings: [] });
      const one = (await store.groups.findOne({ name: '一组' }))!;
      expect((await store.houses.get(one.headHouseId!))!.code).toBe('H0000');
      expect(await store.houses.count({ groupId: one.id })).toBe(10);
      expect(await store.audit.count({ action: 'import_roster' })).toBe(2);
    });

    it('warns of a head changing, a house moving group, a landlord renamed, and a group the file takes past 15 houses, in row order', async () => {
      await imported(street());
      const rows = street();
      rows[0] = { ...rows[0]!, head: false };
      rows[1] = { ...rows[1]!, head: true }; // 一组's head: H0000 → H0001
      rows[2] = { ...rows[2]!, group: '二组' }; // H0002 moves to 二组
      rows[3] = { ...rows[3]!, landlord: '房东三改' }; // the same phone, another name
      // six new houses for 二组, which then has 17 (10, H0002 moved in, 6 new)
      for (let i = 0; i < 6; i += 1) rows.push(house(22 + i, 100 + i, '二组'));
      const r = await imported(rows);
      expect(r).toEqual({
        created: 6, updated: 3, unchanged: 17, warnings: [
          { row: 3, key: 'head_changed', params: { group: '一组', from: 'H0000', to: 'H0001' } },
          { row: 4, key: 'house_moved', params: { code: 'H0002', from: '一组', to: '二组' } },
          // (at the group's first row in the file: H0002's)
          { row: 4, key: 'group_large', params: { group: '二组', count: 17 } },
          { row: 5, key: 'landlord_renamed', params: { from: '房东3', to: '房东三改' } },
        ],
      });
      // the same file again: nothing changes, and a group already that large is not told again
      expect(await imported(rows)).toEqual({ created: 0, updated: 0, unchanged: 26, warnings: [] });
      // a file naming only some of 二组's houses: the others stay in it and count; three more make it 20
      const more = [0, 1, 2].map((i) => house(2 + i, 200 + i, '二组'));
      expect((await imported(more)).warnings).toEqual([{ row: 2, key: 'group_large', params: { group: '二组', count: 20 } }]);
      // two of them leave for a new group: 18 left, smaller, nothing to tell but the moves
      const out = [200, 201].map((i, k) => house(2 + k, i, '三组'));
      expect((await imported(out)).warnings).toEqual([
        { row: 2, key: 'house_moved', params: { code: 'H0200', from: '二组', to: '三组' } },
        { row: 3, key: 'house_moved', params: { code: 'H0201', from: '二组', to: '三组' } },
      ]);
      expect(await store.houses.count({ groupId: (await store.groups.findOne({ name: '二组' }))!.id })).toBe(18);
    }, 120_000); // two imports of a street

    it('previews a roster (the import\'s dry run, issue 26): the houses it would add and the same warnings as apply, nothing written', async () => {
      await imported(street());
      const rows = street();
      rows[1] = { ...rows[1]!, head: true };
      rows[0] = { ...rows[0]!, head: false };
      rows[2] = { ...rows[2]!, group: '二组' };
      rows.push(house(22, 100, '二组'));
      const before = { houses: await store.houses.count({}), audit: await store.audit.count({}), groups: await store.groups.count({}) };
      const stage = await store.roster.stage();
      let preview;
      try {
        await stage.add(rows);
        preview = await stage.preview();
      } finally {
        await stage.close();
      }
      expect(preview).toEqual({
        rows: 21,
        created: 1,
        warnings: [
          { row: 3, key: 'head_changed', params: { group: '一组', from: 'H0000', to: 'H0001' } },
          { row: 4, key: 'house_moved', params: { code: 'H0002', from: '一组', to: '二组' } },
        ],
      });
      expect({ houses: await store.houses.count({}), audit: await store.audit.count({}), groups: await store.groups.count({}) }).toEqual(before);
      expect((await store.houses.findOne({ code: 'H0002' }))!.groupId).toBe((await store.groups.findOne({ name: '一组' }))!.id);
      // and the import the preview foretold warns the same
      expect((await imported(rows)).warnings).toEqual(preview.warnings);
    });

    it('checks across rows: a code twice, two heads in a group, a phone under two names, a grid of another community; nothing applied', async () => {
      await imported(street());
      const stage = await store.roster.stage();
      try {
        await stage.add([
          house(2, 50, '四组', { head: true }),
          house(3, 50, '四组'), // H0050 again
          house(4, 51, '四组', { head: true }), // a second head of 四组
          house(5, 52, '四组', { phone: '13700000050' }), // 房东52 on 房东50's phone
          house(6, 53, '五组', { community: '乙社区' }), // 甲第1网格 is 甲社区's
        ]);
        const checked = await stage.check(100);
        expect(checked.rows).toBe(4);
        expect(checked.errors.map((e) => e.row).sort()).toEqual([3, 4, 5, 6]);
        expect((await stage.check(2)).errors).toHaveLength(2);
      } finally {
        await stage.close();
      }
      expect(await store.houses.count({})).toBe(20);
    });

    it('stages batches posted through its inlet (a reader on another thread) as through add', async () => {
      const stage: RosterStage = await store.roster.stage();
      try {
        const inlet = stage.inlet();
        const rows = street();
        for (const batch of [rows.slice(0, 12), rows.slice(12)]) {
          const answered = new Promise((resolve) => inlet.once('message', resolve));
          inlet.postMessage({ rows: batch });
          expect(await answered).toBe('ack');
        }
        inlet.close();
        expect(await stage.check(10)).toEqual({ errors: [], rows: 0 });
        expect(await stage.apply('contract')).toMatchObject({ created: 20, warnings: [] });
      } finally {
        await stage.close();
      }
    });
  });
});
