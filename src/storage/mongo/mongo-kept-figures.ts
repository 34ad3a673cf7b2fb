import type mongoose from 'mongoose';
import { emptyFigures, keeper, type Drift, type FigureQuery, type FigureRow, type KeptFigures, type KeptState } from '../figures';
import { SPECS } from '../schema';
import { flags, hazardCounts, houseCounts } from './mongo-figures';
import { withMongoLock } from './mongo-lock';
import type { MongoUnitOfWork } from './mongo-unit-of-work';

type Doc = Record<string, unknown>;
const LIVE = ['open', 'rectified'];
const CHUNK = 1000;
const COUNTS = ['houses', 'keyHouses', 'committed', 'submitted', 'approved', 'compliant', 'hazardsOpen', 'hazardsOverdue'] as const;
type Count = (typeof COUNTS)[number];
type Counts = Record<Count, number>;
interface Place {
  groupId: string;
  gridId: string;
  communityId: string;
}
/** a house's part of its group's counts (figure_houses) */
interface HouseRow extends Place {
  _id: string;
  isKey: boolean;
  committed: boolean;
  submitted: boolean;
  approved: boolean;
  overdue: boolean;
}
interface StateDoc {
  _id: 1;
  period: string;
  letterVersion: number;
  asOf: Date;
  ready: boolean;
  rebuiltAt: Date | null;
  verifiedAt: Date | null;
  drifted: number;
  repairs: number;
}

/** What a write to a figured collection touched: houses (before and after) and the groups of hazards (before and after). */
export interface Touched {
  houses: Iterable<string>;
  hazardGroups: Iterable<string>;
}

export interface MongoKeptFigures extends KeptFigures {
  /** brings the counters up to date with a write just made, in the write's unit of work */
  touched(t: Touched): Promise<void>;
}

const zero = (): Counts => {
  const { key: _key, ...counts } = emptyFigures(null);
  return counts;
};
/** a group's place, as an aggregation's group key */
const PLACE_ID = { groupId: '$groupId', gridId: '$gridId', communityId: '$communityId' };
const placeKey = (p: Place) => `${p.groupId}\u0000${p.gridId}\u0000${p.communityId}`;
const part = (r: HouseRow, sign: 1 | -1): Partial<Counts> => ({
  houses: sign,
  keyHouses: sign * +r.isKey,
  committed: sign * +r.committed,
  submitted: sign * +r.submitted,
  approved: sign * +r.approved,
  compliant: sign * +(r.committed && r.approved && !r.overdue),
});

/**
 * Figures kept, not recounted, on MongoDB (issue 29): the same counters as the SQLite store's
 * triggers keep — each house's flags (`figure_houses`), each group's counts (`figure_groups`,
 * by group, grid and community as the records say) and the grids', communities' and street's
 * sums — brought up to date by every write of the figured collections (`touched`, in the
 * write's transaction on a replica set). A scope's figures are then one small read, whatever
 * the city's size. Within a process the updates take turns; across processes a replica set's
 * transactions make conflicting ones retry (a standalone server has no transactions: the
 * verifying recount repairs what a crash or a race left).
 */
export function mongoKeptFigures(conn: mongoose.Connection, uow: MongoUnitOfWork): MongoKeptFigures {
  const coll = (name: string) => conn.collection<Doc>(name);
  const state = coll('figure_state');
  const houseRows = coll('figure_houses');
  const groups = coll('figure_groups');
  const grids = coll('figure_grids');
  const communities = coll('figure_communities');
  const street = coll('figure_street');
  const src = {
    houses: coll(SPECS.houses.name),
    commitments: coll(SPECS.commitments.name),
    submissions: coll(SPECS.submissions.name),
    hazards: coll(SPECS.hazards.name),
  };
  const o = <X extends object>(x: X = {} as X) => uow.opts(x);
  const readState = async () => (await state.findOne({ _id: 1 } as never, o())) as unknown as StateDoc | null;

  // the updates of this process take turns (each reads what it changes, then adds the difference)
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <R>(fn: () => Promise<R>): Promise<R> => {
    const run = turn.then(fn, fn);
    turn = run.catch(() => undefined);
    return run;
  };

  /** adds counts to places: each group's row, and its grid's, community's and the street's sums */
  const add = async (deltas: Map<string, { place: Place; d: Partial<Counts> }>) => {
    const byGrid = new Map<string, { gridId: string; communityId: string; d: Counts }>();
    const byCommunity = new Map<string, Counts>();
    const all = zero();
    const groupOps: object[] = [];
    for (const { place, d } of deltas.values()) {
      const inc = Object.fromEntries(Object.entries(d).filter(([, v]) => v !== 0));
      if (Object.keys(inc).length === 0) continue;
      groupOps.push({ updateOne: { filter: { _id: placeKey(place) }, update: { $inc: inc, $setOnInsert: { ...place } }, upsert: true } });
      const g = byGrid.get(`${place.gridId}\u0000${place.communityId}`) ?? {
        gridId: place.gridId,
        communityId: place.communityId,
        d: zero(),
      };
      byGrid.set(`${place.gridId}\u0000${place.communityId}`, g);
      const c = byCommunity.get(place.communityId) ?? zero();
      byCommunity.set(place.communityId, c);
      for (const [k, v] of Object.entries(inc) as [Count, number][]) {
        g.d[k] += v;
        c[k] += v;
        all[k] += v;
      }
    }
    if (groupOps.length === 0) return;
    const nonZero = (d: Counts) => Object.fromEntries(Object.entries(d).filter(([, v]) => v !== 0));
    await groups.bulkWrite(groupOps as never, o({ ordered: false }));
    await grids.bulkWrite(
      [...byGrid.entries()].map(([k, g]) => ({
        updateOne: {
          filter: { _id: k },
          update: { $inc: nonZero(g.d), $setOnInsert: { gridId: g.gridId, communityId: g.communityId } },
          upsert: true,
        },
      })) as never,
      o({ ordered: false }),
    );
    await communities.bulkWrite(
      [...byCommunity.entries()].map(([k, d]) => ({
        updateOne: { filter: { _id: k }, update: { $inc: nonZero(d), $setOnInsert: { communityId: k } }, upsert: true },
      })) as never,
      o({ ordered: false }),
    );
    await street.updateOne({ _id: 1 } as never, { $inc: nonZero(all) } as never, o({ upsert: true }));
  };
  const deltaOf = (deltas: Map<string, { place: Place; d: Partial<Counts> }>, place: Place, d: Partial<Counts>) => {
    const k = placeKey(place);
    const e = deltas.get(k) ?? { place: { groupId: place.groupId, gridId: place.gridId, communityId: place.communityId }, d: {} };
    deltas.set(k, e);
    for (const [c, v] of Object.entries(d) as [Count, number][]) e.d[c] = (e.d[c] ?? 0) + v;
  };

  /** these houses' flags recomputed from their records under the kept month, letter and instant; their groups' counts moved by the difference */
  const refreshHouses = async (ids: string[], st: StateDoc) => {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const [houses, commitments, submissions, overdue, old] = await Promise.all([
        src.houses
          .find({ _id: { $in: chunk } } as never, o({ projection: { groupId: 1, gridId: 1, communityId: 1, isKey: 1, contactId: 1 } }))
          .toArray(),
        src.commitments
          .find({ houseId: { $in: chunk }, letterVersion: st.letterVersion }, o({ projection: { houseId: 1, contactId: 1 } }))
          .toArray(),
        src.submissions
          .find(
            { houseId: { $in: chunk }, period: st.period, status: { $in: ['complete', 'approved'] } },
            o({ projection: { houseId: 1, status: 1 } }),
          )
          .toArray(),
        src.hazards
          .find({ houseId: { $in: chunk }, status: { $in: LIVE }, deadline: { $lt: st.asOf } }, o({ projection: { houseId: 1 } }))
          .toArray(),
        houseRows.find({ _id: { $in: chunk } } as never, o()).toArray(),
      ]);
      const holder = new Map(houses.map((h) => [h._id as unknown as string, (h.contactId as string | null | undefined) ?? null]));
      const committed = new Set(
        commitments
          .filter((c) => (c.contactId ?? null) === null || c.contactId === holder.get(c.houseId as string))
          .map((c) => c.houseId as string),
      );
      const submitted = new Set(submissions.map((s) => s.houseId as string));
      const approved = new Set(submissions.filter((s) => s.status === 'approved').map((s) => s.houseId as string));
      const late = new Set(overdue.map((z) => z.houseId as string));
      const before = new Map(old.map((r) => [r._id as unknown as string, r as unknown as HouseRow]));
      const byId = new Map(houses.map((h) => [h._id as unknown as string, h]));
      const deltas = new Map<string, { place: Place; d: Partial<Counts> }>();
      const ops: object[] = [];
      for (const id of chunk) {
        const h = byId.get(id);
        const prev = before.get(id);
        if (prev) deltaOf(deltas, prev, part(prev, -1));
        if (!h) {
          if (prev) ops.push({ deleteOne: { filter: { _id: id } } });
          continue;
        }
        const row: HouseRow = {
          _id: id,
          groupId: h.groupId as string,
          gridId: h.gridId as string,
          communityId: h.communityId as string,
          isKey: Boolean(h.isKey),
          committed: committed.has(id),
          submitted: submitted.has(id),
          approved: approved.has(id),
          overdue: late.has(id),
        };
        deltaOf(deltas, row, part(row, 1));
        // written even when unchanged: two transactions refreshing one house conflict, and one retries
        ops.push({ replaceOne: { filter: { _id: id }, replacement: row, upsert: true } });
      }
      if (ops.length) await houseRows.bulkWrite(ops as never, o({ ordered: false }));
      await add(deltas);
    }
  };

  /** these groups' live and overdue hazards counted again; their counts moved by the difference */
  const refreshHazards = async (groupIds: string[], st: StateDoc) => {
    for (let i = 0; i < groupIds.length; i += CHUNK) {
      const chunk = groupIds.slice(i, i + CHUNK);
      const [counted, kept] = await Promise.all([
        src.hazards
          .aggregate([{ $match: { groupId: { $in: chunk }, status: { $in: LIVE } } }, hazardCounts(PLACE_ID, st.asOf)], o())
          .toArray(),
        groups
          .find(
            { groupId: { $in: chunk } },
            o({ projection: { groupId: 1, gridId: 1, communityId: 1, hazardsOpen: 1, hazardsOverdue: 1 } }),
          )
          .toArray(),
      ]);
      const deltas = new Map<string, { place: Place; d: Partial<Counts> }>();
      for (const g of kept)
        deltaOf(deltas, g as unknown as Place, {
          hazardsOpen: -((g.hazardsOpen as number) ?? 0),
          hazardsOverdue: -((g.hazardsOverdue as number) ?? 0),
        });
      for (const c of counted)
        deltaOf(deltas, c._id as Place, { hazardsOpen: c.hazardsOpen as number, hazardsOverdue: c.hazardsOverdue as number });
      await add(deltas);
    }
  };

  const touched = async (t: Touched, st?: StateDoc | null) => {
    const houses = [...new Set(t.houses)].filter(Boolean);
    const hazardGroups = [...new Set(t.hazardGroups)].filter(Boolean);
    if (houses.length === 0 && hazardGroups.length === 0) return;
    await inTurn(async () => {
      const s = st ?? (await readState());
      if (!s) return; // nothing kept yet: the first keep counts everything
      await refreshHouses(houses, s);
      await refreshHazards(hazardGroups, s);
    });
  };

  /** the live hazards whose deadline lies between the kept instant and `to`: their houses and groups */
  const between = async (from: Date, to: Date) => {
    const [lo, hi] = from < to ? [from, to] : [to, from];
    const rows = await src.hazards
      .find({ status: { $in: LIVE }, deadline: { $gte: lo, $lt: hi } }, o({ projection: { houseId: 1, groupId: 1 } }))
      .toArray();
    return { houses: rows.map((r) => r.houseId as string), hazardGroups: rows.map((r) => r.groupId as string) };
  };

  const moveTo = (to: Date) =>
    uow.run(async () => {
      const st = await readState();
      if (!st || +st.asOf === +to) return 0;
      const t = await between(st.asOf, to);
      await state.updateOne({ _id: 1 } as never, { $set: { asOf: to } }, o());
      await touched(t, { ...st, asOf: to });
      return new Set(t.houses).size;
    });

  /** the first keep of a store: the state made and every live hazard counted once (houses follow in the rebuild) */
  const init = () =>
    withMongoLock(conn, 'kept-figures', async () => {
      if (await readState()) return;
      for (const c of [houseRows, groups, grids, communities, street]) await c.deleteMany({});
      const st: StateDoc = {
        _id: 1,
        period: '',
        letterVersion: -1,
        asOf: new Date(0),
        ready: false,
        rebuiltAt: null,
        verifiedAt: null,
        drifted: 0,
        repairs: 0,
      };
      await state.insertOne(st as never);
      const all = await src.hazards.distinct('groupId', { status: { $in: LIVE } });
      await touched({ houses: [], hazardGroups: all as string[] }, st);
    });

  const holds = (st: StateDoc | null, period: string, letterVersion: number | null): st is StateDoc =>
    Boolean(st && st.ready && st.period === period && st.letterVersion === (letterVersion ?? -1));

  const rebuild = async (period: string, letterVersion: number | null, now: Date): Promise<'rebuilt'> => {
    await init();
    await moveTo(now);
    await state.updateOne({ _id: 1 } as never, { $set: { period, letterVersion: letterVersion ?? -1, ready: false } });
    // in chunks, the loop free between them; writes landing meanwhile are kept by `touched`
    for (let after = ''; ;) {
      const ids = (
        await src.houses
          .find({ _id: { $gt: after } } as never, { projection: { _id: 1 } })
          .sort({ _id: 1 })
          .limit(CHUNK)
          .toArray()
      ).map((h) => h._id as unknown as string);
      // (houses gone since their row was written are dropped as the rebuild passes them)
      const gone = (
        await houseRows
          .find((ids.length ? { _id: { $gt: after, $lt: ids.at(-1)! } } : { _id: { $gt: after } }) as never, { projection: { _id: 1 } })
          .toArray()
      ).map((r) => r._id as unknown as string);
      const st = (await readState())!;
      if (st.period !== period || st.letterVersion !== (letterVersion ?? -1)) break;
      await uow.run(() => touched({ houses: [...ids, ...gone], hazardGroups: [] }));
      if (ids.length < CHUNK) break;
      after = ids.at(-1)!;
      await new Promise((r) => setImmediate(r));
    }
    await state.updateOne({ _id: 1, period, letterVersion: letterVersion ?? -1 } as never, {
      $set: { ready: true, rebuiltAt: new Date() },
    });
    return 'rebuilt';
  };

  /** a scope's figures from the coarsest kept level with every field the query names */
  const sums = async (q: FigureQuery): Promise<FigureRow[]> => {
    const named = (['communityId', 'gridId', 'groupId'] as const).filter((k) => q.where[k] !== undefined);
    const by = { all: null, community: 'communityId', grid: 'gridId', group: 'groupId' }[q.by];
    const needs = new Set<string>([...named, ...(by ? [by] : [])]);
    const from = needs.has('groupId') ? groups : needs.has('gridId') ? grids : needs.has('communityId') ? communities : street;
    const match = Object.fromEntries(named.map((k) => [k, q.where[k]]));
    const rows = await from
      .aggregate([
        { $match: match },
        { $group: { _id: by ? `$${by}` : null, ...Object.fromEntries(COUNTS.map((k) => [k, { $sum: { $ifNull: [`$${k}`, 0] } }])) } },
        { $match: { $or: [{ houses: { $gt: 0 } }, { hazardsOpen: { $gt: 0 } }] } },
      ])
      .toArray();
    return rows.map(({ _id, ...r }) => ({ ...emptyFigures((_id as string | null) ?? null), ...(r as Partial<FigureRow>) }));
  };

  /** the verifying recount by group, grid and community (on the server), under the kept state */
  const recount = async (st: StateDoc): Promise<Map<string, { place: Place; c: Counts }>> => {
    const q = { where: {}, period: st.period, letterVersion: st.letterVersion === -1 ? null : st.letterVersion, now: st.asOf };
    const [houses, hazards] = await Promise.all([
      src.houses.aggregate([...flags(q), houseCounts(PLACE_ID)]).toArray(),
      src.hazards.aggregate([{ $match: { status: { $in: LIVE } } }, hazardCounts(PLACE_ID, st.asOf)]).toArray(),
    ]);
    const out = new Map<string, { place: Place; c: Counts }>();
    for (const r of [...houses, ...hazards]) {
      const place = r._id as Place;
      const e = out.get(placeKey(place)) ?? { place, c: zero() };
      out.set(placeKey(place), e);
      for (const k of COUNTS) if (typeof r[k] === 'number') e.c[k] += r[k] as number;
    }
    return out;
  };

  /** the grids', communities' and street's sums made again from the groups' (those that differ); how many differed */
  const resumPlaces = async (): Promise<number> => {
    const sum = Object.fromEntries(COUNTS.map((k) => [k, { $sum: { $ifNull: [`$${k}`, 0] } }]));
    const levels = [
      {
        c: grids,
        id: { $concat: ['$gridId', '\u0000', '$communityId'] },
        keep: { gridId: { $first: '$gridId' }, communityId: { $first: '$communityId' } },
      },
      { c: communities, id: '$communityId', keep: { communityId: { $first: '$communityId' } } },
      { c: street, id: { $literal: 1 }, keep: {} },
    ];
    let off = 0;
    for (const l of levels) {
      const want = await groups.aggregate([{ $group: { _id: l.id, ...sum, ...l.keep } }]).toArray();
      const have = new Map((await l.c.find({}).toArray()).map((d) => [String(d._id), d]));
      const ops: object[] = [];
      for (const w of want) {
        const h = have.get(String(w._id));
        have.delete(String(w._id));
        if (h && COUNTS.every((k) => ((h[k] as number) ?? 0) === w[k])) continue;
        off += 1;
        ops.push({ replaceOne: { filter: { _id: w._id }, replacement: w, upsert: true } });
      }
      for (const [, h] of have)
        if (COUNTS.some((k) => ((h[k] as number) ?? 0) !== 0)) {
          off += 1;
          ops.push({ deleteOne: { filter: { _id: h._id } } });
        }
      if (ops.length) await l.c.bulkWrite(ops as never, { ordered: false });
    }
    return off;
  };

  /**
   * Without transactions (a standalone server) a crash between a write and its counters' update
   * leaves them off: the first keep of a process verifies them (and repairs), as the scheduler's
   * first tick does.
   */
  let checked = uow.transactions;
  const api: MongoKeptFigures = {
    touched: (t) => touched(t),
    async read(q) {
      for (let tries = 0; tries < 3; tries += 1) {
        const st = await readState();
        if (!holds(st, q.period, q.letterVersion)) return null;
        // a deadline between the kept instant and now: moved first (a write), then read
        if (+st.asOf !== +q.now) {
          const [lo, hi] = st.asOf < q.now ? [st.asOf, q.now] : [q.now, st.asOf];
          if (await src.hazards.findOne({ status: { $in: LIVE }, deadline: { $gte: lo, $lt: hi } }, { projection: { _id: 1 } })) {
            await moveTo(q.now);
            continue;
          }
        }
        const rows = await sums(q);
        if (q.by === 'all' && rows.length === 0) rows.push(emptyFigures(null));
        return rows;
      }
      return null;
    },
    async state(): Promise<KeptState> {
      const st = await readState();
      return {
        period: st?.period ?? '',
        letterVersion: !st || st.letterVersion === -1 ? null : st.letterVersion,
        asOf: st?.asOf ?? new Date(0),
        ready: st?.ready ?? false,
        verifiedAt: st?.verifiedAt ?? null,
        drifted: st?.drifted ?? 0,
        repairs: st?.repairs ?? 0,
      };
    },
    advance: (now) => moveTo(now),
    keep: keeper(async (period, letterVersion) => {
      if (!holds(await readState(), period, letterVersion)) return false;
      if (!checked) {
        checked = true;
        await api.verify();
      }
      return true;
    }, rebuild),
    async verify() {
      const t0 = performance.now();
      const st = await readState();
      if (!st?.ready) return { drift: [], ms: 0 };
      return inTurn(async () => {
        const counted = await recount(st);
        const kept = await groups.find({}).toArray();
        const now = await readState();
        // a month or letter begun meanwhile: nothing to say
        if (!now?.ready || now.period !== st.period || now.letterVersion !== st.letterVersion || +now.asOf !== +st.asOf)
          return { drift: [], ms: 0 };
        const drift: Drift[] = [];
        const seen = new Set<string>();
        const compare = (place: Place, c: Counts, k: Partial<Counts>) => {
          const d = { ...place } as Drift;
          let off = false;
          for (const f of COUNTS) {
            d[f] = c[f] - ((k[f] as number) ?? 0);
            if (d[f] !== 0) off = true;
          }
          if (off) drift.push(d);
        };
        for (const g of kept) {
          const place = { groupId: g.groupId as string, gridId: g.gridId as string, communityId: g.communityId as string };
          seen.add(placeKey(place));
          compare(place, counted.get(placeKey(place))?.c ?? zero(), g as Partial<Counts>);
        }
        for (const [k, { place, c }] of counted) if (!seen.has(k)) compare(place, c, {});
        // each drifted group made right: its houses' flags from their records, then its counts set to the recount's
        for (const d of drift) {
          const ids = [
            ...(await src.houses.find({ groupId: d.groupId }, { projection: { _id: 1 } }).toArray()),
            ...(await houseRows.find({ groupId: d.groupId }, { projection: { _id: 1 } }).toArray()),
          ].map((h) => h._id as unknown as string);
          await uow.run(async () => {
            await refreshHouses([...new Set(ids)], st);
            const c = counted.get(placeKey(d))?.c ?? zero();
            await groups.updateOne(
              { _id: placeKey(d) } as never,
              { $set: { ...c, groupId: d.groupId, gridId: d.gridId, communityId: d.communityId } },
              o({ upsert: true }),
            );
          });
        }
        const placesOff = await resumPlaces();
        await state.updateOne(
          { _id: 1 } as never,
          { $set: { verifiedAt: new Date(), drifted: drift.length + placesOff }, $inc: { repairs: drift.length + placesOff } } as never,
        );
        return { drift, ms: performance.now() - t0 };
      });
    },
  };
  return api;
}

/** The collections whose writes change the figures. */
export const FIGURED = new Set<string>([SPECS.houses.name, SPECS.commitments.name, SPECS.submissions.name, SPECS.hazards.name]);
