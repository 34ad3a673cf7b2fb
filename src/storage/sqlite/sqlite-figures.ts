import type Database from 'better-sqlite3';
import { emptyFigures, type FigureQuery, type FigureRow, type FigureStore, type HouseFigure } from '../figures';
import type { GroupCommit } from './group-commit';

const KEY = { all: 'NULL', community: 'communityId', grid: 'gridId', group: 'groupId' } as const;
const LIVE = `('open','rectified')`;

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
export function sqliteFigures(db: Database.Database, commit: GroupCommit): FigureStore & { explainFigures(q: FigureQuery): string[] } {
  const houseFlags = (where: FigureQuery['where']) => `
    SELECT h.id, h.code, h.address, h.communityId, h.gridId, h.groupId, h.isKey, h.landlordId,
      EXISTS (SELECT 1 FROM commitments c WHERE c.houseId = h.id AND c.letterVersion = @letterVersion) AS committed,
      EXISTS (SELECT 1 FROM submissions s WHERE s.houseId = h.id AND s.period = @period AND s.status IN ('complete','approved')) AS submitted,
      EXISTS (SELECT 1 FROM submissions s WHERE s.houseId = h.id AND s.period = @period AND s.status = 'approved') AS approved,
      EXISTS (SELECT 1 FROM hazards z WHERE z.houseId = h.id AND z.status IN ${LIVE} AND +z.deadline < @now) AS overdue
    FROM houses h ${scopeSql(where, 'h')}`;
  const houseSql = (q: FigureQuery) => {
    const key = KEY[q.by];
    return `
        SELECT ${key === 'NULL' ? 'NULL' : `f.${key}`} AS key, COUNT(*) AS houses, COALESCE(SUM(f.isKey), 0) AS keyHouses,
          COALESCE(SUM(f.committed), 0) AS committed, COALESCE(SUM(f.submitted), 0) AS submitted, COALESCE(SUM(f.approved), 0) AS approved,
          COALESCE(SUM(f.committed AND f.approved AND NOT f.overdue), 0) AS compliant
        FROM (${houseFlags(q.where)}) f GROUP BY 1`;
  };
  const hazardSql = (q: FigureQuery) => {
    const key = KEY[q.by];
    return `
        SELECT ${key === 'NULL' ? 'NULL' : `z.${key}`} AS key, COUNT(*) AS hazardsOpen, COALESCE(SUM(z.deadline < @now), 0) AS hazardsOverdue
        FROM hazards z ${scopeSql(q.where, 'z') || 'WHERE 1'} AND z.status IN ${LIVE} GROUP BY 1`;
  };
  const cache = new Map<string, Database.Statement>();
  const stmt = (sql: string) => { let s = cache.get(sql); if (!s) { s = db.prepare(sql); cache.set(sql, s); } return s; };
  const params = (q: FigureQuery) => ({ ...q.where, period: q.period, letterVersion: q.letterVersion ?? -1, now: q.now.toISOString() });
  const dataVersion = db.prepare('PRAGMA data_version').pluck();

  return {
    async figures(q) {
      const houses = stmt(houseSql(q)).all(params(q)) as FigureRow[];
      const hazards = stmt(hazardSql(q)).all(params(q)) as { key: string | null; hazardsOpen: number; hazardsOverdue: number }[];
      const rows = new Map<string | null, FigureRow>(houses.map((r) => [r.key, { ...emptyFigures(r.key), ...r }]));
      for (const h of hazards) Object.assign(rows.get(h.key) ?? rows.set(h.key, emptyFigures(h.key)).get(h.key)!, { hazardsOpen: h.hazardsOpen, hazardsOverdue: h.hazardsOverdue });
      if (q.by === 'all' && rows.size === 0) rows.set(null, emptyFigures(null));
      return [...rows.values()];
    },
    async houseFigures(q) {
      const rows = stmt(`
        SELECT f.id AS houseId, f.code, f.address, f.communityId, f.gridId, f.groupId, f.isKey, f.committed,
          l.name AS landlordName, l.phone AS landlordPhone,
          (SELECT s.status FROM submissions s WHERE s.houseId = f.id AND s.period = @period ORDER BY s.updatedAt DESC LIMIT 1) AS submission,
          (SELECT s.reviewedBy FROM submissions s WHERE s.houseId = f.id AND s.period = @period AND s.status = 'approved' LIMIT 1) AS approvedBy,
          (SELECT COUNT(*) FROM hazards z WHERE z.houseId = f.id AND z.status IN ${LIVE}) AS hazardsOpen,
          (SELECT COUNT(*) FROM hazards z WHERE z.houseId = f.id AND z.status IN ${LIVE} AND +z.deadline < @now) AS hazardsOverdue,
          (SELECT COALESCE(SUM(p.amount), 0) FROM points p WHERE p.landlordId = f.landlordId AND p.createdAt >= @yearStart AND p.createdAt < @yearEnd) AS points
        FROM (${houseFlags(q.where)} ${q.afterCode === undefined ? '' : `${scopeSql(q.where, 'h') ? 'AND' : 'WHERE'} h.code > @afterCode`} ORDER BY h.code LIMIT @limit) f
        JOIN landlords l ON l.id = f.landlordId ORDER BY f.code`).all({
        ...params(q), afterCode: q.afterCode, limit: q.limit,
        yearStart: q.year.gte.toISOString(), yearEnd: q.year.lt.toISOString(),
      }) as (Omit<HouseFigure, 'isKey' | 'committed'> & { isKey: number; committed: number })[];
      return rows.map((r) => ({ ...r, isKey: r.isKey === 1, committed: r.committed === 1 }));
    },

    async nextDeadline(now) {
      const r = stmt(`SELECT MIN(deadline) AS d FROM hazards WHERE status IN ${LIVE} AND deadline >= @now`).get({ now: now.toISOString() }) as { d: string | null };
      return r.d ? new Date(r.d) : null;
    },

    revision: () => `${commit.writes}:${dataVersion.get() as number}`,
    /** the plans of the figure queries for a scope (the EXPLAIN test) */
    explainFigures(q: FigureQuery): string[] {
      return [houseSql(q), hazardSql(q)].flatMap((sql) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params(q)) as { detail: string }[]).map((r) => r.detail));
    },
  };
}
