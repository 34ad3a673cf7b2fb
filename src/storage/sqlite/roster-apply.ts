import type Database from 'better-sqlite3';
import { DomainError } from '../../domain/errors';
import { newId } from '../../domain/ids';
import { CROSS_CHECK, ParentNames, type RosterRow, type RowError } from '../../domain/roster';
import { LARGE_GROUP, type AppliedRoster, type RosterPreview, type RosterWarning } from '../roster-stage';
import { BULK } from './kept-figures-sql';
import { bulkFigures, type BulkFigures } from './sqlite-kept-figures';
import { WAL_SIZE_LIMIT } from './wal-limit';

const k = (...parts: string[]) => parts.join('\u0000');

interface Parents {
  community: string;
  grid: string;
  group: string;
  communityId: string;
  gridId: string;
  groupId: string;
  elsewhere: string | null;
}
/** rows naming another community's grid or group kept (the worker lists 10,000 bad rows at most): a sheet where every row does stays bounded */
const MAX_PARENT_ERRORS = 10_000;

/**
 * The roster import on SQLite, done in SQL on a connection of its own (the import's worker
 * thread): rows are staged in a TEMP table as they are parsed, checked across rows there,
 * then applied in ONE transaction together with the audit entry — a crash at any point
 * leaves the old roster or the new one, never part of it. Per row nothing stays in JS
 * memory; communities, grids and groups (a few per hundred rows) are resolved to ids in
 * maps while staging, so the apply needs no pass to find them.
 */
export class RosterStage {
  private readonly insert: Database.Statement;
  /** name keys → ids: the ones stored when staging began, and the ones this import adds */
  private readonly ids = new Map<string, string>();
  private readonly known = new Set<string>();
  /** rows naming a grid or group of another community (found while staging) */
  private readonly parents = new ParentNames();
  private readonly parentErrors: RowError[] = [];
  /** the last row's (`parentsOf`) */
  private last: Parents | null = null;
  private readonly added = {
    communities: [] as { id: string; name: string }[],
    grids: [] as { id: string; communityId: string; name: string }[],
    groups: [] as { id: string; communityId: string; gridId: string; name: string }[],
  };

  private readonly bulk: BulkFigures;

  constructor(private readonly db: Database.Database) {
    db.pragma('busy_timeout = 60000'); // this thread may block: it is not the event loop
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`); // (the apply's transaction grows the WAL the most)
    db.pragma('temp_store = FILE');
    // 16 MB: at a million rows 32 MB was no faster on this machine and took 50 MB more of the import's memory bound
    db.pragma('cache_size = -16384');
    db.function('new_id', { deterministic: false }, () => newId());
    db.exec(`DROP TABLE IF EXISTS temp.stage;
CREATE TEMP TABLE stage (row INTEGER PRIMARY KEY, grp TEXT NOT NULL, code TEXT NOT NULL,
  address TEXT NOT NULL, landlord TEXT NOT NULL, phone TEXT NOT NULL, tenants INTEGER NOT NULL, rooms INTEGER NOT NULL, head INTEGER NOT NULL,
  isKey INTEGER NOT NULL, communityId TEXT NOT NULL, gridId TEXT NOT NULL, groupId TEXT NOT NULL, landlordChanged INTEGER,
  elsewhere INTEGER NOT NULL DEFAULT 0, newHouseId TEXT NOT NULL, newLandlordId TEXT NOT NULL);
CREATE INDEX temp.stage_code ON stage(code, row); CREATE INDEX temp.stage_phone ON stage(phone, row); CREATE INDEX temp.stage_group ON stage(groupId, head, row)`);
    // The indexes the checks and the apply use, and the ids a new house or landlord of a row would get, are made while
    // staging: the stager waits on the reader then, while the apply holds the store's write lock (and the import's end).
    this.insert =
      db.prepare(`INSERT INTO temp.stage (row, grp, code, address, landlord, phone, tenants, rooms, head, isKey, communityId, gridId, groupId, elsewhere,
      newHouseId, newLandlordId) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const communityName = new Map<string, string>();
    const gridName = new Map<string, string>();
    for (const c of db.prepare('SELECT id, name FROM communities').iterate() as Iterable<{ id: string; name: string }>) {
      this.ids.set(k('c', c.name), c.id);
      communityName.set(c.id, c.name);
    }
    for (const g of db.prepare('SELECT id, communityId, name FROM grids ORDER BY createdAt').iterate() as Iterable<{
      id: string;
      communityId: string;
      name: string;
    }>) {
      this.ids.set(k('g', g.communityId, g.name), g.id);
      gridName.set(g.id, g.name);
      this.parents.knownGrid(communityName.get(g.communityId) ?? '', g.name);
    }
    for (const g of db.prepare('SELECT id, communityId, gridId, name FROM groups ORDER BY createdAt').iterate() as Iterable<{
      id: string;
      communityId: string;
      gridId: string;
      name: string;
    }>) {
      this.ids.set(k('z', g.gridId, g.name), g.id);
      this.parents.knownGroup(communityName.get(g.communityId) ?? '', gridName.get(g.gridId) ?? '', g.name);
    }
    for (const id of this.ids.values()) this.known.add(id);
    this.bulk = bulkFigures(db);
  }

  private idOf(key: string, add: (id: string) => void): string {
    let id = this.ids.get(key);
    if (!id) {
      id = newId();
      this.ids.set(key, id);
      add(id);
    }
    return id;
  }

  /** Stages a batch of valid rows, in one transaction. */
  add(rows: readonly RosterRow[]): void {
    this.db.transaction(() => {
      for (const r of rows) {
        const p = this.parentsOf(r);
        if (p.elsewhere && this.parentErrors.length < MAX_PARENT_ERRORS) this.parentErrors.push({ row: r.row, message: p.elsewhere });
        this.insert.run(
          r.row,
          r.group,
          r.houseCode,
          r.address,
          r.landlord,
          r.phone,
          r.tenants,
          r.rooms,
          r.head ? 1 : 0,
          r.isKey ? 1 : 0,
          p.communityId,
          p.gridId,
          p.groupId,
          p.elsewhere ? 1 : 0,
          newId(),
          newId(),
        );
      }
    })();
  }

  /** A row's community, grid and group as ids, and whether they belong elsewhere (`ParentNames`): worked out once for a run of rows naming the same ones, as a group's rows come. */
  private parentsOf(r: RosterRow): Parents {
    const last = this.last;
    if (last && last.group === r.group && last.grid === r.grid && last.community === r.community) return last;
    const elsewhere = this.parents.check(r);
    const communityId = this.idOf(k('c', r.community), (id) => this.added.communities.push({ id, name: r.community }));
    const gridId = this.idOf(k('g', communityId, r.grid), (id) => this.added.grids.push({ id, communityId, name: r.grid }));
    const groupId = this.idOf(k('z', gridId, r.group), (id) => this.added.groups.push({ id, communityId, gridId, name: r.group }));
    this.last = { community: r.community, grid: r.grid, group: r.group, communityId, gridId, groupId, elsewhere };
    return this.last;
  }

  /**
   * The checks across rows (`crossCheckRoster`'s, in SQL): a code once, one head per group, one
   * name per phone; and (while staging) no grid or group of another community (`ParentNames`).
   * Lists at most `limit` problems (a sheet where every row repeats a code must not list a
   * million); `rows` counts every row with one, each once.
   */
  crossCheck(limit: number): { errors: RowError[]; rows: number } {
    const errors: RowError[] = this.parentErrors.slice(0, limit);
    const firstOfCode = `(SELECT MIN(row) FROM stage t WHERE t.code = s.code)`;
    const codeRepeats = `s.row > ${firstOfCode}`;
    const secondHead = `s.head = 1 AND s.row > (SELECT MIN(row) FROM stage t WHERE t.groupId = s.groupId AND t.head = 1)`;
    const firstOfPhone = `(SELECT MIN(row) FROM stage t WHERE t.phone = s.phone)`;
    const checks: [string, (r: Record<string, string | number>) => string][] = [
      [
        `SELECT s.row, s.code, ${firstOfCode} AS first FROM stage s WHERE ${codeRepeats}`,
        (r) => CROSS_CHECK.codeRepeats(String(r.code), Number(r.first)),
      ],
      [
        `SELECT s.row, s.grp, (SELECT MIN(row) FROM stage t WHERE t.groupId = s.groupId AND t.head = 1) AS first FROM stage s WHERE ${secondHead}`,
        (r) => CROSS_CHECK.secondHead(String(r.grp), Number(r.first)),
      ],
      [
        `SELECT s.row, f.row AS first FROM stage s JOIN stage f ON f.row = ${firstOfPhone} WHERE s.row > f.row AND s.landlord <> f.landlord`,
        (r) => CROSS_CHECK.phoneTaken(Number(r.first)),
      ],
    ];
    for (const [sql, message] of checks) {
      if (errors.length >= limit) break;
      for (const r of this.db.prepare(`${sql} LIMIT ?`).iterate(limit - errors.length) as Iterable<Record<string, string | number>>) {
        errors.push({ row: Number(r.row), message: message(r) });
      }
    }
    if (!errors.length) return { errors, rows: 0 };
    const { n } = this.db
      .prepare(
        `SELECT COUNT(*) AS n FROM stage s WHERE s.elsewhere = 1 OR ${codeRepeats} OR (${secondHead})
      OR (s.row > ${firstOfPhone} AND s.landlord <> (SELECT f.landlord FROM stage f WHERE f.row = ${firstOfPhone}))`,
      )
      .get() as { n: number };
    return { errors, rows: n };
  }

  /** Communities, grids and groups this import adds; throws `conflict` when the store changed under it since staging began. */
  private addParents(now: string): void {
    const db = this.db;
    const exists = db.prepare(
      'SELECT 1 FROM (SELECT id FROM communities WHERE id = @id UNION ALL SELECT id FROM grids WHERE id = @id UNION ALL SELECT id FROM groups WHERE id = @id)',
    );
    for (const id of this.known) {
      if (!exists.get({ id })) throw new DomainError('conflict', 'a community, grid or group was removed during the import; import again');
    }
    const ins = {
      c: db.prepare('INSERT INTO communities (id, createdAt, updatedAt, name) VALUES (?, ?, ?, ?)'),
      g: db.prepare('INSERT INTO grids (id, createdAt, updatedAt, communityId, name) VALUES (?, ?, ?, ?, ?)'),
      z: db.prepare('INSERT INTO groups (id, createdAt, updatedAt, communityId, gridId, name) VALUES (?, ?, ?, ?, ?, ?)'),
    };
    // a unique index refuses one another process added meanwhile: that is a conflict, not a duplicate
    try {
      for (const c of this.added.communities) ins.c.run(c.id, now, now, c.name);
      for (const g of this.added.grids) ins.g.run(g.id, now, now, g.communityId, g.name);
      for (const z of this.added.groups) ins.z.run(z.id, now, now, z.communityId, z.gridId, z.name);
    } catch (e) {
      if (String((e as { code?: string }).code).startsWith('SQLITE_CONSTRAINT'))
        throw new DomainError('conflict', 'the roster changed during the import; import again');
      throw e;
    }
  }

  /**
   * Applies the staged roster in one transaction, the audit entry included: the same
   * upserts, outcomes, counts and warnings as the stage over collections (MongoDB's).
   * `onStep` reports progress between the statements.
   */
  apply(actor: string, onStep: (done: number, of: number) => void = () => {}): AppliedRoster {
    const db = this.db;
    const now = new Date().toISOString();
    // a row's landlord, once the landlords are in: looked up where needed (writing it into a million staged rows took longer)
    const landlordOf = '(SELECT l.id FROM landlords l WHERE l.phone = s.phone)';
    const same = `h.address = s.address AND h.communityId = s.communityId AND h.gridId = s.gridId AND h.groupId = s.groupId
      AND h.landlordId = ${landlordOf} AND h.tenants = s.tenants AND h.rooms = s.rooms AND h.isKey = s.isKey`;
    let counts = { created: 0, updated: 0, rows: 0 };
    const steps: (() => void)[] = [
      () => this.addParents(now),
      // a landlord is known by phone; the name of the phone's first row wins (the cross-check made them agree)
      () =>
        db
          .prepare(
            `UPDATE landlords SET name = s.landlord, updatedAt = @now FROM (SELECT phone, landlord FROM stage WHERE landlordChanged = 1 GROUP BY phone) s
        WHERE landlords.phone = s.phone`,
          )
          .run({ now }),
      // (of a phone's rows, the first one's: SQLite takes the bare columns from the row MIN() picks)
      () =>
        db
          .prepare(
            `INSERT INTO landlords (id, createdAt, updatedAt, name, phone)
        SELECT newLandlordId, @now, @now, landlord, phone FROM (SELECT phone, landlord, newLandlordId, MIN(row) AS r FROM stage GROUP BY phone) s
        WHERE NOT EXISTS (SELECT 1 FROM landlords l WHERE l.phone = s.phone)`,
          )
          .run({ now }),
      // the outcomes, counted before anything of the houses changes: created, or updated when the house,
      // its landlord's name or (for a head row) its group's head changes
      () => {
        counts = db
          .prepare(
            `SELECT COUNT(*) AS rows, SUM(h.id IS NULL) AS created,
          SUM(h.id IS NOT NULL AND (NOT (${same}) OR s.landlordChanged = 1 OR (s.head = 1 AND z.headHouseId IS NOT h.id))) AS updated
          FROM stage s LEFT JOIN houses h ON h.code = s.code JOIN groups z ON z.id = s.groupId`,
          )
          .get() as typeof counts;
      },
      () =>
        db
          .prepare(
            `UPDATE houses SET address = s.address, communityId = s.communityId, gridId = s.gridId, groupId = s.groupId, landlordId = ${landlordOf},
        tenants = s.tenants, rooms = s.rooms, isKey = s.isKey, updatedAt = @now FROM stage s WHERE houses.code = s.code AND NOT (${same.replace(/h\./g, 'houses.')})`,
          )
          .run({ now }),
      () =>
        db
          .prepare(
            `INSERT INTO houses (id, createdAt, updatedAt, code, address, communityId, gridId, groupId, landlordId, tenants, rooms, isKey)
        SELECT newHouseId, @now, @now, code, address, communityId, gridId, groupId, ${landlordOf}, tenants, rooms, isKey FROM stage s
        WHERE NOT EXISTS (SELECT 1 FROM houses h WHERE h.code = s.code) ORDER BY row`,
          )
          .run({ now }),
      () =>
        db
          .prepare(
            `UPDATE groups SET headHouseId = h.id, updatedAt = @now FROM stage s JOIN houses h ON h.code = s.code
        WHERE s.head = 1 AND groups.id = s.groupId AND groups.headHouseId IS NOT h.id`,
          )
          .run({ now }),
    ];
    return db
      .transaction(() => {
        db.exec(`UPDATE stage SET landlordChanged = 1 FROM landlords l WHERE l.phone = stage.phone AND l.name <> stage.landlord`);
        // warnings are read before anything is written
        const warnings = this.warnings();
        // the figures of every group a row's house leaves or joins refreshed once, at the end (not by triggers per house)
        this.bulk(() => {
          db.prepare(BULK.touchStaged).run();
          steps.forEach((step, i) => {
            step();
            onStep(i + 1, steps.length);
          });
        });
        const created = counts.created ?? 0;
        const updated = counts.updated ?? 0;
        db.prepare(
          `INSERT INTO audit (id, createdAt, updatedAt, actor, action, target, detail) VALUES (new_id(), @now, @now, @actor, 'import_roster', 'roster', @detail)`,
        ).run({ now, actor, detail: JSON.stringify({ rows: counts.rows, created, updated, warnings: warnings.length }) });
        return { created, updated, unchanged: counts.rows - created - updated, warnings };
      })
      .immediate();
  }

  /** What `apply` would do, nothing written but the stage's own TEMP table: the same warnings, read the same way. */
  preview(): RosterPreview {
    const db = this.db;
    return db.transaction(() => {
      db.exec(`UPDATE stage SET landlordChanged = 1 FROM landlords l WHERE l.phone = stage.phone AND l.name <> stage.landlord`);
      const warnings = this.warnings();
      const counts = db
        .prepare(
          `SELECT COUNT(*) AS rows, (SELECT COUNT(DISTINCT code) FROM stage s WHERE NOT EXISTS (SELECT 1 FROM houses h WHERE h.code = s.code)) AS created FROM stage`,
        )
        .get() as { rows: number; created: number | null };
      return { rows: counts.rows, created: counts.created ?? 0, warnings };
    })();
  }

  /** What is legal but worth a look: a head changing, a house moving group, a landlord renamed, a group over 15 houses. */
  private warnings(): RosterWarning[] {
    const out: RosterWarning[] = [];
    for (const r of this.db
      .prepare(
        `SELECT s.row, s.grp, s.code AS "to", h.code AS "from" FROM stage s JOIN groups z ON z.id = s.groupId
      JOIN houses h ON h.id = z.headHouseId WHERE s.head = 1 AND h.code <> s.code ORDER BY s.row`,
      )
      .iterate() as Iterable<{ row: number; grp: string; from: string; to: string }>) {
      out.push({ row: r.row, key: 'head_changed', params: { group: r.grp, from: r.from, to: r.to } });
    }
    for (const r of this.db
      .prepare(
        `SELECT s.row, s.code, z.name AS "from", s.grp AS "to" FROM stage s JOIN houses h ON h.code = s.code
      JOIN groups z ON z.id = h.groupId WHERE h.groupId <> s.groupId ORDER BY s.row`,
      )
      .iterate() as Iterable<{ row: number; code: string; from: string; to: string }>) {
      out.push({ row: r.row, key: 'house_moved', params: { code: r.code, from: r.from, to: r.to } });
    }
    // (landlordChanged is marked first, so this reads the few rows marked, not a million)
    for (const r of this.db
      .prepare(
        `SELECT MIN(s.row) AS row, l.name AS "from", s.landlord AS "to" FROM stage s JOIN landlords l ON l.phone = s.phone
      WHERE s.landlordChanged = 1 GROUP BY s.phone`,
      )
      .iterate() as Iterable<{ row: number; from: string; to: string }>) {
      out.push({ row: r.row, key: 'landlord_renamed', params: { from: r.from, to: r.to } });
    }
    // a group's size once the file is in: its houses in the file, and those it keeps that the file leaves out
    // (houses stay where they are unless the file names them), at the group's first row; only a group the file makes
    // larger (the same file imported again each month would warn of the same group each time)
    for (const g of this.db
      .prepare(
        `WITH file AS (SELECT groupId, COUNT(*) AS n, MIN(row) AS row, MIN(grp) AS name FROM stage GROUP BY groupId),
        now AS (SELECT groupId, COUNT(*) AS n FROM houses WHERE groupId IN (SELECT groupId FROM file) GROUP BY groupId),
        named AS (SELECT h.groupId, COUNT(*) AS n FROM stage s JOIN houses h ON h.code = s.code GROUP BY h.groupId)
      SELECT file.row, file.name, file.n + COALESCE(now.n, 0) - COALESCE(named.n, 0) AS total FROM file
      LEFT JOIN now ON now.groupId = file.groupId LEFT JOIN named ON named.groupId = file.groupId
      WHERE file.n + COALESCE(now.n, 0) - COALESCE(named.n, 0) > MAX(?, COALESCE(now.n, 0))`,
      )
      .iterate(LARGE_GROUP) as Iterable<{ row: number; name: string; total: number }>) {
      out.push({ row: g.row, key: 'group_large', params: { group: g.name, count: g.total } });
    }
    return out.sort((a, b) => a.row - b.row);
  }
}
