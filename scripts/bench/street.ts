import { newId } from '../../src/domain/ids';
import type { Collection, Store } from '../../src/storage/store';

const CHUNK = 5000;

async function load(c: Collection<never>, rows: object[]) {
  for (let i = 0; i < rows.length; i += CHUNK) await c.insertMany(rows.slice(i, i + CHUNK) as never[]);
}

/**
 * Builds a street of `houses` houses straight through the store (seconds for 100,000): every
 * house committed, a submission each in `period` (70% approved), a hazard for every tenth
 * house (a fifth of them overdue at `now`). Used by the figures bench and the dashboard's
 * scale test.
 */
export async function buildStreet(store: Store, o: { houses: number; period: string; now: Date }) {
  const { houses: HOUSES, period: PERIOD, now } = o;
  const communities = Math.max(3, Math.round(HOUSES / 10_000));
  const gridsPer = 10;
  const perGroup = 10;
  const com = Array.from({ length: communities }, (_, i) => ({ id: newId(), name: `社区${i + 1}` }));
  const grids = com.flatMap((c) => Array.from({ length: gridsPer }, (_, j) => ({ id: newId(), communityId: c.id, name: `${c.name}第${j + 1}网格` })));
  const groupsPerGrid = Math.ceil(HOUSES / perGroup / grids.length);
  const groups = grids.flatMap((g) => Array.from({ length: groupsPerGrid }, (_, k) => ({ id: newId(), communityId: g.communityId, gridId: g.id, name: `联防${k + 1}组`, headHouseId: null, roomId: null, locale: null, botId: null })));
  const houses = Array.from({ length: HOUSES }, (_, i) => {
    const g = groups[Math.floor(i / perGroup)]!;
    return { id: newId(), code: `P${String(i + 1).padStart(7, '0')}`, address: `测试路${i + 1}号`, communityId: g.communityId, gridId: g.gridId, groupId: g.id, landlordId: newId(), contactId: null, pendingContactId: null, tenants: i % 7 === 0 ? 12 : 4, rooms: 3, isKey: i % 7 === 0 };
  });
  await load(store.communities as never, com);
  await load(store.grids as never, grids);
  await load(store.groups as never, groups);
  await load(store.landlords as never, houses.map((h, i) => ({ id: h.landlordId, name: i === 0 ? '=HYPERLINK("x","y")' : `房东${i}`, phone: `13${String(100_000_000 + i).slice(-9)}` })));
  await load(store.houses as never, houses);
  await store.letters.insert({ version: 1, texts: { 'zh-CN': '我承诺遵守消防安全规定，保持通道畅通。' }, publishedAt: now });
  const round = await store.rounds.insert({ period: PERIOD, deadline: new Date(now.getTime() + 5 * 86_400_000), scope: 'street', status: 'open', openedAt: now });
  const at = (h: (typeof houses)[number]) => ({ communityId: h.communityId, gridId: h.gridId, groupId: h.groupId, houseId: h.id, houseCode: h.code });
  await load(store.commitments as never, houses.map((h) => ({ ...at(h), letterVersion: 1, landlordId: h.landlordId, contactId: null, messageId: null, at: now })));
  await load(store.submissions as never, houses.map((h, i) => ({ ...at(h), roundId: round.id, period: PERIOD, status: i % 10 < 7 ? 'approved' : i % 10 < 9 ? 'complete' : 'partial', items: {}, returnReason: null, reviewedBy: i % 10 < 7 ? 'user:bench' : null, reviewedAt: null })));
  await load(store.hazards as never, houses.filter((_, i) => i % 10 === 3).map((h, k) => ({
    ...at(h), number: k + 1, description: '楼道堆放杂物', openedBy: 'user:bench', evidencePhotoIds: [], sitePhotos: null, rectifiedAt: null, closedAt: null, closedBy: null,
    // a fifth of them past their deadline and still open
    deadline: new Date(now.getTime() + (k % 5 === 0 ? -3 : 5) * 86_400_000), status: k % 5 === 0 ? 'open' : k % 5 === 1 ? 'closed' : 'open',
  })));
  return { communities: com.length, grids: grids.length, groups: groups.length, lastIds: houses.slice(-60).map((h) => h.id) };
}
