import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type Koa from 'koa';
import request from 'supertest';
import type { AppOptions } from '../../src/http/context';
import { createApp } from '../../src/http/create-app';
import { ensureAdmin } from '../../src/services/setup/ensure-admin';
import { ensureDefaults } from '../../src/services/setup/ensure-defaults';
import { generateToken, hashToken } from '../../src/services/access/tokens';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import type { Store } from '../../src/storage/store';
import type { Role } from '../../src/domain/types';
import { assertNoPersonalData, depsFor, sampleRosterBytes, silentLog, tempDir } from './fixtures';

/**
 * A real app over a real SQLite store in a temp folder, with an admin token. `from`: a data folder
 * to start from (copied; its SQLite file checkpointed), whose admin token file is read as at a restart.
 */
export async function appFixture(o: { store?: Store; imports?: AppOptions['imports']; from?: string } = {}) {
  const tmp = tempDir();
  if (o.from) cpSync(o.from, tmp.dir, { recursive: true });
  // SQLite in the temp folder, or the store given (the MongoDB wire leg)
  const store: Store = o.store ?? createSqliteStore({ dataDir: tmp.dir });
  const deps = depsFor(store);
  await ensureDefaults(deps);
  const admin = await ensureAdmin(deps, { dataDir: tmp.dir });
  // notices go into the real outbox (nothing sends them here): `posted()` reads them back
  /** what the app queued for rooms, in order, as the outbox holds it */
  const posted = async () => (await store.outbox.find({ roomId: { ne: null } }, { sort: { createdAt: 1 } }))
    .map((e) => ({ roomId: e.roomId!, text: e.text, mentions: e.mentions }));
  const koa = createApp({ ...deps, demo: true, imports: o.imports, botStatus: () => ({ puppet: 'wechaty-puppet-mock', loggedIn: true }) });
  const app = koa as unknown as Koa;
  return {
    store,
    deps,
    dir: tmp.dir,
    server: app.callback(),
    /** the API's route table (method, path, action), as the router serves it */
    routes: koa.routeTable,
    posted,
    adminToken: admin.token!,
    /** a user of another role and scope, with a token */
    async userToken(role: Role, scope: string): Promise<string> {
      const user = await store.users.insert({ name: `${role}-user`, role, scope, contactId: null, active: true });
      const token = generateToken();
      await store.tokens.insert({ userId: user.id, hash: hashToken(token), label: 'test', lastUsedAt: null, revokedAt: null });
      return token;
    },
    async close() {
      assertNoPersonalData((await posted()).map((p) => p.text));
      await store.close();
      tmp.cleanup();
    },
    log: silentLog,
  };
}

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * The sample roster imported through the API (40 houses, four groups) once per test file, into a
 * data folder kept as a template: its SQLite file checkpointed (the WAL folded in, so the one file
 * is the whole database), its admin token file beside it.
 */
async function rosterTemplate(): Promise<{ dir: string; cleanup(): void }> {
  const f = await appFixture();
  await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', sampleRosterBytes(), 'r.csv').expect(200);
  await f.store.close();
  const db = new Database(path.join(f.dir, 'anxin.db'));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { dir: f.dir, cleanup: () => rmSync(f.dir, { recursive: true, force: true }) };
}
let template: ReturnType<typeof rosterTemplate> | undefined;
// the template goes with the test file that made it (this module is loaded afresh for each test file)
if (typeof afterAll === 'function') afterAll(async () => { if (template) (await template.catch(() => undefined))?.cleanup(); });

/**
 * The app with the sample roster imported through the API (40 houses, four groups): a fresh copy
 * of this file's template (the import made once, as each test would make it), its own folder, store and app.
 */
export async function rosterAppFixture() {
  const { dir } = await (template ??= rosterTemplate());
  return appFixture({ from: dir });
}

/** A supertest parser that keeps a binary answer (a workbook, a PDF) as one Buffer: `.buffer(true).parse(binary)`. */
export const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  (res as unknown as NodeJS.ReadableStream).on('data', (c: Buffer) => chunks.push(c));
  (res as unknown as NodeJS.ReadableStream).on('end', () => cb(null, Buffer.concat(chunks)));
};
