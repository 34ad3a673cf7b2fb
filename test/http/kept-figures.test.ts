/**
 * Issue 29 through the API: /stats and the ranking read the kept counters (no recount), a
 * write shows at once, a deadline passing shows with no write, a month begun is recounted
 * until the scheduler has started keeping it, and drift is found, repaired and shown on /healthz.
 */
import Database from 'better-sqlite3';
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { keepFiguresCurrent, verifyFigures } from '../../src/services/figures/kept-figures';
import { auth, rosterAppFixture } from '../support/app-fixture';
import { hazardDraft } from '../support/figure-ops';

type Fixture = Awaited<ReturnType<typeof rosterAppFixture>>;

describe('figures kept, not recounted (issue 29)', () => {
  let f: Fixture;
  let counts: jest.SpyInstance;
  const stats = async (q = '') => (await request(f.server).get(`/api/v1/stats${q}`).set(auth(f.adminToken)).expect(200)).body;
  beforeAll(async () => {
    f = await rosterAppFixture();
    const round = await f.store.rounds.insert({
      period: '2026-11',
      deadline: new Date('2026-11-20T12:00:00Z'),
      scope: 'street',
      status: 'open',
      openedAt: new Date(),
    });
    const letter = (await f.store.letters.findOne({}, { version: -1 }))!;
    for (const code of ['P00001', 'P00002', 'P00023', 'S00011']) {
      const h = (await f.store.houses.findOne({ code }))!;
      const at = { communityId: h.communityId, gridId: h.gridId, groupId: h.groupId, houseId: h.id, houseCode: h.code };
      await f.store.submissions.insert({
        ...at,
        roundId: round.id,
        period: '2026-11',
        status: code === 'S00011' ? 'complete' : 'approved',
        items: {},
        returnReason: null,
        reviewedBy: 'user:r',
        reviewedAt: new Date(),
      });
      await f.store.commitments.insert({
        ...at,
        letterVersion: letter.version,
        landlordId: h.landlordId,
        contactId: null,
        messageId: null,
        at: new Date(),
      });
    }
    // what the scheduler does on its first tick
    expect(await keepFiguresCurrent(f.deps)).toMatchObject({ kept: true, rebuilt: true });
    counts = jest.spyOn(f.store, 'figures');
  });
  afterAll(() => f.close());
  beforeEach(() => counts.mockClear());

  it('/stats and the ranking answer from the counters, equal to a recount, and a write shows at once', async () => {
    const street = await stats();
    const ranking = (await request(f.server).get('/api/v1/stats/ranking?by=grid').set(auth(f.adminToken)).expect(200)).body;
    expect(counts).not.toHaveBeenCalled();
    const { key: _key, ...recount } = (
      await f.store.figures({ where: {}, by: 'all', period: '2026-11', letterVersion: street.letterVersion, now: f.deps.clock.now() })
    )[0]!;
    expect(street).toMatchObject({ ...recount, houses: 40, approved: 3, compliant: 3 });
    expect(ranking.items.reduce((a: number, x: { compliant: number }) => a + x.compliant, 0)).toBe(3);
    counts.mockClear();
    // a set returned by the reviewer: /stats moves with it, still with no recount
    const h = (await f.store.houses.findOne({ code: 'P00001' }))!;
    await f.store.submissions.updateWhere({ houseId: h.id }, { status: 'returned' });
    expect(await stats()).toMatchObject({ approved: 2, compliant: 2, submitted: 3 });
    expect(counts).not.toHaveBeenCalled();
  });

  it('a hazard past its deadline is overdue on the next /stats, with no write; and compliance falls with it', async () => {
    const h = (await f.store.houses.findOne({ code: 'P00002' }))!;
    const before = await stats();
    await f.store.hazards.insert(hazardDraft(h, { number: 901, openedBy: 'user:r', deadline: new Date(f.deps.clock.now().getTime() + 3600_000) }));
    expect(await stats()).toMatchObject({
      hazardsOpen: before.hazardsOpen + 1,
      hazardsOverdue: before.hazardsOverdue,
      compliant: before.compliant,
    });
    f.deps.clock.set(new Date(f.deps.clock.now().getTime() + 2 * 3600_000).toISOString());
    expect(await stats()).toMatchObject({ hazardsOverdue: before.hazardsOverdue + 1, compliant: before.compliant - 1 });
    expect(counts).not.toHaveBeenCalled();
  });

  it('made to drift, the verifying recount finds it, logs it, repairs it, and /healthz shows it', async () => {
    const good = await stats();
    const db = new Database(f.store.file!);
    db.prepare(
      'UPDATE figure_groups SET committed = committed + 5 WHERE groupId = (SELECT groupId FROM figure_groups WHERE houses > 0 LIMIT 1)',
    ).run();
    db.close();
    await new Promise((r) => setImmediate(r)); // (the next turn's reads see another connection's commit)
    expect((await stats()).committed).toBe(good.committed + 5); // /stats reads the counters: it shows the drift
    const lines: string[] = [];
    const log = pino(
      { level: 'info' },
      new Writable({
        write: (c, _e, cb) => {
          lines.push(String(c));
          cb();
        },
      }),
    );
    const r = await verifyFigures({ ...f.deps, log });
    expect(r!.drift).toHaveLength(1);
    expect(r!.drift[0]).toMatchObject({ committed: -5 });
    expect(lines.map((l) => JSON.parse(l))).toContainEqual(
      expect.objectContaining({ level: 40, places: 1, msg: 'kept figures drifted from a recount; repaired' }),
    );
    expect(await stats()).toEqual(good);
    const health = (await request(f.server).get('/healthz').expect(200)).body;
    expect(health.figures).toMatchObject({ period: '2026-11', ready: true, drifted: 1, repairs: 1 });
    expect(health.figures.verifiedAt).toEqual(expect.any(String));
  });

  it('a roster import that moves a committed house to another community and adds one: the counters follow, equal to a recount', async () => {
    const before = await stats();
    const csv = [
      '社区,网格,联防组,房屋编号,地址,房东姓名,联系电话,租住人数,房间数,户长',
      '西墅社区,西墅社区第2网格,西墅社区第2网格联防1组,P00001,平山村东港路25号,陈娜英,15000001408,9,7,',
      '平山村,平山村第2网格,平山村第2网格联防1组,P09999,平山村竹林路26号,陈新,15000001499,2,1,',
    ].join('\n');
    await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', Buffer.from(csv), 'r.csv').expect(200);
    const after = await stats();
    expect(after).toMatchObject({ houses: before.houses + 1, committed: before.committed, approved: before.approved });
    const moved = (await f.store.houses.findOne({ code: 'P00001' }))!;
    const q = { period: '2026-11', letterVersion: after.letterVersion, now: f.deps.clock.now() };
    const community = await stats(`?scope=community:${moved.communityId}`);
    const ranking = (await request(f.server).get(`/api/v1/stats/ranking?by=group`).set(auth(f.adminToken)).expect(200)).body;
    expect(counts).not.toHaveBeenCalled();
    const [counted] = await f.store.figures({ ...q, where: { communityId: moved.communityId }, by: 'all' });
    expect(community).toMatchObject({ houses: counted!.houses, committed: counted!.committed, compliant: counted!.compliant });
    const group = (await f.store.figures({ ...q, where: {}, by: 'group' })).find((r) => r.key === moved.groupId)!;
    expect(group.committed).toBeGreaterThan(0);
    expect(ranking.items.find((x: { id: string }) => x.id === moved.groupId)).toMatchObject({ houses: group.houses, committed: group.committed });
    expect((await verifyFigures(f.deps))!.drift).toEqual([]);
  });

  it('a month begun is recounted until the scheduler keeps it, then read from the counters', async () => {
    f.deps.clock.set('2026-11-30T16:05:00Z'); // 00:05 on 1 December in Shanghai
    const first = await stats('?period=2026-12');
    expect(counts).toHaveBeenCalled();
    expect(first).toMatchObject({ period: '2026-12', submitted: 0, approved: 0 });
    expect(await keepFiguresCurrent(f.deps)).toMatchObject({ rebuilt: true });
    counts.mockClear();
    expect(await stats('?period=2026-12')).toEqual(first);
    expect(counts).not.toHaveBeenCalled();
    // November, not closed, is still there: recounted
    expect((await stats('?period=2026-11')).approved).toBe(2);
    expect(counts).toHaveBeenCalled();
  });
});
