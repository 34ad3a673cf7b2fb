import type Database from 'better-sqlite3';
import { emptyFigures, keeper, type Drift, type FigureQuery, type FigureRow, type KeptFigures, type KeptState } from '../figures';
import type { GroupCommit } from './group-commit';
import {
  BULK,
  DRIFT,
  INSTANT_STALE,
  MOVE_INSTANT,
  PLACES_DRIFT,
  PLACES_RESUM,
  REFRESH_CHUNK,
  REFRESH_ONE,
  REPAIR_PLACE,
} from './kept-figures-sql';

/** houses refreshed per write while a month or letter is rebuilt (each a few milliseconds on the loop) */
const CHUNK = 2000;
const KEY = { all: 'NULL', community: 'communityId', grid: 'gridId', group: 'groupId' } as const;
const SUMS = `SUM(houses) AS houses, SUM(keyHouses) AS keyHouses, SUM(committed) AS committed, SUM(submitted) AS submitted,
  SUM(approved) AS approved, SUM(compliant) AS compliant, SUM(hazardsOpen) AS hazardsOpen, SUM(hazardsOverdue) AS hazardsOverdue`;
const FIELDS = ['houses', 'keyHouses', 'committed', 'submitted', 'approved', 'compliant', 'hazardsOpen', 'hazardsOverdue'] as const;

interface StateRow {
  period: string;
  letterVersion: number;
  asOf: string;
  ready: number;
  verifiedAt: string | null;
  drifted: number;
  repairs: number;
}

/**
 * The kept figures of the SQLite store (issue 29): the triggers of migration 75 keep the
 * counters in each write's own transaction; this reads them (a scope's figures summed from its
 * groups' rows), moves the kept instant, starts a month or letter, and verifies them against a
 * recount run by `offThread` (the read-only connection in the worker thread).
 */
export function sqliteKeptFigures(
  db: Database.Database,
  commit: GroupCommit,
  offThread: (sql: string, params: Record<string, unknown>) => Promise<unknown[]>,
): KeptFigures {
  const stateRow = db.prepare('SELECT * FROM figure_state WHERE id = 1');
  const stale = db.prepare(INSTANT_STALE).pluck();
  const between = db.prepare(MOVE_INSTANT.between).pluck();
  const moveGroups = db.prepare(MOVE_INSTANT.groups);
  const setInstant = db.prepare(MOVE_INSTANT.instant);
  const refreshOne = db.prepare(REFRESH_ONE);
  const refreshChunk = db.prepare(REFRESH_CHUNK);
  const chunkEnd = db.prepare('SELECT id FROM houses WHERE id > @after ORDER BY id LIMIT 1 OFFSET @skip').pluck();
  const target = db.prepare('UPDATE figure_state SET period = @period, letterVersion = @letterVersion, ready = 0');
  const done = db.prepare('UPDATE figure_state SET ready = 1, rebuiltAt = @at WHERE period = @period AND letterVersion = @letterVersion');
  const repair = REPAIR_PLACE.map((sql) => db.prepare(sql));
  const verified = db.prepare('UPDATE figure_state SET verifiedAt = @at, drifted = @drifted, repairs = repairs + @drifted');
  const placesDrift = db.prepare(PLACES_DRIFT).pluck();
  const resum = PLACES_RESUM.map((sql) => db.prepare(sql));
  const sums = new Map<string, Database.Statement>();
  /**
   * A scope's figures from the coarsest kept level that has every column the query names: the
   * street's one row, a community's, a grid's, or its groups' (a few rows, whatever the city's size).
   */
  const sumStmt = (q: FigureQuery) => {
    const named = (['communityId', 'gridId', 'groupId'] as const).filter((k) => q.where[k] !== undefined);
    const parts = named.map((k) => `${k} = @${k}`);
    const needs = new Set<string>([...named, ...(q.by === 'all' ? [] : [KEY[q.by]])]);
    const table = needs.has('groupId')
      ? 'figure_groups'
      : needs.has('gridId')
        ? 'figure_grids'
        : needs.has('communityId')
          ? 'figure_communities'
          : 'figure_street';
    const sql = `SELECT ${KEY[q.by]} AS key, ${SUMS} FROM ${table} ${parts.length ? `WHERE ${parts.join(' AND ')}` : ''}
      GROUP BY 1 HAVING SUM(houses) > 0 OR SUM(hazardsOpen) > 0`;
    let s = sums.get(sql);
    if (!s) sums.set(sql, (s = db.prepare(sql)));
    return s;
  };
  const read = () => stateRow.get() as StateRow;
  const holds = (st: StateRow, period: string, letterVersion: number | null) =>
    st.ready === 1 && st.period === period && st.letterVersion === (letterVersion ?? -1);

  /** one write: the live hazards between the kept instant and `to` change overdue (counts, then flags) */
  const moveTo = (to: Date) =>
    commit.write(() =>
      db.transaction(() => {
        const iso = to.toISOString();
        if (read().asOf === iso) return 0;
        const houses = between.all({ to: iso }) as string[];
        moveGroups.run({ to: iso });
        setInstant.run({ to: iso });
        for (const id of houses) refreshOne.run({ id });
        return houses.length;
      })(),
    );

  const rebuild = async (period: string, letterVersion: number | null, now: Date): Promise<'rebuilt'> => {
    await moveTo(now);
    const p = { period, letterVersion: letterVersion ?? -1 };
    await commit.write(() => target.run(p));
    for (let after = ''; ;) {
      // one chunk per write, the loop free between them; writes landing meanwhile are kept by the triggers
      await new Promise((r) => setImmediate(r));
      const last = await commit.write(() => {
        const end = (chunkEnd.get({ after, skip: CHUNK - 1 }) as string | undefined) ?? '\uffff';
        refreshChunk.run({ after, last: end });
        return end;
      });
      if (last === '\uffff') break;
      after = last;
    }
    await commit.write(() => done.run({ ...p, at: new Date().toISOString() }));
    return 'rebuilt';
  };

  return {
    async read(q) {
      for (let tries = 0; tries < 3; tries += 1) {
        const st = read();
        if (!holds(st, q.period, q.letterVersion)) return null;
        const now = q.now.toISOString();
        // a deadline between the kept instant and now: moved first (a write), then read
        if (st.asOf !== now && stale.get({ now }) === 1) {
          await moveTo(q.now);
          continue;
        }
        commit.reading();
        const rows = (sumStmt(q).all({ ...q.where }) as FigureRow[]).map((r) => ({ ...emptyFigures(r.key), ...r }));
        if (q.by === 'all' && rows.length === 0) rows.push(emptyFigures(null));
        return rows;
      }
      return null;
    },
    async state(): Promise<KeptState> {
      const st = read();
      return {
        period: st.period,
        letterVersion: st.letterVersion === -1 ? null : st.letterVersion,
        asOf: new Date(st.asOf),
        ready: st.ready === 1,
        verifiedAt: st.verifiedAt ? new Date(st.verifiedAt) : null,
        drifted: st.drifted,
        repairs: st.repairs,
      };
    },
    advance: (now) => moveTo(now),
    keep: keeper(async (period, letterVersion) => holds(read(), period, letterVersion), rebuild),
    async verify() {
      const t0 = performance.now();
      if (read().ready !== 1) return { drift: [], ms: 0 };
      // the worker reads what is committed: every write made so far first
      await commit.committed();
      const rows = (await offThread(DRIFT, {})) as (Drift & { ready: number; period: string; letterVersion: number; asOf: string })[];
      const st = read();
      // a month or letter begun meanwhile (its rebuild differs from a recount until done): nothing to say
      if (rows.some((r) => r.ready !== 1 || r.period !== st.period || r.letterVersion !== st.letterVersion)) return { drift: [], ms: 0 };
      const drift = rows.map((r): Drift => {
        const d = { groupId: r.groupId, gridId: r.gridId, communityId: r.communityId } as Drift;
        for (const k of FIELDS) d[k] = r[k];
        return d;
      });
      // each drifted place made right from its records, in a write of its own (a recount of a group, not a street)
      for (const d of drift)
        await commit.write(() =>
          db.transaction(() => {
            for (const s of repair) s.run({ groupId: d.groupId, gridId: d.gridId, communityId: d.communityId });
          })(),
        );
      // the grids', communities' and street's sums against their groups' (in the worker too); summed afresh if off
      const placesOff = ((await offThread(PLACES_DRIFT, {})) as { drifted: number }[])[0]!.drifted;
      if (placesOff > 0)
        await commit.write(() =>
          db.transaction(() => {
            if ((placesDrift.get() as number) > 0) for (const s of resum) s.run();
          })(),
        );
      await commit.write(() => verified.run({ at: new Date().toISOString(), drifted: drift.length + placesOff }));
      return { drift, ms: performance.now() - t0 };
    },
  };
}

/** What a bulk write names as it writes: a group it touches, or a house whose group it touches. */
export interface Touch {
  group(groupId: string): void;
  house(houseId: string): void;
}
export type BulkFigures = <R>(write: (touch: Touch) => R) => R;

/**
 * A bulk write with the kept figures refreshed set-wise at its end, in its transaction (a
 * savepoint inside the caller's): the triggers stand aside meanwhile (`BULK`). For one
 * connection: the groups touched live in its TEMP tables.
 */
export function bulkFigures(db: Database.Database): BulkFigures {
  for (const sql of BULK.setup) db.exec(sql);
  const begin = BULK.begin.map((sql) => db.prepare(sql));
  const group = db.prepare(BULK.touchGroup);
  const house = db.prepare(BULK.touchHouse);
  const refresh = BULK.refresh.map((sql) => db.prepare(sql));
  const touch: Touch = { group: (groupId) => group.run({ groupId }), house: (houseId) => house.run({ houseId }) };
  return (write) =>
    db.transaction(() => {
      for (const s of begin) s.run();
      const r = write(touch);
      for (const s of refresh) s.run();
      return r;
    })();
}
