/**
 * Figures kept, not recounted (issue 29), in SQLite: triggers keep each house's figure flags
 * (`figure_houses`) and each group's sums (`figure_groups`, by group, grid and community as
 * the rows say) in the same transaction as the write that changes them, whichever code path
 * or connection makes it (a service, a roster import, an edit). The flags are for one month
 * and one letter, and hazards are overdue against one instant, all in `figure_state`: the
 * scheduler moves the instant as deadlines pass and starts a new month or letter (a rebuild in
 * chunks, `ready = 0` meanwhile, when reads recount).
 */

const LIVE = `('open','rectified')`;
/**
 * Every trigger's condition: not inside a bulk write. A bulk write (a roster import, a batch
 * insert) sets figure_state.bulk in its own transaction, writes, refreshes the groups it touched
 * set-wise (`BULK`), and clears it before it commits — so no other connection ever sees it set.
 */
const NOT_BULK = `(SELECT bulk FROM figure_state WHERE id = 1) = 0`;

/** A house `h`'s flags under the kept state `f`: committed (by its present holder), submitted, approved, overdue hazards. */
const FLAGS = `EXISTS (SELECT 1 FROM commitments c WHERE c.houseId = h.id AND c.letterVersion = f.letterVersion
      AND (c.contactId IS NULL OR c.contactId = h.contactId)),
    EXISTS (SELECT 1 FROM submissions s WHERE s.houseId = h.id AND s.period = f.period AND s.status IN ('complete','approved')),
    EXISTS (SELECT 1 FROM submissions s WHERE s.houseId = h.id AND s.period = f.period AND s.status = 'approved'),
    (SELECT COUNT(*) FROM hazards z WHERE z.houseId = h.id AND z.status IN ${LIVE} AND +z.deadline < f.asOf)`;

/** A house's flags, for the house with id `id` (an SQL expression), as a SELECT of figure_houses' columns. */
const houseRow = (id: string) => `
  SELECT h.id, h.groupId, h.gridId, h.communityId, h.isKey,
    ${FLAGS}
  FROM houses h, figure_state f WHERE h.id = ${id}`;

/** One flag of the house `figure_houses.houseId`, recomputed where it stands (a source trigger's narrow update). */
const FLAG = {
  committed: `EXISTS (SELECT 1 FROM commitments c, houses h, figure_state f WHERE h.id = figure_houses.houseId AND c.houseId = h.id
    AND c.letterVersion = f.letterVersion AND (c.contactId IS NULL OR c.contactId = h.contactId))`,
  submitted: `EXISTS (SELECT 1 FROM submissions s, figure_state f WHERE s.houseId = figure_houses.houseId AND s.period = f.period
    AND s.status IN ('complete','approved'))`,
  approved: `EXISTS (SELECT 1 FROM submissions s, figure_state f WHERE s.houseId = figure_houses.houseId AND s.period = f.period
    AND s.status = 'approved')`,
  overdue: `(SELECT COUNT(*) FROM hazards z, figure_state f WHERE z.houseId = figure_houses.houseId AND z.status IN ${LIVE}
    AND +z.deadline < f.asOf)`,
};
const updateFlags = (id: string, flags: (keyof typeof FLAG)[]) =>
  `UPDATE figure_houses SET ${flags.map((k) => `${k} = ${FLAG[k]}`).join(', ')} WHERE houseId = ${id};`;

const UPSERT_HOUSE = `INSERT INTO figure_houses (houseId, groupId, gridId, communityId, isKey, committed, submitted, approved, overdue)`;
const ON_HOUSE = `ON CONFLICT (houseId) DO UPDATE SET groupId = excluded.groupId, gridId = excluded.gridId,
    communityId = excluded.communityId, isKey = excluded.isKey, committed = excluded.committed,
    submitted = excluded.submitted, approved = excluded.approved, overdue = excluded.overdue`;

/** Recomputes one house's place and flags: what a house added or changed runs. */
const refreshHouse = (id: string) => `${UPSERT_HOUSE} ${houseRow(id)} ${ON_HOUSE};`;

/** One house's flags recomputed (@id). */
export const REFRESH_ONE = `${UPSERT_HOUSE} ${houseRow('@id')} ${ON_HOUSE}`;

/** The flags of the houses with @after < id <= @last (a chunk of a rebuild). */
export const REFRESH_CHUNK = `${UPSERT_HOUSE}
  SELECT h.id, h.groupId, h.gridId, h.communityId, h.isKey,
    ${FLAGS}
  FROM houses h, figure_state f WHERE h.id > @after AND h.id <= @last
  ${ON_HOUSE}`;

const GROUP_COLS = `groupId, gridId, communityId, houses, keyHouses, committed, submitted, approved, compliant, hazardsOpen, hazardsOverdue`;
const ON_GROUP = `ON CONFLICT (groupId, gridId, communityId) DO UPDATE SET houses = houses + excluded.houses,
    keyHouses = keyHouses + excluded.keyHouses, committed = committed + excluded.committed, submitted = submitted + excluded.submitted,
    approved = approved + excluded.approved, compliant = compliant + excluded.compliant,
    hazardsOpen = hazardsOpen + excluded.hazardsOpen, hazardsOverdue = hazardsOverdue + excluded.hazardsOverdue`;
/** adds a figure_houses row's part (sign 1) or takes it away (sign -1) */
const houseDelta = (r: 'NEW' | 'OLD', sign: 1 | -1) => `
  INSERT INTO figure_groups (${GROUP_COLS}) VALUES (${r}.groupId, ${r}.gridId, ${r}.communityId, ${sign}, ${sign} * ${r}.isKey,
    ${sign} * ${r}.committed, ${sign} * ${r}.submitted, ${sign} * ${r}.approved,
    ${sign} * (${r}.committed AND ${r}.approved AND ${r}.overdue = 0), 0, 0) ${ON_GROUP};`;
const COUNTS = ['houses', 'keyHouses', 'committed', 'submitted', 'approved', 'compliant', 'hazardsOpen', 'hazardsOverdue'] as const;
/** a figure_groups row's counts (or its change, NEW minus OLD) added to its grid's, its community's and the street's */
const placeDelta = (count: (k: (typeof COUNTS)[number]) => string, r: 'NEW' | 'OLD') => {
  const values = COUNTS.map(count).join(', ');
  const add = `DO UPDATE SET ${COUNTS.map((k) => `${k} = ${k} + excluded.${k}`).join(', ')}`;
  return `
  INSERT INTO figure_grids (gridId, communityId, ${COUNTS.join(', ')}) VALUES (${r}.gridId, ${r}.communityId, ${values})
    ON CONFLICT (gridId, communityId) ${add};
  INSERT INTO figure_communities (communityId, ${COUNTS.join(', ')}) VALUES (${r}.communityId, ${values}) ON CONFLICT (communityId) ${add};
  INSERT INTO figure_street (id, ${COUNTS.join(', ')}) VALUES (1, ${values}) ON CONFLICT (id) ${add};`;
};
const COUNT_COLS = COUNTS.map((k) => `${k} INTEGER NOT NULL`).join(', ');

/** adds a hazard's part (live, and overdue at the kept instant) or takes it away */
const hazardDelta = (r: 'NEW' | 'OLD', sign: 1 | -1) => `
  INSERT INTO figure_groups (${GROUP_COLS}) SELECT ${r}.groupId, ${r}.gridId, ${r}.communityId, 0, 0, 0, 0, 0, 0,
    ${sign}, ${sign} * (${r}.deadline < f.asOf) FROM figure_state f WHERE ${r}.status IN ${LIVE} ${ON_GROUP};`;

/** Migration 75: the tables, the triggers, and the hazards' part counted once (houses follow in the first rebuild). */
export const KEPT_FIGURES_MIGRATION = `
CREATE TABLE figure_state (id INTEGER PRIMARY KEY CHECK (id = 1), period TEXT NOT NULL, letterVersion INTEGER NOT NULL,
  asOf TEXT NOT NULL, ready INTEGER NOT NULL, rebuiltAt TEXT, verifiedAt TEXT, drifted INTEGER NOT NULL DEFAULT 0,
  repairs INTEGER NOT NULL DEFAULT 0, bulk INTEGER NOT NULL DEFAULT 0);
INSERT INTO figure_state (id, period, letterVersion, asOf, ready) VALUES (1, '', -1, '', 0);
CREATE TABLE figure_houses (houseId TEXT PRIMARY KEY, groupId TEXT NOT NULL, gridId TEXT NOT NULL, communityId TEXT NOT NULL,
  isKey INTEGER NOT NULL, committed INTEGER NOT NULL, submitted INTEGER NOT NULL, approved INTEGER NOT NULL, overdue INTEGER NOT NULL);
CREATE INDEX figure_houses_place ON figure_houses(groupId, gridId, communityId);
CREATE TABLE figure_groups (groupId TEXT NOT NULL, gridId TEXT NOT NULL, communityId TEXT NOT NULL,
  houses INTEGER NOT NULL, keyHouses INTEGER NOT NULL, committed INTEGER NOT NULL, submitted INTEGER NOT NULL,
  approved INTEGER NOT NULL, compliant INTEGER NOT NULL, hazardsOpen INTEGER NOT NULL, hazardsOverdue INTEGER NOT NULL,
  PRIMARY KEY (groupId, gridId, communityId)) WITHOUT ROWID;
CREATE INDEX figure_groups_grid ON figure_groups(gridId);
CREATE INDEX figure_groups_community ON figure_groups(communityId);
CREATE TABLE figure_grids (gridId TEXT NOT NULL, communityId TEXT NOT NULL, ${COUNT_COLS}, PRIMARY KEY (gridId, communityId)) WITHOUT ROWID;
CREATE INDEX figure_grids_community ON figure_grids(communityId);
CREATE TABLE figure_communities (communityId TEXT PRIMARY KEY, ${COUNT_COLS}) WITHOUT ROWID;
CREATE TABLE figure_street (id INTEGER PRIMARY KEY CHECK (id = 1), ${COUNT_COLS});

CREATE TRIGGER figure_groups_added AFTER INSERT ON figure_groups WHEN ${NOT_BULK} BEGIN ${placeDelta((k) => `NEW.${k}`, 'NEW')} END;
CREATE TRIGGER figure_groups_changed AFTER UPDATE ON figure_groups WHEN ${NOT_BULK} BEGIN ${placeDelta((k) => `NEW.${k} - OLD.${k}`, 'NEW')} END;
CREATE TRIGGER figure_groups_dropped AFTER DELETE ON figure_groups WHEN ${NOT_BULK} BEGIN ${placeDelta((k) => `-OLD.${k}`, 'OLD')} END;

CREATE TRIGGER figure_houses_added AFTER INSERT ON figure_houses WHEN ${NOT_BULK} BEGIN ${houseDelta('NEW', 1)} END;
CREATE TRIGGER figure_houses_dropped AFTER DELETE ON figure_houses WHEN ${NOT_BULK} BEGIN ${houseDelta('OLD', -1)} END;
CREATE TRIGGER figure_houses_moved AFTER UPDATE ON figure_houses
  WHEN ${NOT_BULK} AND NOT (OLD.groupId IS NEW.groupId AND OLD.gridId IS NEW.gridId AND OLD.communityId IS NEW.communityId)
  BEGIN ${houseDelta('OLD', -1)} ${houseDelta('NEW', 1)} END;
CREATE TRIGGER figure_houses_changed AFTER UPDATE ON figure_houses
  WHEN ${NOT_BULK} AND OLD.groupId IS NEW.groupId AND OLD.gridId IS NEW.gridId AND OLD.communityId IS NEW.communityId
    AND NOT (OLD.isKey IS NEW.isKey AND OLD.committed IS NEW.committed AND OLD.submitted IS NEW.submitted
      AND OLD.approved IS NEW.approved AND (OLD.overdue = 0) IS (NEW.overdue = 0))
  BEGIN
    UPDATE figure_groups SET keyHouses = keyHouses + NEW.isKey - OLD.isKey, committed = committed + NEW.committed - OLD.committed,
      submitted = submitted + NEW.submitted - OLD.submitted, approved = approved + NEW.approved - OLD.approved,
      compliant = compliant + (NEW.committed AND NEW.approved AND NEW.overdue = 0) - (OLD.committed AND OLD.approved AND OLD.overdue = 0)
    WHERE groupId = NEW.groupId AND gridId = NEW.gridId AND communityId = NEW.communityId;
  END;

CREATE TRIGGER figures_house_added AFTER INSERT ON houses WHEN ${NOT_BULK} BEGIN ${refreshHouse('NEW.id')} END;
CREATE TRIGGER figures_house_changed AFTER UPDATE OF groupId, gridId, communityId, isKey, contactId ON houses WHEN ${NOT_BULK} BEGIN ${refreshHouse('NEW.id')} END;
CREATE TRIGGER figures_house_dropped AFTER DELETE ON houses WHEN ${NOT_BULK} BEGIN DELETE FROM figure_houses WHERE houseId = OLD.id; END;

CREATE TRIGGER figures_commitment_added AFTER INSERT ON commitments WHEN ${NOT_BULK} BEGIN ${updateFlags('NEW.houseId', ['committed'])} END;
CREATE TRIGGER figures_commitment_changed AFTER UPDATE OF houseId, letterVersion, contactId ON commitments WHEN ${NOT_BULK} BEGIN ${updateFlags('OLD.houseId', ['committed'])} ${updateFlags('NEW.houseId', ['committed'])} END;
CREATE TRIGGER figures_commitment_dropped AFTER DELETE ON commitments WHEN ${NOT_BULK} BEGIN ${updateFlags('OLD.houseId', ['committed'])} END;

CREATE TRIGGER figures_submission_added AFTER INSERT ON submissions WHEN ${NOT_BULK} BEGIN ${updateFlags('NEW.houseId', ['submitted', 'approved'])} END;
CREATE TRIGGER figures_submission_changed AFTER UPDATE OF houseId, period, status ON submissions WHEN ${NOT_BULK} BEGIN ${updateFlags('OLD.houseId', ['submitted', 'approved'])} ${updateFlags('NEW.houseId', ['submitted', 'approved'])} END;
CREATE TRIGGER figures_submission_dropped AFTER DELETE ON submissions WHEN ${NOT_BULK} BEGIN ${updateFlags('OLD.houseId', ['submitted', 'approved'])} END;

CREATE TRIGGER figures_hazard_added AFTER INSERT ON hazards WHEN ${NOT_BULK} BEGIN ${hazardDelta('NEW', 1)} ${updateFlags('NEW.houseId', ['overdue'])} END;
CREATE TRIGGER figures_hazard_changed AFTER UPDATE OF houseId, status, deadline, groupId, gridId, communityId ON hazards WHEN ${NOT_BULK} BEGIN ${hazardDelta('OLD', -1)} ${hazardDelta('NEW', 1)} ${updateFlags('OLD.houseId', ['overdue'])} ${updateFlags('NEW.houseId', ['overdue'])} END;
CREATE TRIGGER figures_hazard_dropped AFTER DELETE ON hazards WHEN ${NOT_BULK} BEGIN ${hazardDelta('OLD', -1)} ${updateFlags('OLD.houseId', ['overdue'])} END;

INSERT INTO figure_groups (${GROUP_COLS}) SELECT z.groupId, z.gridId, z.communityId, 0, 0, 0, 0, 0, 0, COUNT(*), SUM(z.deadline < f.asOf)
  FROM hazards z, figure_state f WHERE z.status IN ${LIVE} GROUP BY 1, 2, 3;
`;

/**
 * Moves the kept instant from figure_state.asOf to @to (either way): the live hazards whose
 * deadline lies between change overdue (their groups' counts and their houses' flags).
 * Three statements, run in one write; the last sets the instant.
 */
export const MOVE_INSTANT = {
  /** the houses whose flags change, before anything moves */
  between: `SELECT DISTINCT z.houseId FROM hazards z, figure_state f
    WHERE z.status IN ${LIVE} AND z.deadline >= MIN(f.asOf, @to) AND z.deadline < MAX(f.asOf, @to)`,
  groups: `INSERT INTO figure_groups (${GROUP_COLS})
    SELECT z.groupId, z.gridId, z.communityId, 0, 0, 0, 0, 0, 0, 0, CASE WHEN @to > f.asOf THEN COUNT(*) ELSE -COUNT(*) END
    FROM hazards z, figure_state f WHERE z.status IN ${LIVE} AND z.deadline >= MIN(f.asOf, @to) AND z.deadline < MAX(f.asOf, @to)
    GROUP BY 1, 2, 3 ${ON_GROUP}`,
  instant: `UPDATE figure_state SET asOf = @to`,
};

/** Whether a live hazard's deadline lies between the kept instant and @now (then the counts are not right for @now). */
export const INSTANT_STALE = `SELECT EXISTS (SELECT 1 FROM hazards z, figure_state f
  WHERE z.status IN ${LIVE} AND z.deadline >= MIN(f.asOf, @now) AND z.deadline < MAX(f.asOf, @now)) AS stale`;

/**
 * The verifying recount, as ONE statement (one snapshot). (Its per-house part carries LIMIT -1 so
 * SQLite runs it as a co-routine, each flag computed once: flattened into the sums, a flag named
 * twice — committed, then in compliant — was computed twice, 8.3 s → 4.8 s at 1,000,000 houses.) every place's counts from the
 * records, under the kept month, letter and instant, minus what figure_groups keeps; the
 * places where anything differs, with both. Run on the read-only connection in the worker.
 */
export const DRIFT = `
WITH f AS (SELECT * FROM figure_state),
counted AS (
  SELECT h.groupId, h.gridId, h.communityId, COUNT(*) AS houses, SUM(h.isKey) AS keyHouses, SUM(c) AS committed, SUM(s) AS submitted,
    SUM(a) AS approved, SUM(c AND a AND NOT o) AS compliant, 0 AS hazardsOpen, 0 AS hazardsOverdue
  FROM (SELECT h.groupId, h.gridId, h.communityId, h.isKey,
      EXISTS (SELECT 1 FROM commitments c WHERE c.houseId = h.id AND c.letterVersion = f.letterVersion
        AND (c.contactId IS NULL OR c.contactId = h.contactId)) AS c,
      EXISTS (SELECT 1 FROM submissions s WHERE s.houseId = h.id AND s.period = f.period AND s.status IN ('complete','approved')) AS s,
      EXISTS (SELECT 1 FROM submissions s WHERE s.houseId = h.id AND s.period = f.period AND s.status = 'approved') AS a,
      EXISTS (SELECT 1 FROM hazards z WHERE z.houseId = h.id AND z.status IN ${LIVE} AND +z.deadline < f.asOf) AS o
    FROM houses h, f LIMIT -1) h GROUP BY 1, 2, 3
  UNION ALL
  SELECT z.groupId, z.gridId, z.communityId, 0, 0, 0, 0, 0, 0, COUNT(*), SUM(z.deadline < f.asOf)
  FROM hazards z, f WHERE z.status IN ${LIVE} GROUP BY 1, 2, 3
  UNION ALL
  SELECT groupId, gridId, communityId, -houses, -keyHouses, -committed, -submitted, -approved, -compliant, -hazardsOpen, -hazardsOverdue
  FROM figure_groups
)
SELECT groupId, gridId, communityId, SUM(houses) AS houses, SUM(keyHouses) AS keyHouses, SUM(committed) AS committed,
  SUM(submitted) AS submitted, SUM(approved) AS approved, SUM(compliant) AS compliant, SUM(hazardsOpen) AS hazardsOpen,
  SUM(hazardsOverdue) AS hazardsOverdue, (SELECT ready FROM f) AS ready, (SELECT period FROM f) AS period,
  (SELECT letterVersion FROM f) AS letterVersion, (SELECT asOf FROM f) AS asOf
FROM counted GROUP BY 1, 2, 3
HAVING SUM(houses) <> 0 OR SUM(keyHouses) <> 0 OR SUM(committed) <> 0 OR SUM(submitted) <> 0 OR SUM(approved) <> 0
  OR SUM(compliant) <> 0 OR SUM(hazardsOpen) <> 0 OR SUM(hazardsOverdue) <> 0`;

/** Repairs one place: its houses' flags recomputed, then its sums set from its flags and its hazards. */
export const REPAIR_PLACE = [
  `DELETE FROM figure_houses WHERE groupId = @groupId AND gridId = @gridId AND communityId = @communityId
    AND NOT EXISTS (SELECT 1 FROM houses h WHERE h.id = figure_houses.houseId AND h.groupId = @groupId AND h.gridId = @gridId AND h.communityId = @communityId)`,
  `${UPSERT_HOUSE}
  SELECT h.id, h.groupId, h.gridId, h.communityId, h.isKey,
    ${FLAGS}
  FROM houses h, figure_state f WHERE h.groupId = @groupId AND h.gridId = @gridId AND h.communityId = @communityId
  ${ON_HOUSE}`,
  `INSERT INTO figure_groups (${GROUP_COLS})
  SELECT @groupId, @gridId, @communityId,
    (SELECT COUNT(*) FROM figure_houses x WHERE x.groupId = @groupId AND x.gridId = @gridId AND x.communityId = @communityId),
    (SELECT COALESCE(SUM(isKey), 0) FROM figure_houses x WHERE x.groupId = @groupId AND x.gridId = @gridId AND x.communityId = @communityId),
    (SELECT COALESCE(SUM(committed), 0) FROM figure_houses x WHERE x.groupId = @groupId AND x.gridId = @gridId AND x.communityId = @communityId),
    (SELECT COALESCE(SUM(submitted), 0) FROM figure_houses x WHERE x.groupId = @groupId AND x.gridId = @gridId AND x.communityId = @communityId),
    (SELECT COALESCE(SUM(approved), 0) FROM figure_houses x WHERE x.groupId = @groupId AND x.gridId = @gridId AND x.communityId = @communityId),
    (SELECT COALESCE(SUM(committed AND approved AND overdue = 0), 0) FROM figure_houses x
      WHERE x.groupId = @groupId AND x.gridId = @gridId AND x.communityId = @communityId),
    (SELECT COUNT(*) FROM hazards z WHERE z.groupId = @groupId AND z.gridId = @gridId AND z.communityId = @communityId AND z.status IN ${LIVE}),
    (SELECT COUNT(*) FROM hazards z, figure_state f WHERE z.groupId = @groupId AND z.gridId = @gridId AND z.communityId = @communityId
      AND z.status IN ${LIVE} AND z.deadline < f.asOf)
  WHERE true ON CONFLICT (groupId, gridId, communityId) DO UPDATE SET ${COUNTS.map((k) => `${k} = excluded.${k}`).join(', ')}`,
];

/** Whether the grids', communities' and street's counts are the sums of their groups' (checked with the recount). */
export const PLACES_DRIFT = `SELECT
  (SELECT COUNT(*) FROM (SELECT gridId, communityId, ${COUNTS.map((k) => `SUM(${k}) AS ${k}`).join(', ')} FROM figure_groups GROUP BY 1, 2) g
    FULL JOIN figure_grids p USING (gridId, communityId)
    WHERE ${COUNTS.map((k) => `IFNULL(g.${k}, 0) <> IFNULL(p.${k}, 0)`).join(' OR ')})
  + (SELECT COUNT(*) FROM (SELECT communityId, ${COUNTS.map((k) => `SUM(${k}) AS ${k}`).join(', ')} FROM figure_groups GROUP BY 1) g
    FULL JOIN figure_communities p USING (communityId)
    WHERE ${COUNTS.map((k) => `IFNULL(g.${k}, 0) <> IFNULL(p.${k}, 0)`).join(' OR ')})
  + (SELECT COUNT(*) FROM (SELECT ${COUNTS.map((k) => `IFNULL(SUM(${k}), 0) AS ${k}`).join(', ')} FROM figure_groups) g
    FULL JOIN (SELECT * FROM figure_street) p ON 1
    WHERE ${COUNTS.map((k) => `IFNULL(g.${k}, 0) <> IFNULL(p.${k}, 0)`).join(' OR ')}) AS drifted`;

/** The grids', communities' and street's counts summed afresh from the groups' (a repair). */
export const PLACES_RESUM = [
  `DELETE FROM figure_grids`,
  `DELETE FROM figure_communities`,
  `DELETE FROM figure_street`,
  `INSERT INTO figure_grids SELECT gridId, communityId, ${COUNTS.map((k) => `SUM(${k})`).join(', ')} FROM figure_groups GROUP BY 1, 2`,
  `INSERT INTO figure_communities SELECT communityId, ${COUNTS.map((k) => `SUM(${k})`).join(', ')} FROM figure_groups GROUP BY 1`,
  `INSERT INTO figure_street SELECT 1, ${COUNTS.map((k) => `IFNULL(SUM(${k}), 0)`).join(', ')} FROM figure_groups`,
];

/** The groups a bulk write touches (a connection's own TEMP table: triggers never read it). */
const TOUCHED = `(SELECT groupId FROM temp.figure_touched)`;
const SUMMED = COUNTS.map((k) => `SUM(${k})`).join(', ');

/**
 * A bulk write's figures, set-wise (issue 29): with figure_state.bulk set the triggers stand
 * aside; the writer names the groups it touches (a house's group before it moves and after),
 * then `refresh` recomputes those groups' houses' flags and sums, and the sums of the grids and
 * communities they were or are in, and the street's. Each statement is one pass over what was
 * touched, not a chain of triggers per row.
 */
export const BULK = {
  setup: [
    `CREATE TEMP TABLE IF NOT EXISTS figure_touched (groupId TEXT PRIMARY KEY) WITHOUT ROWID`,
    `CREATE TEMP TABLE IF NOT EXISTS figure_places (gridId TEXT NOT NULL, communityId TEXT NOT NULL,
      PRIMARY KEY (gridId, communityId)) WITHOUT ROWID`,
  ],
  begin: [`DELETE FROM temp.figure_touched`, `DELETE FROM temp.figure_places`, `UPDATE figure_state SET bulk = 1 WHERE id = 1`],
  /** one group touched (@groupId) */
  touchGroup: `INSERT OR IGNORE INTO temp.figure_touched (groupId) VALUES (@groupId)`,
  /** the group a house is in now (@houseId) */
  touchHouse: `INSERT OR IGNORE INTO temp.figure_touched (groupId) SELECT groupId FROM houses WHERE id = @houseId`,
  /** a roster import's: the groups its rows name, and the groups its rows' houses are in before it */
  touchStaged: `INSERT OR IGNORE INTO temp.figure_touched (groupId)
    SELECT groupId FROM temp.stage UNION SELECT h.groupId FROM temp.stage s JOIN houses h ON h.code = s.code`,
  refresh: [
    // the flags of every house now in a touched group (a moved house's row moves with it)
    `${UPSERT_HOUSE}
  SELECT h.id, h.groupId, h.gridId, h.communityId, h.isKey,
    ${FLAGS}
  FROM houses h, figure_state f WHERE h.groupId IN ${TOUCHED}
  ${ON_HOUSE}`,
    // rows of houses gone
    `DELETE FROM figure_houses WHERE groupId IN ${TOUCHED} AND NOT EXISTS (SELECT 1 FROM houses h WHERE h.id = figure_houses.houseId)`,
    // the touched groups summed afresh, noting the grids and communities they were in and are in
    `INSERT OR IGNORE INTO temp.figure_places SELECT gridId, communityId FROM figure_groups WHERE groupId IN ${TOUCHED}`,
    `DELETE FROM figure_groups WHERE groupId IN ${TOUCHED}`,
    `INSERT INTO figure_groups (${GROUP_COLS})
  SELECT groupId, gridId, communityId, SUM(houses), SUM(isKey), SUM(committed), SUM(submitted), SUM(approved), SUM(compliant),
    SUM(hazardsOpen), SUM(hazardsOverdue)
  FROM (SELECT groupId, gridId, communityId, 1 AS houses, isKey, committed, submitted, approved,
      (committed AND approved AND overdue = 0) AS compliant, 0 AS hazardsOpen, 0 AS hazardsOverdue
    FROM figure_houses WHERE groupId IN ${TOUCHED}
    UNION ALL
    SELECT z.groupId, z.gridId, z.communityId, 0, 0, 0, 0, 0, 0, 1, z.deadline < f.asOf
    FROM hazards z, figure_state f WHERE z.groupId IN ${TOUCHED} AND +z.status IN ${LIVE})
  GROUP BY 1, 2, 3`,
    `INSERT OR IGNORE INTO temp.figure_places SELECT gridId, communityId FROM figure_groups WHERE groupId IN ${TOUCHED}`,
    // their grids from their groups, their communities from their grids, the street from the communities
    `DELETE FROM figure_grids WHERE (gridId, communityId) IN (SELECT gridId, communityId FROM temp.figure_places)`,
    `INSERT INTO figure_grids SELECT gridId, communityId, ${SUMMED} FROM figure_groups
  WHERE gridId IN (SELECT gridId FROM temp.figure_places) AND (gridId, communityId) IN (SELECT gridId, communityId FROM temp.figure_places)
  GROUP BY 1, 2`,
    `DELETE FROM figure_communities WHERE communityId IN (SELECT communityId FROM temp.figure_places)`,
    `INSERT INTO figure_communities SELECT communityId, ${SUMMED} FROM figure_grids
  WHERE communityId IN (SELECT communityId FROM temp.figure_places) GROUP BY 1`,
    `DELETE FROM figure_street`,
    `INSERT INTO figure_street SELECT 1, ${COUNTS.map((k) => `IFNULL(SUM(${k}), 0)`).join(', ')} FROM figure_communities`,
    `UPDATE figure_state SET bulk = 0 WHERE id = 1`,
  ],
};
