/**
 * Versioned schema migrations, applied in order inside one transaction each and
 * recorded in `schema_migrations`. Never edit a released migration: add the next one.
 * Column names match the domain's field names; dates are ISO-8601 UTC text, booleans 0/1,
 * json fields JSON text.
 */
import { KEPT_FIGURES_MIGRATION } from './kept-figures-sql';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const base = `id TEXT PRIMARY KEY, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL`;
const placed = `communityId TEXT NOT NULL, gridId TEXT NOT NULL, groupId TEXT NOT NULL`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE communities (${base}, name TEXT NOT NULL);
CREATE UNIQUE INDEX communities_name ON communities(name);

CREATE TABLE grids (${base}, communityId TEXT NOT NULL, name TEXT NOT NULL);
CREATE UNIQUE INDEX grids_community_name ON grids(communityId, name);

CREATE TABLE groups (${base}, communityId TEXT NOT NULL, gridId TEXT NOT NULL, name TEXT NOT NULL,
  headHouseId TEXT, roomId TEXT, locale TEXT, botId TEXT);
CREATE UNIQUE INDEX groups_grid_name ON groups(gridId, name);
CREATE UNIQUE INDEX groups_room ON groups(roomId);
CREATE INDEX groups_community ON groups(communityId);

CREATE TABLE houses (${base}, code TEXT NOT NULL, address TEXT NOT NULL, ${placed}, landlordId TEXT NOT NULL,
  contactId TEXT, tenants INTEGER NOT NULL, rooms INTEGER NOT NULL, isKey INTEGER NOT NULL);
CREATE UNIQUE INDEX houses_code ON houses(code);
CREATE INDEX houses_community ON houses(communityId);
CREATE INDEX houses_grid ON houses(gridId);
CREATE INDEX houses_group ON houses(groupId);
CREATE INDEX houses_landlord ON houses(landlordId);
CREATE INDEX houses_contact ON houses(contactId);

CREATE TABLE landlords (${base}, name TEXT NOT NULL, phone TEXT NOT NULL);
CREATE UNIQUE INDEX landlords_phone ON landlords(phone);

CREATE TABLE contacts (${base}, wechatId TEXT NOT NULL, name TEXT NOT NULL, landlordId TEXT, userId TEXT, locale TEXT);
CREATE UNIQUE INDEX contacts_wechat ON contacts(wechatId);
CREATE INDEX contacts_landlord ON contacts(landlordId);
CREATE INDEX contacts_user ON contacts(userId);

CREATE TABLE letters (${base}, version INTEGER NOT NULL, texts TEXT NOT NULL, publishedAt TEXT NOT NULL);
CREATE UNIQUE INDEX letters_version ON letters(version);

CREATE TABLE commitments (${base}, ${placed}, houseId TEXT NOT NULL, houseCode TEXT NOT NULL, letterVersion INTEGER NOT NULL,
  landlordId TEXT NOT NULL, contactId TEXT, messageId TEXT, at TEXT NOT NULL);
CREATE UNIQUE INDEX commitments_house_letter ON commitments(houseId, letterVersion);
CREATE INDEX commitments_letter_group ON commitments(letterVersion, groupId);
CREATE INDEX commitments_letter_grid ON commitments(letterVersion, gridId);
CREATE INDEX commitments_letter_community ON commitments(letterVersion, communityId);

CREATE TABLE rounds (${base}, period TEXT NOT NULL, deadline TEXT NOT NULL, scope TEXT NOT NULL, status TEXT NOT NULL, openedAt TEXT NOT NULL);
CREATE UNIQUE INDEX rounds_period_scope ON rounds(period, scope);
CREATE INDEX rounds_status ON rounds(status);

CREATE TABLE submissions (${base}, ${placed}, roundId TEXT NOT NULL, period TEXT NOT NULL, houseId TEXT NOT NULL, houseCode TEXT NOT NULL,
  status TEXT NOT NULL, items TEXT NOT NULL, returnReason TEXT, reviewedBy TEXT, reviewedAt TEXT);
CREATE UNIQUE INDEX submissions_round_house ON submissions(roundId, houseId);
CREATE INDEX submissions_period_status ON submissions(period, status);
CREATE INDEX submissions_group ON submissions(groupId);
CREATE INDEX submissions_grid ON submissions(gridId);
CREATE INDEX submissions_community ON submissions(communityId);
CREATE INDEX submissions_house ON submissions(houseId);

CREATE TABLE photos (${base}, sha256 TEXT NOT NULL, mime TEXT NOT NULL, size INTEGER NOT NULL, contactId TEXT, messageId TEXT,
  houseId TEXT, roundId TEXT, item TEXT, hazardId TEXT, tipId TEXT, counted INTEGER NOT NULL);
CREATE INDEX photos_sha ON photos(sha256);
CREATE INDEX photos_house_round ON photos(houseId, roundId);
CREATE INDEX photos_message ON photos(messageId);

CREATE TABLE hazards (${base}, ${placed}, number INTEGER NOT NULL, houseId TEXT NOT NULL, houseCode TEXT NOT NULL, description TEXT NOT NULL,
  deadline TEXT NOT NULL, status TEXT NOT NULL, openedBy TEXT NOT NULL, evidencePhotoIds TEXT NOT NULL,
  rectifiedAt TEXT, closedAt TEXT, closedBy TEXT);
CREATE UNIQUE INDEX hazards_number ON hazards(number);
CREATE INDEX hazards_status_deadline ON hazards(status, deadline);
CREATE INDEX hazards_house ON hazards(houseId);
CREATE INDEX hazards_group ON hazards(groupId);
CREATE INDEX hazards_grid ON hazards(gridId);
CREATE INDEX hazards_community ON hazards(communityId);

CREATE TABLE tips (${base}, number INTEGER NOT NULL, reporterContactId TEXT NOT NULL, text TEXT NOT NULL, photoIds TEXT NOT NULL,
  status TEXT NOT NULL, decidedBy TEXT, decidedAt TEXT, reason TEXT);
CREATE UNIQUE INDEX tips_number ON tips(number);
CREATE INDEX tips_status ON tips(status);

CREATE TABLE points (${base}, landlordId TEXT, contactId TEXT, gridId TEXT, reason TEXT NOT NULL, amount INTEGER NOT NULL, refId TEXT NOT NULL);
-- NULL landlordIds are distinct to SQLite, so the ledger key folds them to '' here.
CREATE UNIQUE INDEX points_reason_ref_landlord ON points(reason, refId, IFNULL(landlordId, ''));
CREATE INDEX points_landlord ON points(landlordId);
CREATE INDEX points_grid ON points(gridId);

CREATE TABLE broadcasts (${base}, text TEXT NOT NULL, imagePhotoId TEXT, scope TEXT NOT NULL, at TEXT NOT NULL, status TEXT NOT NULL, createdBy TEXT NOT NULL);
CREATE INDEX broadcasts_status_at ON broadcasts(status, at);

CREATE TABLE deliveries (${base}, broadcastId TEXT NOT NULL, roomId TEXT NOT NULL, status TEXT NOT NULL, sentAt TEXT, error TEXT);
CREATE UNIQUE INDEX deliveries_broadcast_room ON deliveries(broadcastId, roomId);

CREATE TABLE users (${base}, name TEXT NOT NULL, role TEXT NOT NULL, scope TEXT NOT NULL, contactId TEXT, active INTEGER NOT NULL);
CREATE INDEX users_contact ON users(contactId);

CREATE TABLE tokens (${base}, userId TEXT NOT NULL, hash TEXT NOT NULL, label TEXT NOT NULL, lastUsedAt TEXT, revokedAt TEXT);
CREATE UNIQUE INDEX tokens_hash ON tokens(hash);
CREATE INDEX tokens_user ON tokens(userId);

CREATE TABLE bind_codes (${base}, code TEXT NOT NULL, kind TEXT NOT NULL, targetId TEXT NOT NULL, expiresAt TEXT, usedAt TEXT, usedBy TEXT);
CREATE UNIQUE INDEX bind_codes_code ON bind_codes(code);

CREATE TABLE audit (${base}, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX audit_target ON audit(target);

CREATE TABLE processed_messages (${base}, kind TEXT NOT NULL);

CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`,
  },
  {
    version: 2,
    name: 'pending registration of a house already linked to someone else',
    sql: `ALTER TABLE houses ADD COLUMN pendingContactId TEXT;`,
  },
  {
    version: 3,
    name: 'the item a landlord named before sending its photo',
    sql: `ALTER TABLE contacts ADD COLUMN pendingItem TEXT;`,
  },
  {
    version: 4,
    name: 'the outbox: every message the bot sends, persisted and leased',
    sql: `
CREATE TABLE outbox (${base}, key TEXT NOT NULL, account TEXT NOT NULL, roomId TEXT, contactId TEXT, text TEXT NOT NULL,
  mentions TEXT NOT NULL, priority INTEGER NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, notBefore TEXT NOT NULL,
  leaseUntil TEXT, leasedBy TEXT, sentAt TEXT, error TEXT, broadcastId TEXT, photoId TEXT);
CREATE UNIQUE INDEX outbox_key ON outbox(key);
CREATE INDEX outbox_due ON outbox(account, status, priority, notBefore);
CREATE INDEX outbox_broadcast ON outbox(broadcastId);
CREATE INDEX outbox_sent ON outbox(account, status, sentAt);
CREATE INDEX deliveries_broadcast ON deliveries(broadcastId, status);
`,
  },
  {
    version: 5,
    name: 'schedules: what runs when, and which run is next',
    sql: `
CREATE TABLE schedules (${base}, name TEXT NOT NULL, cron TEXT NOT NULL, timeZone TEXT NOT NULL, action TEXT NOT NULL, scope TEXT NOT NULL,
  params TEXT NOT NULL, enabled INTEGER NOT NULL, lastRunAt TEXT, nextRunAt TEXT NOT NULL);
CREATE UNIQUE INDEX schedules_name ON schedules(name);
CREATE INDEX schedules_due ON schedules(enabled, nextRunAt);
`,
  },
  {
    version: 6,
    name: 'pending intents replace contacts.pendingItem',
    sql: `
CREATE TABLE intents (${base}, contactId TEXT NOT NULL, conversation TEXT NOT NULL, kind TEXT NOT NULL, item TEXT, houseId TEXT,
  photoId TEXT, hazardId TEXT, tipId TEXT, since TEXT NOT NULL, expiresAt TEXT NOT NULL);
CREATE INDEX intents_owner ON intents(contactId, conversation, kind, since);
CREATE INDEX intents_expiry ON intents(expiresAt);
ALTER TABLE contacts DROP COLUMN pendingItem;
`,
  },
  {
    version: 7,
    name: 'tips know their place (from a house code in the text) and the hazard opened from them',
    sql: `
ALTER TABLE tips ADD COLUMN houseId TEXT;
ALTER TABLE tips ADD COLUMN communityId TEXT;
ALTER TABLE tips ADD COLUMN gridId TEXT;
ALTER TABLE tips ADD COLUMN groupId TEXT;
ALTER TABLE tips ADD COLUMN hazardId TEXT;
CREATE INDEX tips_reporter ON tips(reporterContactId, createdAt);
CREATE INDEX tips_community ON tips(communityId);
CREATE INDEX tips_grid ON tips(gridId);
`,
  },
  {
    version: 8,
    name: 'point rules an admin has changed',
    sql: `
CREATE TABLE point_rules (${base}, reason TEXT NOT NULL, amount INTEGER NOT NULL);
CREATE UNIQUE INDEX point_rules_reason ON point_rules(reason);
`,
  },
  {
    version: 9,
    name: 'photos staff take on site of a hazard, before and after',
    sql: `ALTER TABLE hazards ADD COLUMN sitePhotos TEXT;`,
  },
  {
    version: 10,
    name: 'audit entries placed in the street, so staff read their own scope (GET /audit)',
    sql: `
ALTER TABLE audit ADD COLUMN communityId TEXT;
ALTER TABLE audit ADD COLUMN gridId TEXT;
ALTER TABLE audit ADD COLUMN groupId TEXT;
`,
  },
  {
    version: 11,
    name: 'single-column scope indexes give way to the (scope, sort key) indexes the spec declares (issue 11)',
    sql: `
DROP INDEX IF EXISTS groups_community;
DROP INDEX IF EXISTS houses_community;
DROP INDEX IF EXISTS houses_grid;
DROP INDEX IF EXISTS houses_group;
DROP INDEX IF EXISTS submissions_group;
DROP INDEX IF EXISTS submissions_grid;
DROP INDEX IF EXISTS submissions_community;
DROP INDEX IF EXISTS submissions_house;
DROP INDEX IF EXISTS hazards_house;
DROP INDEX IF EXISTS hazards_group;
DROP INDEX IF EXISTS hazards_grid;
DROP INDEX IF EXISTS hazards_community;
DROP INDEX IF EXISTS tips_status;
DROP INDEX IF EXISTS tips_community;
DROP INDEX IF EXISTS tips_grid;
DROP INDEX IF EXISTS points_landlord;
DROP INDEX IF EXISTS points_grid;
DROP INDEX IF EXISTS rounds_status;
`,
  },
  {
    version: 12,
    name: 'house rows of closed months, frozen for the monthly report (issue 11)',
    sql: `
CREATE TABLE report_rows (${base}, communityId TEXT NOT NULL, gridId TEXT NOT NULL, groupId TEXT NOT NULL, period TEXT NOT NULL, code TEXT NOT NULL, data TEXT NOT NULL);
CREATE UNIQUE INDEX report_rows_period_code ON report_rows(period, code);
`,
  },
  {
    version: 30,
    name: 'several bot accounts on one store: which account is in which room, and which one serves it (issue 14)',
    sql: `
CREATE TABLE room_members (${base}, roomId TEXT NOT NULL, account TEXT NOT NULL);
CREATE UNIQUE INDEX room_members_room_account ON room_members(roomId, account);
CREATE INDEX room_members_account ON room_members(account, roomId);
CREATE TABLE room_leases (${base}, roomId TEXT NOT NULL, account TEXT NOT NULL, leaseUntil TEXT NOT NULL, worker TEXT NOT NULL);
CREATE UNIQUE INDEX room_leases_room ON room_leases(roomId);
CREATE INDEX room_leases_account ON room_leases(account, roomId);
CREATE INDEX outbox_room ON outbox(roomId, status);
`,
  },
  {
    version: 40,
    name: 'retention: old processed message ids and sent outbox entries are found by index',
    sql: `
CREATE INDEX processed_messages_createdAt ON processed_messages(createdAt, id);
CREATE INDEX outbox_status_sentAt ON outbox(status, sentAt, id);
`,
  },
  {
    version: 45,
    name: "a commitment is its holder's, and a landlord who left the room is flagged on their house (issue 25)",
    sql: `
DROP INDEX IF EXISTS commitments_house_letter;
CREATE UNIQUE INDEX commitments_house_letter_contact ON commitments(houseId, letterVersion, IFNULL(contactId, ''));
ALTER TABLE houses ADD COLUMN holderLeftAt TEXT;
`,
  },
  {
    version: 50,
    name: 'sign-in with a user name and password, dashboard sessions, and failed attempts counted (issue 26)',
    sql: `
CREATE TABLE passwords (${base}, userId TEXT NOT NULL, username TEXT NOT NULL, hash TEXT NOT NULL, mustChange INTEGER NOT NULL);
CREATE UNIQUE INDEX passwords_user ON passwords(userId);
CREATE UNIQUE INDEX passwords_username ON passwords(username);
CREATE TABLE sessions (${base}, userId TEXT NOT NULL, hash TEXT NOT NULL, expiresAt TEXT NOT NULL, revokedAt TEXT);
CREATE UNIQUE INDEX sessions_hash ON sessions(hash);
CREATE INDEX sessions_user ON sessions(userId);
CREATE INDEX sessions_expiry ON sessions(expiresAt);
CREATE TABLE signin_attempts (${base}, key TEXT NOT NULL, failures INTEGER NOT NULL, windowStart TEXT NOT NULL, lockedUntil TEXT);
CREATE UNIQUE INDEX signin_attempts_key ON signin_attempts(key);
`,
  },
  {
    version: 55,
    name: "一户一码: each house's placard token, rotatable, in place of its id on the QR (issue 27)",
    sql: `
CREATE TABLE placards (${base}, houseId TEXT NOT NULL, token TEXT NOT NULL, rotatedBy TEXT);
CREATE UNIQUE INDEX placards_house ON placards(houseId);
CREATE UNIQUE INDEX placards_token ON placards(token);
`,
  },
  {
    version: 60,
    name: 'issue 28: a landlord reachable by SMS only, or opted out of SMS',
    sql: `
ALTER TABLE landlords ADD COLUMN sms TEXT;
`,
  },
  {
    version: 61,
    name: 'issue 26: a return names the one item to photograph again',
    sql: `
ALTER TABLE submissions ADD COLUMN returnedItem TEXT;
`,
  },
  {
    version: 75,
    name: 'issue 29: figures kept, not recounted — per-group counters kept by triggers in each write',
    sql: KEPT_FIGURES_MIGRATION,
  },
];

/** Applies the migrations not yet recorded; returns the versions applied. */
export function migrate(db: import('better-sqlite3').Database): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, appliedAt TEXT NOT NULL)`);
  const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, appliedAt) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
    })();
    applied.push(m.version);
  }
  return applied;
}

/**
 * The indexes a collection's spec declares (the one list both adapters build from): any that
 * SQLite lacks — no index with exactly those leading columns — is created. Runs after the
 * migrations, on every start; cheap when nothing is missing.
 */
export function ensureSpecIndexes(
  db: import('better-sqlite3').Database,
  specs: readonly { name: string; indexes?: readonly (readonly string[])[] }[],
): string[] {
  const made: string[] = [];
  for (const spec of specs) {
    const have = (db.prepare(`PRAGMA index_list(${JSON.stringify(spec.name)})`).all() as { name: string }[]).map((i) =>
      (db.prepare(`PRAGMA index_info(${JSON.stringify(i.name)})`).all() as { name: string }[]).map((c) => c.name).join(','),
    );
    for (const key of spec.indexes ?? []) {
      if (have.includes(key.join(','))) continue;
      const name = `${spec.name}__${key.join('_')}`;
      db.exec(`CREATE INDEX IF NOT EXISTS "${name}" ON "${spec.name}" (${key.map((k) => `"${k}"`).join(', ')})`);
      made.push(name);
    }
  }
  return made;
}
