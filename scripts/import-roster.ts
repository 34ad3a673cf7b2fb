/**
 * npm run import -- FILE   导入花名册 (XLSX or CSV) into the configured store.
 * The same import as `POST /import/roster`: streamed, checked, applied all or nothing off the
 * event loop. Shows a progress bar (cli-progress) and a summary table; exits 1 listing every
 * bad row when the file has any, having changed nothing.
 */
import { MultiBar, Presets } from 'cli-progress';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { isDomainError } from '../src/domain/errors';
import type { RowError } from '../src/domain/roster';
import { errorParams } from '../src/http/error-middleware';
import { createI18n } from '../src/i18n';
import { runRosterImport } from '../src/services/roster/run-roster-import';
import { warningText } from '../src/services/roster/warning-text';
import { loadConfig } from '../src/config';
import { cliDeps } from './cli-deps';

const PHASES = { parse: '读取校验 parse', check: '交叉核对 check', apply: '写入 apply' } as const;

async function main(): Promise<number> {
  const given = process.argv[2];
  if (!given) {
    process.stderr.write('用法 Usage: npm run import -- roster.xlsx|roster.csv\n');
    return 2;
  }
  // (npm runs scripts from the project's folder: a file is named from where the person typed the command)
  const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), given);
  if (!existsSync(file)) {
    process.stderr.write(`找不到文件 File not found: ${file}\n`);
    return 2;
  }
  if (!statSync(file).isFile()) {
    process.stderr.write(`这是文件夹，不是花名册文件 This is a folder, not a roster file: ${file}\n`);
    return 2;
  }
  const size = statSync(file).size;
  // which store: a new user without DATA_DIR would otherwise import into a fresh ./data beside the running server's
  const config = loadConfig();
  const dbFile = path.join(config.dataDir, 'anxin.db');
  const fresh = !config.mongodbUri && !existsSync(dbFile);
  process.stderr.write(config.mongodbUri ? `导入到 MongoDB（MONGODB_URI）Importing into MongoDB (MONGODB_URI)\n`
    : `导入到 Importing into ${dbFile}${fresh ? '（新建：这里原先没有数据库；要导入到正在运行的服务，请设置与它相同的 DATA_DIR / new: there was no database here; to import into a running server, set its DATA_DIR）' : ''}\n`);
  const deps = await cliDeps();
  const i18n = await createI18n('zh-CN');
  const showBar = process.stderr.isTTY;
  const bars = new MultiBar({ format: '{phase} [{bar}] {value}/{total} 行 rows', hideCursor: true, clearOnComplete: false, stream: process.stderr }, Presets.shades_classic);
  const bar = showBar ? bars.create(1, 0, { phase: PHASES.parse.padEnd(16) }) : null;
  const t0 = performance.now();
  try {
    const result = await runRosterImport(deps, {
      source: { path: file }, size, actor: 'cli', maxRows: config.rosterMaxRows, timeLimitMs: config.importTimeLimitSeconds * 1000,
      onProgress: (p) => { bar?.setTotal(Math.max(p.total, 1)); bar?.update(p.processed, { phase: PHASES[p.phase].padEnd(16) }); },
    });
    bars.stop();
    const seconds = (performance.now() - t0) / 1000;
    const rows = result.created + result.updated + result.unchanged;
    const cells: [string, number][] = [
      ['新增 created', result.created], ['更新 updated', result.updated], ['未变 unchanged', result.unchanged],
      ['提醒 warnings', result.warnings.length], ['行/秒 rows/s', Math.round(rows / seconds)],
    ];
    // a Chinese character takes two columns of a terminal
    const pad = (k: string) => k + ' '.repeat(Math.max(0, 16 - k.length - (k.match(/[\u3000-\u9fff]/g)?.length ?? 0)));
    const table = cells.map(([k, v]) => `│ ${pad(k)}│ ${v.toLocaleString('en').padStart(10)} │`);
    const line = '─'.repeat(17);
    process.stdout.write(`┌${line}┬${'─'.repeat(12)}┐\n${table.join('\n')}\n└${line}┴${'─'.repeat(12)}┘\n`);
    for (const w of result.warnings.map((x) => warningText(i18n.t.bind(i18n), x))) process.stdout.write(`  ⚠ 第 ${w.row} 行 row ${w.row}: ${w.message}\n`);
    return 0;
  } catch (e) {
    bars.stop();
    if (isDomainError(e) && e.code === 'roster_rows') {
      const errors = (e.details as { errors: RowError[] }).errors;
      const count = Number(e.params?.count ?? errors.length);
      const listed = count > errors.length ? `（以下为前 ${errors.length} 行 / the first ${errors.length} listed）` : '';
      process.stderr.write(`花名册有 ${count} 行有误，未导入任何数据 / ${count} bad ${count === 1 ? 'row' : 'rows'}; nothing imported${listed}:\n`);
      for (const r of errors) process.stderr.write(`  第 ${r.row} 行 row ${r.row}: ${r.message}\n`);
      return 1;
    }
    if (isDomainError(e)) {
      // the API's words for it, Chinese then English
      const say = (lng: string) => i18n.t(`api:errors.${e.code}`, { lng, ...errorParams(e, i18n.t.bind(i18n), lng), defaultValue: e.message });
      process.stderr.write(`导入失败：${say('zh-CN')}\nImport failed: ${say('en')}\n`);
      return 1;
    }
    throw e;
  } finally {
    await deps.close();
  }
}

main().then((code) => process.exit(code), (e) => {
  process.stderr.write(`导入失败 Import failed: ${isDomainError(e) ? `${e.code}: ${e.message}` : (e as Error).message}\n`);
  process.exit(1);
});
