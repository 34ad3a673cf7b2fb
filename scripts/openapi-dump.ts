/**
 * Writes the API contract (what GET /api/v1/openapi.json serves) to a file, for the typed
 * client's generator: `npm run gen:client` → src/api-client/schema.d.ts. The app is built
 * over a throw-away store only to read its route table; nothing is served.
 */
import { createDeps } from '../src/services/create-deps';
import { createTranslator } from '../src/i18n';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { systemClock } from '../src/domain/clock';
import { createApp } from '../src/http/create-app';
import { openApiDocument } from '../src/http/openapi';
import { createSqliteStore } from '../src/storage/sqlite/sqlite-store';

(async () => {
  const out = process.argv[2] ?? 'dist/openapi.json';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anxin-openapi-'));
  const store = createSqliteStore({ dataDir: dir });
  try {
    const deps = createDeps({ store, clock: systemClock, log: pino({ level: 'silent' }), timeZone: 'Asia/Shanghai', t: createTranslator('zh-CN'), locale: 'zh-CN' });
    const sim = {} as never; // only its routes are read: the simulator's paths belong to the contract
    const app = createApp({ ...deps, demo: true, botStatus: () => ({ puppet: 'none', loggedIn: false }), sim });
    const version = (JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
    mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    writeFileSync(out, `${JSON.stringify(openApiDocument(version, app.routeTable), null, 2)}\n`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
})();
