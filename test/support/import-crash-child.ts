/**
 * A process importing a roster file for the import crash test: prints READY, imports
 * ROSTER into DATA_DIR's store through the real import (worker thread, one transaction),
 * prints DONE and exits 0.
 */
import { createDeps } from '../../src/services/create-deps';
import { createTranslator } from '../../src/i18n';
import { statSync } from 'node:fs';
import pino from 'pino';
import { systemClock } from '../../src/domain/clock';
import { runRosterImport } from '../../src/services/roster/run-roster-import';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';

async function main(): Promise<void> {
  const store = createSqliteStore({ dataDir: process.env.DATA_DIR! });
  const deps = createDeps({ store, clock: systemClock, log: pino({ level: 'silent' }), timeZone: 'Asia/Shanghai', t: createTranslator('zh-CN'), locale: 'zh-CN' });
  process.stdout.write('READY\n');
  const file = process.env.ROSTER!;
  await runRosterImport(deps, { source: { path: file }, size: statSync(file).size, actor: `crash-test:${process.env.VARIANT}` });
  process.stdout.write('DONE\n');
  await store.close();
  process.exit(0);
}

main().catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
