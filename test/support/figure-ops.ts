/**
 * Random sequences of the writes that change a house's figures (issue 29), seeded: the kept
 * counters must equal a recount after any of them. Shared by the contract test and the child
 * process it kills -9 mid-sequence.
 */
import type { FigureQuery, FigureRow } from '../../src/storage/figures';
import type { Store } from '../../src/storage/store';
import type * as T from '../../src/domain/types';
import { seeded } from '../../scripts/sim/virtual-time';

export const PERIOD = '2026-11';
export const OTHER_PERIOD = '2026-12';
export const START = Date.parse('2026-11-15T02:00:00Z');
const HOUR = 3600_000;

/** the same sequence from the same seed (the simulation's mulberry32) */
export const prng = seeded;

interface Place {
  communityId: string;
  gridId: string;
  groupId: string;
}

/** 2 communities × 2 grids × 2 groups, landlords, and `houses` houses; the letter 1 published. */
export async function seedWorld(store: Store, houses = 24): Promise<void> {
  const places: Place[] = [];
  for (let c = 0; c < 2; c += 1) {
    const com = await store.communities.insert({ name: `社区${c}` });
    for (let g = 0; g < 2; g += 1) {
      const grid = await store.grids.insert({ communityId: com.id, name: `网格${g}` });
      for (let k = 0; k < 2; k += 1) {
        const group = await store.groups.insert({
          communityId: com.id,
          gridId: grid.id,
          name: `组${k}`,
          headHouseId: null,
          roomId: null,
          locale: null,
          botId: null,
        });
        places.push({ communityId: com.id, gridId: grid.id, groupId: group.id });
      }
    }
  }
  await store.landlords.insert({ name: '房东', phone: '13800000001', sms: null });
  await store.letters.insert({ version: 1, texts: { 'zh-CN': '承诺' }, publishedAt: new Date(START) });
  await store.rounds.insert({
    period: PERIOD,
    deadline: new Date(START + 5 * 24 * HOUR),
    scope: 'street',
    status: 'open',
    openedAt: new Date(START),
  });
  const round = (await store.rounds.findOne({ period: PERIOD }))!;
  for (let i = 0; i < houses; i += 1) {
    const h = await addHouse(store, places[i % places.length]!, `S${i}`);
    // most houses committed and approved: then an overdue hazard, a holder changed or a review undone changes `compliant`
    if (i % 4 === 3) continue;
    const at = { communityId: h.communityId, gridId: h.gridId, groupId: h.groupId, houseId: h.id, houseCode: h.code };
    await store.commitments.insert({
      ...at,
      letterVersion: 1,
      landlordId: h.landlordId,
      contactId: null,
      messageId: null,
      at: new Date(START),
    });
    await store.submissions.insert({
      ...at,
      roundId: round.id,
      period: PERIOD,
      status: 'approved',
      items: {},
      returnReason: null,
      reviewedBy: 'user:x',
      reviewedAt: null,
    });
  }
}

async function addHouse(store: Store, p: Place, code: string, isKey = false): Promise<T.House> {
  const landlord = (await store.landlords.findOne({}))!;
  return store.houses.insert({
    code,
    address: code,
    ...p,
    landlordId: landlord.id,
    contactId: null,
    pendingContactId: null,
    holderLeftAt: null,
    tenants: 2,
    rooms: 1,
    isKey,
  });
}

/** A hazard of house `h`, open unless said, nothing rectified or closed yet. */
export function hazardDraft(
  h: Pick<T.House, 'id' | 'code' | 'communityId' | 'gridId' | 'groupId'>,
  o: { number: number; deadline: Date; status?: T.Hazard['status']; description?: string; openedBy?: string },
) {
  return {
    communityId: h.communityId,
    gridId: h.gridId,
    groupId: h.groupId,
    houseId: h.id,
    houseCode: h.code,
    number: o.number,
    description: o.description ?? '杂物',
    openedBy: o.openedBy ?? 'user:x',
    evidencePhotoIds: [],
    sitePhotos: null,
    rectifiedAt: null,
    closedAt: null,
    closedBy: null,
    status: o.status ?? ('open' as const),
    deadline: o.deadline,
  };
}

/** One world's moving parts as the ops see them. */
export interface OpsState {
  now: number;
  n: number;
  /** records in a batch op (default 200: SQLite's set-wise refresh begins there) */
  batch?: number;
}

const pick = <X>(r: () => number, xs: readonly X[]): X => xs[Math.floor(r() * xs.length)]!;
const conflictOk = (e: unknown) => {
  if ((e as { code?: string }).code !== 'conflict') throw e;
};

/**
 * One random write (or a move of the clock, or a month or letter begun), as the services
 * make them: straight through the store's collections, and through the kept figures' own
 * entry points for the time-driven changes. Returns what it did.
 */
export async function randomOp(store: Store, r: () => number, s: OpsState): Promise<string> {
  s.n += 1;
  const places = (await store.groups.find({})).map((g) => ({ communityId: g.communityId, gridId: g.gridId, groupId: g.id }));
  const houses = await store.houses.find({}, { sort: { code: 1 } });
  const house = houses.length ? pick(r, houses) : null;
  const at = (h: T.House) => ({ communityId: h.communityId, gridId: h.gridId, groupId: h.groupId, houseId: h.id, houseCode: h.code });
  const round = (await store.rounds.findOne({ period: PERIOD }))!;
  const x = r();
  if (x < 0.08 || !house) {
    await addHouse(store, pick(r, places), `N${s.n}-${Math.floor(r() * 1e6)}`, r() < 0.3);
    return 'house added';
  }
  if (x < 0.14) {
    const p = pick(r, places);
    await store.houses.update(house.id, p);
    // a house moved takes its open records along (as the roster's move does)
    await store.hazards.updateWhere({ houseId: house.id }, p);
    await store.submissions.updateWhere({ houseId: house.id }, p);
    return 'house moved';
  }
  if (x < 0.18) {
    await store.houses.update(house.id, { isKey: !house.isKey });
    return 'key flag';
  }
  if (x < 0.23) {
    await store.houses.update(house.id, { contactId: pick(r, [null, 'contact-a', 'contact-b']) });
    return 'holder changed';
  }
  if (x < 0.35) {
    await store.commitments
      .insert({
        ...at(house),
        letterVersion: pick(r, [1, 1, 2]),
        landlordId: house.landlordId,
        contactId: pick(r, [null, 'contact-a', 'contact-b']),
        messageId: null,
        at: new Date(s.now),
      })
      .catch(conflictOk);
    return 'commitment';
  }
  if (x < 0.38) {
    const c = await store.commitments.findOne({ houseId: house.id });
    if (c) await store.commitments.delete(c.id);
    return 'commitment withdrawn';
  }
  if (x < 0.5) {
    const sub = await store.submissions.findOne({ houseId: house.id, roundId: round.id });
    const status = pick(r, ['partial', 'complete', 'approved', 'returned'] as const);
    if (sub) await store.submissions.update(sub.id, { status, reviewedBy: status === 'approved' ? 'user:x' : null });
    else
      await store.submissions
        .insert({
          ...at(house),
          roundId: round.id,
          period: PERIOD,
          status,
          items: {},
          returnReason: null,
          reviewedBy: null,
          reviewedAt: null,
        })
        .catch(conflictOk);
    return `submission ${status}`;
  }
  if (x < 0.53) {
    const other =
      (await store.rounds.findOne({ period: OTHER_PERIOD })) ??
      (await store.rounds.insert({
        period: OTHER_PERIOD,
        deadline: new Date(START + 30 * 24 * HOUR),
        scope: 'street',
        status: 'open',
        openedAt: new Date(s.now),
      }));
    await store.submissions
      .insert({
        ...at(house),
        roundId: other.id,
        period: OTHER_PERIOD,
        status: 'approved',
        items: {},
        returnReason: null,
        reviewedBy: 'user:x',
        reviewedAt: null,
      })
      .catch(conflictOk);
    return 'submission of another month';
  }
  if (x < 0.63) {
    const number = await store.nextSequence('hazard');
    await store.hazards.insert(hazardDraft(house, { number, deadline: new Date(s.now + Math.round((r() * 96 - 24) * HOUR)) }));
    return 'hazard opened';
  }
  if (x < 0.73) {
    const z = await store.hazards.findOne({ houseId: house.id });
    if (!z) return 'no hazard';
    const status = pick(r, ['open', 'rectified', 'closed'] as const);
    const deadline = r() < 0.3 ? new Date(s.now + Math.round((r() * 48 - 12) * HOUR)) : z.deadline;
    await store.hazards.update(z.id, { status, deadline });
    return `hazard ${status}`;
  }
  if (x < 0.76) {
    // an import: some houses updated by code (moved, key flag), one new
    const p = pick(r, places);
    const codes = houses.slice(0, 3).map((h) => h.code);
    await store.houses.upsertMany(
      [
        ...codes.map((code) => ({ code, ...p, isKey: r() < 0.5 })),
        {
          code: `I${s.n}`,
          address: 'x',
          ...p,
          landlordId: house.landlordId,
          tenants: 1,
          rooms: 1,
          isKey: false,
          contactId: null,
          pendingContactId: null,
          holderLeftAt: null,
        },
      ],
      ['code'],
    );
    return 'import';
  }
  if (x < 0.79) {
    await store.hazards.deleteWhere({ houseId: house.id });
    await store.houses.delete(house.id);
    return 'house removed';
  }
  if (x < 0.81) {
    // a batch (a load of houses, hazards found in a sweep): from 200 records the SQLite store refreshes the
    // figures of the groups touched set-wise at the batch's end, its triggers standing aside
    const landlord = (await store.landlords.findOne({}))!;
    if (r() < 0.5) {
      await store.houses.insertMany(
        Array.from({ length: s.batch ?? 200 }, (_, i) => ({
          code: `B${s.n}-${i}`,
          address: 'x',
          ...pick(r, places),
          landlordId: landlord.id,
          contactId: null,
          pendingContactId: null,
          holderLeftAt: null,
          tenants: 1,
          rooms: 1,
          isKey: r() < 0.3,
        })),
      );
      return 'batch of houses';
    }
    const drafts = [];
    for (let i = 0; i < (s.batch ?? 200); i += 1) {
      const h = pick(r, houses);
      const number = await store.nextSequence('hazard');
      const status = pick(r, ['open', 'rectified', 'closed'] as const);
      drafts.push(hazardDraft(h, { number, status, deadline: new Date(s.now + Math.round((r() * 96 - 24) * HOUR)) }));
    }
    await store.hazards.insertMany(drafts);
    return 'batch of hazards';
  }
  if (x < 0.9) {
    s.now += Math.round(r() * 12 * HOUR);
    if (r() < 0.5) await store.kept!.advance(new Date(s.now));
    return 'clock moved';
  }
  if (x < 0.93) {
    if ((await store.letters.count({ version: 2 })) === 0)
      await store.letters.insert({ version: 2, texts: { 'zh-CN': '新承诺' }, publishedAt: new Date(s.now) });
    await store.kept!.keep(PERIOD, 2, new Date(s.now));
    return 'letter 2 kept';
  }
  if (x < 0.95) {
    await store.kept!.keep(OTHER_PERIOD, 1, new Date(s.now));
    return 'another month kept';
  }
  await store.kept!.keep(PERIOD, 1, new Date(s.now));
  return 'month kept';
}

const BYS = ['all', 'community', 'grid', 'group'] as const;
const sorted = (rows: FigureRow[]) => [...rows].sort((a, b) => String(a.key).localeCompare(String(b.key)));

/** The kept figures and a recount, for every grouping and a few scopes, at the kept month, letter and `now`. */
export async function keptAndCounted(store: Store, now: Date): Promise<{ kept: unknown[]; counted: unknown[] }> {
  const st = await store.kept!.state();
  const kept: unknown[] = [];
  const counted: unknown[] = [];
  const scopes: FigureQuery['where'][] = [{}];
  const g = await store.groups.findOne({}, { name: 1 });
  if (g) scopes.push({ communityId: g.communityId }, { gridId: g.gridId }, { groupId: g.id });
  for (const where of scopes)
    for (const by of BYS) {
      const q = { where, by, period: st.period, letterVersion: st.letterVersion, now };
      const k = await store.kept!.read(q);
      if (!k) throw new Error(`the kept figures do not hold ${JSON.stringify(q)}`);
      kept.push({ where, by, rows: sorted(k) });
      counted.push({ where, by, rows: sorted(await store.figures(q)) });
    }
  return { kept, counted };
}
