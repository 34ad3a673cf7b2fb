/**
 * npm run import -- FILE   导入花名册 (XLSX or CSV) into the configured store.
 * Exits 1 listing every bad row when the file has any, having changed nothing.
 */
import { SingleBar, Presets } from 'cli-progress';
import { readFileSync } from 'node:fs';
import { isDomainError } from '../src/domain/errors';
import { importRoster } from '../src/services/import-roster';
import { parseRosterFile } from '../src/services/parse-roster-file';
import { cliDeps } from './cli-deps';

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('用法 Usage: npm run import -- roster.xlsx|roster.csv\n');
    return 2;
  }
  const parsed = await parseRosterFile(readFileSync(file));
  if (parsed.errors.length) {
    process.stderr.write(`花名册有 ${parsed.errors.length} 行有误，未导入任何数据 / ${parsed.errors.length} bad rows; nothing imported:\n`);
    for (const e of parsed.errors) process.stderr.write(`  第 ${e.row} 行 row ${e.row}: ${e.message}\n`);
    return 1;
  }
  const deps = await cliDeps();
  const bar = new SingleBar({ format: '{phase} [{bar}] {value}/{total}', hideCursor: true, noTTYOutput: false }, Presets.shades_classic);
  const showBar = parsed.rows.length >= 1000 && process.stderr.isTTY;
  if (showBar) bar.start(parsed.rows.length, 0, { phase: 'import' });
  try {
    const result = await importRoster(deps, parsed, {
      actor: 'cli',
      onProgress: (p) => { if (showBar) bar.update(p.done, { phase: p.phase.padEnd(11) }); },
    });
    if (showBar) bar.stop();
    process.stdout.write(`新增 created ${result.created}，更新 updated ${result.updated}，未变 unchanged ${result.unchanged}\n`);
    return 0;
  } finally {
    await deps.close();
  }
}

main().then((code) => process.exit(code), (e) => {
  process.stderr.write(`导入失败 Import failed: ${isDomainError(e) ? `${e.code}: ${e.message}` : (e as Error).message}\n`);
  process.exit(1);
});
