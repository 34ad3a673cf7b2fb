import type Database from 'better-sqlite3';
import { newId } from '../../domain/ids';
import { CROSS_CHECK, type RosterRow, type RowError } from '../../domain/roster';

/** A legal but surprising change an import makes: `key` names its text in locales (api:warnings.*). */
export interface RosterWarning { row: number; key: 'head_changed' | 'house_moved' | 'landlord_renamed' | 'group_large'; params: Record<string, string | number> }
export interface AppliedRoster { created: number; updated: number; unchanged: number; warnings: RosterWarning[] }

/** A group of more than this many houses is worth a look (十户一长: about ten). */
export const LARGE_GROUP = 15;

/**
 * The roster import on SQLite, done in SQL on a connection of its own (the import's worker
 * thread): rows are staged in a TEMP table as they are parsed, checked across rows there,
 * then applied in ONE transaction together with the audit entry — a crash at any point
 * leaves the old roster or the new one, never part of it. Nothing is held in JS memory
 * per row, so a million rows cost what SQLite's page cache costs.
 */
export class RosterStage {
  private readonly insert: Database.Statement;
  private pending: RosterRow[] = [];

  constructor(private readonly db: Database.Database) {
    db.pragma('busy_timeout = 60000'); // this thread may block: it is not the event loop
    db.pragma('temp_store = FILE');
    db.pragma('cache_size = -65536'); // 64 MB: a million rows' index updates stay in the cache
    db.function('new_id', { deterministic: false }, () => newId());
    db.exec(`DROP TABLE IF EXISTS temp.stage;
CREATE TEMP TABLE stage (row INTEGER PRIMARY KEY, community TEXT NOT NULL, grid TEXT NOT NULL, grp TEXT NOT NULL, code TEXT NOT NULL,
  address TEXT NOT NULL, landlord TEXT NOT NULL, phone TEXT NOT NULL, tenants INTEGER NOT NULL, rooms INTEGER NOT NULL, head INTEGER NOT NULL,
  isKey INTEGER NOT NULL, communityId TEXT, gridId TEXT, groupId TEXT, landlordId TEXT, houseId TEXT, outcome TEXT, landlordChanged INTEGER, headChanged INTEGER)`);
    this.insert = db.prepare(`INSERT INTO temp.stage (row, community, grid, grp, code, address, landlord, phone, tenants, rooms, head, isKey)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  }

  /** Stages a valid row (written in batches). */
  add(r: RosterRow): void {
    this.pending.push(r);
    if (this.pending.length >= 5000) this.flush();
  }

  private flush(): void {
    const rows = this.pending;
    this.pending = [];
    this.db.transaction(() => { for (const r of rows) this.insert.run(r.row, r.community, r.grid, r.group, r.houseCode, r.address, r.landlord, r.phone, r.tenants, r.rooms, r.head ? 1 : 0, r.isKey ? 1 : 0); })();
  }

  /** The checks across rows (`crossCheckRoster`'s, in SQL): a code once, one head per group, one name per phone. */
  crossCheck(): RowError[] {
    this.flush();
    this.db.exec(`CREATE INDEX temp.stage_code ON stage(code, row); CREATE INDEX temp.stage_phone ON stage(phone, row);
      CREATE INDEX temp.stage_group ON stage(community, grid, grp, head, row)`);
    const errors: RowError[] = [];
    for (const r of this.db.prepare(`SELECT s.row, s.code, (SELECT MIN(row) FROM stage t WHERE t.code = s.code) AS first FROM stage s WHERE s.row > (SELECT MIN(row) FROM stage t WHERE t.code = s.code)`).iterate() as Iterable<{ row: number; code: string; first: number }>) {
      errors.push({ row: r.row, message: CROSS_CHECK.codeRepeats(r.code, r.first) });
    }
    for (const r of this.db.prepare(`SELECT s.row, s.grp, (SELECT MIN(row) FROM stage t WHERE t.community = s.community AND t.grid = s.grid AND t.grp = s.grp AND t.head = 1) AS first
      FROM stage s WHERE s.head = 1 AND s.row > (SELECT MIN(row) FROM stage t WHERE t.community = s.community AND t.grid = s.grid AND t.grp = s.grp AND t.head = 1)`).iterate() as Iterable<{ row: number; grp: string; first: number }>) {
      errors.push({ row: r.row, message: CROSS_CHECK.secondHead(r.grp, r.first) });
    }
    for (const r of this.db.prepare(`SELECT s.row, f.row AS first FROM stage s JOIN stage f ON f.row = (SELECT MIN(row) FROM stage t WHERE t.phone = s.phone)
      WHERE s.row > f.row AND s.landlord <> f.landlord`).iterate() as Iterable<{ row: number; first: number }>) {
      errors.push({ row: r.row, message: CROSS_CHECK.phoneTaken(r.first) });
    }
    return errors;
  }

  /**
   * Applies the staged roster in one transaction, the audit entry included: the same
   * upserts, outcomes and counts as `importRoster` over the Store, plus the warnings.
   * `onStep` reports progress between the statements.
   */
  apply(actor: string, onStep: (done: number, of: number) => void = () => {}): AppliedRoster {
    const db = this.db;
    const now = new Date().toISOString();
    const steps: (() => void)[] = [
      () => db.prepare(`INSERT INTO communities (id, createdAt, updatedAt, name)
        SELECT new_id(), @now, @now, community FROM (SELECT community, MIN(row) AS r FROM stage GROUP BY community ORDER BY r)
        WHERE community NOT IN (SELECT name FROM communities)`).run({ now }),
      () => db.exec(`UPDATE stage SET communityId = c.id FROM communities c WHERE c.name = stage.community`),
      () => db.prepare(`INSERT INTO grids (id, createdAt, updatedAt, communityId, name)
        SELECT new_id(), @now, @now, communityId, grid FROM (SELECT communityId, grid, MIN(row) AS r FROM stage GROUP BY communityId, grid ORDER BY r) s
        WHERE NOT EXISTS (SELECT 1 FROM grids g WHERE g.communityId = s.communityId AND g.name = s.grid)`).run({ now }),
      () => db.exec(`UPDATE stage SET gridId = g.id FROM grids g WHERE g.communityId = stage.communityId AND g.name = stage.grid`),
      () => db.prepare(`INSERT INTO groups (id, createdAt, updatedAt, communityId, gridId, name)
        SELECT new_id(), @now, @now, communityId, gridId, grp FROM (SELECT communityId, gridId, grp, MIN(row) AS r FROM stage GROUP BY gridId, grp ORDER BY r) s
        WHERE NOT EXISTS (SELECT 1 FROM groups g WHERE g.gridId = s.gridId AND g.name = s.grp)`).run({ now }),
      () => db.exec(`UPDATE stage SET groupId = g.id FROM groups g WHERE g.gridId = stage.gridId AND g.name = stage.grp`),
      // a landlord is known by phone; the name of the phone's first row wins (the cross-check made them agree)
      () => db.exec(`UPDATE stage SET landlordChanged = 1 FROM landlords l WHERE l.phone = stage.phone AND l.name <> stage.landlord`),
      () => db.prepare(`UPDATE landlords SET name = s.landlord, updatedAt = @now FROM (SELECT phone, landlord FROM stage WHERE landlordChanged = 1 GROUP BY phone) s
        WHERE landlords.phone = s.phone`).run({ now }),
      () => db.prepare(`INSERT INTO landlords (id, createdAt, updatedAt, name, phone)
        SELECT new_id(), @now, @now, landlord, phone FROM (SELECT phone, landlord, MIN(row) AS r FROM stage GROUP BY phone ORDER BY r) s
        WHERE NOT EXISTS (SELECT 1 FROM landlords l WHERE l.phone = s.phone)`).run({ now }),
      () => db.exec(`UPDATE stage SET landlordId = l.id FROM landlords l WHERE l.phone = stage.phone`),
      () => db.exec(`UPDATE stage SET houseId = h.id, outcome = CASE WHEN h.address = stage.address AND h.communityId = stage.communityId AND h.gridId = stage.gridId
        AND h.groupId = stage.groupId AND h.landlordId = stage.landlordId AND h.tenants = stage.tenants AND h.rooms = stage.rooms AND h.isKey = stage.isKey
        THEN 'unchanged' ELSE 'updated' END FROM houses h WHERE h.code = stage.code`),
      () => db.exec(`UPDATE stage SET houseId = new_id(), outcome = 'created' WHERE houseId IS NULL`),
      () => db.prepare(`UPDATE houses SET address = s.address, communityId = s.communityId, gridId = s.gridId, groupId = s.groupId, landlordId = s.landlordId,
        tenants = s.tenants, rooms = s.rooms, isKey = s.isKey, updatedAt = @now FROM stage s WHERE houses.id = s.houseId AND s.outcome = 'updated'`).run({ now }),
      () => db.prepare(`INSERT INTO houses (id, createdAt, updatedAt, code, address, communityId, gridId, groupId, landlordId, tenants, rooms, isKey)
        SELECT houseId, @now, @now, code, address, communityId, gridId, groupId, landlordId, tenants, rooms, isKey FROM stage WHERE outcome = 'created' ORDER BY row`).run({ now }),
      () => db.exec(`UPDATE stage SET headChanged = 1 FROM groups g WHERE stage.head = 1 AND g.id = stage.groupId AND g.headHouseId IS NOT stage.houseId`),
      () => db.prepare(`UPDATE groups SET headHouseId = s.houseId, updatedAt = @now FROM stage s WHERE s.headChanged = 1 AND groups.id = s.groupId`).run({ now }),
    ];
    return db.transaction(() => {
      // warnings are read before anything changes
      const warnings = this.warnings();
      steps.forEach((step, i) => { step(); onStep(i + 1, steps.length); });
      const c = db.prepare(`SELECT SUM(outcome = 'created') AS created, SUM(outcome <> 'created' AND (outcome = 'updated' OR landlordChanged = 1 OR headChanged = 1)) AS updated,
        COUNT(*) AS rows FROM stage`).get() as { created: number | null; updated: number | null; rows: number };
      const created = c.created ?? 0;
      const updated = c.updated ?? 0;
      db.prepare(`INSERT INTO audit (id, createdAt, updatedAt, actor, action, target, detail) VALUES (new_id(), @now, @now, @actor, 'import_roster', 'roster', @detail)`)
        .run({ now, actor, detail: JSON.stringify({ rows: c.rows, created, updated, warnings: warnings.length }) });
      return { created, updated, unchanged: c.rows - created - updated, warnings };
    }).immediate();
  }

  /** What is legal but worth a look: a head changing, a house moving group, a landlord renamed, a group over 15 houses. */
  private warnings(): RosterWarning[] {
    const out: RosterWarning[] = [];
    const placeOf = `SELECT g.id AS groupId, g.name AS grp, g.headHouseId, gr.name AS grid, c.name AS community FROM groups g JOIN grids gr ON gr.id = g.gridId JOIN communities c ON c.id = gr.communityId`;
    for (const r of this.db.prepare(`SELECT s.row, s.grp, s.code AS "to", h.code AS "from" FROM stage s
      JOIN (${placeOf}) p ON p.community = s.community AND p.grid = s.grid AND p.grp = s.grp
      JOIN houses h ON h.id = p.headHouseId WHERE s.head = 1 AND h.code <> s.code ORDER BY s.row`).iterate() as Iterable<{ row: number; grp: string; from: string; to: string }>) {
      out.push({ row: r.row, key: 'head_changed', params: { group: r.grp, from: r.from, to: r.to } });
    }
    for (const r of this.db.prepare(`SELECT s.row, s.code, p.grp AS "from", s.grp AS "to" FROM stage s JOIN houses h ON h.code = s.code
      JOIN (${placeOf}) p ON p.groupId = h.groupId WHERE p.community <> s.community OR p.grid <> s.grid OR p.grp <> s.grp ORDER BY s.row`).iterate() as Iterable<{ row: number; code: string; from: string; to: string }>) {
      out.push({ row: r.row, key: 'house_moved', params: { code: r.code, from: r.from, to: r.to } });
    }
    for (const r of this.db.prepare(`SELECT MIN(s.row) AS row, l.name AS "from", s.landlord AS "to" FROM stage s JOIN landlords l ON l.phone = s.phone
      WHERE l.name <> s.landlord GROUP BY s.phone ORDER BY row`).iterate() as Iterable<{ row: number; from: string; to: string }>) {
      out.push({ row: r.row, key: 'landlord_renamed', params: { from: r.from, to: r.to } });
    }
    for (const r of this.db.prepare(`SELECT MIN(row) AS row, grp, COUNT(*) AS n FROM stage GROUP BY community, grid, grp HAVING COUNT(*) > ${LARGE_GROUP} ORDER BY row`)
      .iterate() as Iterable<{ row: number; grp: string; n: number }>) {
      out.push({ row: r.row, key: 'group_large', params: { group: r.grp, count: r.n } });
    }
    return out.sort((a, b) => a.row - b.row);
  }
}
