/**
 * Issue 10, points: random sequences of the events that earn points — with repeats and
 * restarts of the store in between — leave a ledger equal to the rules applied once per
 * distinct event; `积分`'s rank agrees with GET /points' ranking.
 */
import { POINT_RULES, rank } from '../../src/domain/points';
import { DomainError } from '../../src/domain/errors';
import type { House } from '../../src/domain/types';
import { commit } from '../../src/services/commitments/commit';
import { closeHazard, recordHazard } from '../../src/services/hazards/hazards';
import { importRoster } from '../../src/services/roster/import-roster';
import { parseRosterFile } from '../../src/services/roster/parse-roster-file';
import { myPoints, rankLandlords } from '../../src/services/points/points';
import { reviewSubmission } from '../../src/services/inspection/review-submission';
import { ensureDefaults } from '../../src/services/setup/ensure-defaults';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { depsFor, sampleRosterBytes, tempDir } from '../support/fixtures';
import type { Actor } from '../../src/domain/policy';

const STAFF: Actor = { id: 'user:staff', role: 'staff', scope: { level: 'street' }, channel: 'api' };

type Event = ['commit' | 'approve' | 'close', number];

function sequence(seed: number, n: number): (Event | 'restart')[] {
  let s = seed;
  const rnd = (k: number) => { s = (s * 1103515245 + 12345) % 2147483648; return s % k; };
  const out: (Event | 'restart')[] = [];
  for (let i = 0; i < n; i += 1) {
    if (rnd(15) === 0) { out.push('restart'); continue; }
    out.push([(['commit', 'approve', 'close'] as const)[rnd(3)]!, rnd(12)]);
  }
  return out;
}

it('ranks ties together', () => {
  expect(rank([{ points: 5 }, { points: 9 }, { points: 5 }, { points: 1 }]).map((r) => [r.points, r.rank])).toEqual([[9, 1], [5, 2], [5, 2], [1, 4]]);
});

it.each([1, 2, 3, 4, 5])('seed %i: the ledger holds each earned award exactly once, through repeats and restarts', async (seed) => {
  const tmp = tempDir('anxin-points-');
  let store = createSqliteStore({ dataDir: tmp.dir });
  let deps = depsFor(store);
  await ensureDefaults(deps);
  await importRoster(deps, await parseRosterFile(sampleRosterBytes()), { actor: 'test' });
  const houses = (await store.houses.find({}, { sort: { code: 1 } })).slice(0, 12);
  const round = await store.rounds.insert({ period: '2026-11', deadline: new Date('2026-11-20T15:59:59Z'), scope: 'street', status: 'open', openedAt: deps.clock.now() });
  for (const h of houses) {
    await store.submissions.insert({ communityId: h.communityId, gridId: h.gridId, groupId: h.groupId, roundId: round.id, period: '2026-11', houseId: h.id, houseCode: h.code, status: 'complete', items: {}, returnReason: null, reviewedBy: null, reviewedAt: null });
    await recordHazard(deps, { house: h, description: '杂物', days: 3, by: 'test' });
  }
  const done = new Set<string>();
  const speaker = (h: House) => ({ wechatId: `wx-${h.code}`, name: h.code, contact: null, houses: [h], isHead: false, staff: null, actors: [] });
  const refused = (e: unknown) => { if (!(e instanceof DomainError)) throw e; };
  try {
    for (const step of sequence(seed, 80)) {
      if (step === 'restart') { await store.close(); store = createSqliteStore({ dataDir: tmp.dir }); deps = depsFor(store); continue; }
      const [kind, i] = step;
      const h = houses[i]!;
      if (kind === 'commit') await commit(deps, { speaker: speaker(h), messageId: null });
      if (kind === 'approve') {
        const sub = (await store.submissions.findOne({ houseId: h.id }))!;
        await reviewSubmission(deps, { submission: sub, by: STAFF, action: 'approve' }).catch(refused);
      }
      if (kind === 'close') await closeHazard(deps, { hazard: (await store.hazards.findOne({ houseId: h.id }))!, by: STAFF });
      done.add(`${kind}:${i}`);
    }
    const rule = { commit: POINT_RULES.commitment, approve: POINT_RULES.inspection_on_time, close: POINT_RULES.hazard_closed };
    const expected = [...done].reduce((sum, e) => sum + rule[e.split(':')[0] as keyof typeof rule], 0);
    const ledger = await store.points.find({});
    expect(ledger.reduce((sum, l) => sum + l.amount, 0)).toBe(expected);
    expect(ledger).toHaveLength(done.size);
    // 积分's rank is GET /points' ranking of the grid
    const gridId = houses[0]!.gridId;
    const ranked = await rankLandlords(deps, { gridIds: [gridId], year: 2026 });
    for (const h of houses.filter((x) => x.gridId === gridId)) {
      const mine = await myPoints(deps, { landlordId: h.landlordId, gridId, year: 2026 });
      expect(mine.rank).toBe(ranked.find((r) => r.landlordId === h.landlordId)?.rank ?? null);
    }
  } finally {
    await store.close();
    tmp.cleanup();
  }
});

it('GET /points ranks holders, as 积分 counts them: a house\'s seller keeps their points and its buyer starts apart (issue 25)', async () => {
  const tmp = tempDir('anxin-points-holders-');
  const store = createSqliteStore({ dataDir: tmp.dir });
  try {
    const deps = depsFor(store, '2026-11-05T02:00:00Z');
    await ensureDefaults(deps);
    await importRoster(deps, await parseRosterFile(sampleRosterBytes()), { actor: 'test' });
    const h = (await store.houses.findOne({ code: 'P00001' }))!;
    const other = (await store.houses.findOne({ code: 'P00002' }))!;
    const seller = await store.contacts.insert({ wechatId: 'wx-seller', name: '卖家微信', landlordId: h.landlordId, userId: null, locale: null });
    // the buyer holds the house the roster still lists under the seller
    const buyer = await store.contacts.insert({ wechatId: 'wx-buyer', name: '买家微信', landlordId: h.landlordId, userId: null, locale: null });
    const line = (contactId: string | null, landlordId: string, amount: number, refId: string) =>
      store.points.insert({ landlordId, contactId, gridId: h.gridId, reason: 'commitment', amount, refId });
    await line(seller.id, h.landlordId, 25, 'a');
    await line(buyer.id, h.landlordId, 5, 'b');
    await line(null, other.landlordId, 10, 'c');
    const ranked = await rankLandlords(deps, { gridIds: [h.gridId], year: 2026 });
    expect(ranked.map((r) => [r.contactId, r.points, r.rank])).toEqual([[seller.id, 25, 1], [null, 10, 2], [buyer.id, 5, 3]]);
    // two holders under one roster landlord: each named with their WeChat name beside the roster's
    const roster = (await store.landlords.get(h.landlordId))!.name;
    expect([ranked[0]!.name, ranked[2]!.name]).toEqual([`${roster}（卖家微信）`, `${roster}（买家微信）`]);
    expect(ranked[1]!.name).toBe((await store.landlords.get(other.landlordId))!.name);
    // 积分's rank is this ranking's, for each holder
    for (const c of [seller, buyer])
      expect((await myPoints(deps, { landlordId: h.landlordId, contactId: c.id, gridId: h.gridId, year: 2026 })).rank)
        .toBe(ranked.find((r) => r.contactId === c.id)!.rank);
  } finally {
    await store.close();
    tmp.cleanup();
  }
});
