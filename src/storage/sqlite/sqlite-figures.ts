import type Database from 'better-sqlite3';
import { emptyFigures, type FigureQuery, type FigureRow, type FigureStore, type HouseFigure } from '../figures';
import { Worker } from 'node:worker_threads';
import type { GroupCommit } from './group-commit';
import { sqliteKeptFigures } from './sqlite-kept-figures';
import { workerScript } from '../../worker-script';

/** Above this many houses, counts run on a read-only connection in a worker thread. */
const OFF_THREAD_HOUSES = 20_000;

/** The worker that counts off the main thread; started on first need, stopped with the store. */
function offThreadReader(file: string) {
  let worker: Worker | null = null;
  let next = 0;
  const waiting = new Map<number, { resolve: (rows: unknown[]) => void; reject: (e: Error) => void }>();
  const start = () => {
    const script = workerScript('src/storage/sqlite/figures-worker');
    const w = new Worker(script.file, { workerData: { file }, execArgv: script.execArgv });
    w.on('message', (m: { id: number; rows?: unknown[]; error?: string }) => {
      const p = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.error !== undefined) p?.reject(new Error(m.error));
      else p?.resolve(m.rows!);
      // an idle worker does not keep the process alive; one with a count under way does
      if (waiting.size === 0) w.unref();
    });
    w.on('error', (e) => {
      for (const p of waiting.values()) p.reject(e);
      waiting.clear();
      worker = null;
    });
    w.unref();
    return w;
  };
  return {
    all(sql: string, params: Record<string, unknown>): Promise<unknown[]> {
      worker ??= start();
      const id = (next += 1);
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker!.ref();
        worker!.postMessage({ id, sql, params });
      });
    },
    async close() {
      await worker?.terminate();
      worker = null;
    },
  };
}

const KEY = { all: 'NULL', community: 'communityId', grid: 'gridId', group: 'groupId' } as const;
const LIVE = `('open','rectified')`;
/** committed: by the house's present holder (a commitment made by no contact, e.g. on paper, counts for the house) — issue 25 */
const COMMITTED = `EXISTS (SELECT 1 FROM commitments c WHERE c.houseId = h.id AND c.letterVersion = @letterVersion
        AND (c.contactId IS NULL OR c.contactId = h.contactId))`;

/** The scope filter on denormalised place columns, with named parameters. */
function scopeSql(where: FigureQuery['where'], alias: string): string {
  const parts = (['communityId', 'gridId', 'groupId'] as const).filter((k) => where[k] !== undefined).map((k) => `${alias}.${k} = @${k}`);
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

/**
 * The figures as SQL (issue 11): one pass over a scope's houses, each checked against its
 * commitment, submission and hazards by index (EXISTS on `commitments(houseId,
 * letterVersion)`, `submissions(houseId, period)`, `hazards(houseId, status)`), grouped in
 * the database. Hazards are counted from their own table.
 */
export function sqliteFigures(
  db: Database.Database,
  commit: GroupCommit,
  off: { file?: string; offThreadHouses?: number } = {},
): FigureStore & { explainFigures(q: FigureQuery): string[]; closeFigures(): Promise<void> } {
  const houseFlags = (where: FigureQuery['where']) => `
    SELECT h.id, h.code, h.address, h.communityId, h.gridId, h.groupId, h.isKey, h.landlordId,
      ${COMMITTED} AS committed,
      EXISTS (SELECT 1 FROM submissions s WHERE s.houseId = h.id AND s.period = @period AND s.status IN ('complete','approved')) AS submitted,
      EXISTS (SELECT 1 FROM submissions s WHERE s.houseId = h.id AND s.period = @period AND s.status = 'approved') AS approved,
      EXISTS (SELECT 1 FROM hazards z WHERE z.houseId = h.id AND z.status IN ${LIVE} AND +z.deadline < @now) AS overdue
    FROM houses h ${scopeSql(where, 'h')}`;
  // (LIMIT -1 keeps the flags a co-routine, each computed once: flattened into the sums, committed and approved were
  // computed again inside compliant — a recount of 1,000,000 houses 9.2 s → 5.1 s)
  const houseSql = (q: FigureQuery) => {
    const key = KEY[q.by];
    return `
        SELECT ${key === 'NULL' ? 'NULL' : `f.${key}`} AS key, COUNT(*) AS houses, COALESCE(SUM(f.isKey), 0) AS keyHouses,
          COALESCE(SUM(f.committed), 0) AS committed, COALESCE(SUM(f.submitted), 0) AS submitted, COALESCE(SUM(f.approved), 0) AS approved,
          COALESCE(SUM(f.committed AND f.approved AND NOT f.overdue), 0) AS compliant
        FROM (${houseFlags(q.where)} LIMIT -1) f GROUP BY 1`;
  };
  const hazardSql = (q: FigureQuery) => {
    const key = KEY[q.by];
    return `
        SELECT ${key === 'NULL' ? 'NULL' : `z.${key}`} AS key, COUNT(*) AS hazardsOpen, COALESCE(SUM(z.deadline < @now), 0) AS hazardsOverdue
        FROM hazards z ${scopeSql(q.where, 'z') || 'WHERE 1'} AND z.status IN ${LIVE} GROUP BY 1`;
  };
  const cache = new Map<string, Database.Statement>();
  const stmt = (sql: string) => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  const params = (q: FigureQuery) => ({ ...q.where, period: q.period, letterVersion: q.letterVersion ?? -1, now: q.now.toISOString() });
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const size = db.prepare('SELECT MAX(rowid) FROM houses').pluck();
  const reader = off.file ? offThreadReader(off.file) : null;
  const threshold = off.offThreadHouses ?? OFF_THREAD_HOUSES;
  /** a large street is counted off the main thread, once every write made so far is committed (so it sees them) */
  const all = async <R>(sql: string, p: Record<string, unknown>): Promise<R[]> => {
    if (!reader || ((size.get() as number | null) ?? 0) < threshold) return stmt(sql).all(p) as R[];
    await commit.committed();
    return (await reader.all(sql, p)) as R[];
  };

  /** the verifying recount always runs off the main thread when there is a file to open (issue 29) */
  const offThread = async (sql: string, p: Record<string, unknown>): Promise<unknown[]> =>
    reader ? reader.all(sql, p) : (stmt(sql).all(p) as unknown[]);
  const kept = sqliteKeptFigures(db, commit, offThread);

  return {
    kept,
    async figures(q) {
      const [houses, hazards] = await Promise.all([
        all<FigureRow>(houseSql(q), params(q)),
        all<{ key: string | null; hazardsOpen: number; hazardsOverdue: number }>(hazardSql(q), params(q)),
      ]);
      const rows = new Map<string | null, FigureRow>(houses.map((r) => [r.key, { ...emptyFigures(r.key), ...r }]));
      for (const h of hazards)
        Object.assign(rows.get(h.key) ?? rows.set(h.key, emptyFigures(h.key)).get(h.key)!, {
          hazardsOpen: h.hazardsOpen,
          hazardsOverdue: h.hazardsOverdue,
        });
      if (q.by === 'all' && rows.size === 0) rows.set(null, emptyFigures(null));
      return [...rows.values()];
    },
    async houseFigures(q) {
      // one row per house, by code: its landlord, its commitment, the period's (latest) submission,
      // and its hazards and points, each looked up by index
      const rows = await all<Omit<HouseFigure, 'isKey' | 'committed'> & { isKey: number; committed: number }>(
        `
        SELECT h.id AS houseId, h.code, h.address, h.communityId, h.gridId, h.groupId, h.isKey,
          l.name AS landlordName, l.phone AS landlordPhone,
          ${COMMITTED} AS committed,
          s.status AS submission, CASE WHEN s.status = 'approved' THEN s.reviewedBy END AS approvedBy,
          (SELECT COUNT(*) FROM hazards z WHERE z.houseId = h.id AND z.status IN ${LIVE}) AS hazardsOpen,
          (SELECT COUNT(*) FROM hazards z WHERE z.houseId = h.id AND z.status IN ${LIVE} AND +z.deadline < @now) AS hazardsOverdue,
          (SELECT COALESCE(SUM(p.amount), 0) FROM points p WHERE p.landlordId = h.landlordId AND p.createdAt >= @yearStart AND p.createdAt < @yearEnd) AS points
        FROM houses h
        JOIN landlords l ON l.id = h.landlordId
        LEFT JOIN submissions s ON s.id = (SELECT s2.id FROM submissions s2 WHERE s2.houseId = h.id AND s2.period = @period ORDER BY s2.updatedAt DESC LIMIT 1)
        ${scopeSql(q.where, 'h')} ${q.afterCode === undefined ? '' : `${scopeSql(q.where, 'h') ? 'AND' : 'WHERE'} h.code > @afterCode`}
        ORDER BY h.code LIMIT @limit`,
        {
          ...params(q),
          afterCode: q.afterCode,
          limit: q.limit,
          yearStart: q.year.gte.toISOString(),
          yearEnd: q.year.lt.toISOString(),
        },
      );
      return rows.map((r) => ({ ...r, isKey: r.isKey === 1, committed: r.committed === 1 }));
    },

    async nextDeadline(now) {
      const r = stmt(`SELECT MIN(deadline) AS d FROM hazards WHERE status IN ${LIVE} AND deadline >= @now`).get({
        now: now.toISOString(),
      }) as { d: string | null };
      return r.d ? new Date(r.d) : null;
    },

    revision: () => `${commit.writes}:${dataVersion.get() as number}`,
    /** the plans of the figure queries for a scope (the EXPLAIN test) */
    closeFigures: async () => {
      await reader?.close();
    },
    explainFigures(q: FigureQuery): string[] {
      return [houseSql(q), hazardSql(q)].flatMap((sql) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params(q)) as { detail: string }[]).map((r) => r.detail),
      );
    },
  };
}
