/**
 * `npm run import` as a person runs it (a real child process): it says which database it
 * imports into, and says so loudly when there was none there — a new user without DATA_DIR
 * would otherwise fill a fresh ./data beside the running server's (found by a new-user check).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SAMPLE_ROSTER, tempDir } from '../support/fixtures';

const ROOT = path.resolve(__dirname, '../..');

/** (`from`: the folder the person typed `npm run import` in, which npm passes as INIT_CWD, running the script from the project's) */
async function importCli(file: string, dataDir: string, from = ROOT): Promise<{ code: number | null; out: string; err: string }> {
  const p = spawn(process.execPath, ['--import', 'tsx', 'scripts/import-roster.ts', file], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, MONGODB_URI: '', INIT_CWD: from }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout!.on('data', (d) => { out += d; });
  p.stderr!.on('data', (d) => { err += d; });
  const [code] = (await once(p, 'exit')) as [number | null];
  return { code, out, err };
}

describe('npm run import', () => {
  const tmp = tempDir('anxin-import-cli-');
  afterAll(() => tmp.cleanup());

  it('names the database it imports into, and warns when it had to make it', async () => {
    const dataDir = path.join(tmp.dir, 'data');
    const first = await importCli(SAMPLE_ROSTER, dataDir);
    expect(first.code).toBe(0);
    expect(first.err).toContain(path.join(dataDir, 'anxin.db'));
    expect(first.err).toContain('新建');
    expect(first.out).toMatch(/新增 created\s*│\s*40 │/);
    expect(existsSync(path.join(dataDir, 'anxin.db'))).toBe(true);
    const again = await importCli(SAMPLE_ROSTER, dataDir);
    expect(again.code).toBe(0);
    expect(again.err).toContain(path.join(dataDir, 'anxin.db'));
    expect(again.err).not.toContain('新建');
    expect(again.out).toMatch(/未变 unchanged\s*│\s*40 │/);
  });

  it('says a missing file is missing and a folder is a folder, and makes no database for either', async () => {
    const dataDir = path.join(tmp.dir, 'none');
    const r = await importCli(path.join(tmp.dir, 'no-such-roster.xlsx'), dataDir);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`找不到文件 File not found: ${path.join(tmp.dir, 'no-such-roster.xlsx')}`);
    const folder = await importCli(tmp.dir, dataDir);
    expect(folder.code).toBe(2);
    expect(folder.err).toContain('这是文件夹');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('finds a file named from the folder the command was typed in, and counts one bad row in the singular', async () => {
    const samples = path.dirname(SAMPLE_ROSTER);
    const r = await importCli(path.basename(SAMPLE_ROSTER), path.join(tmp.dir, 'here'), samples);
    expect([r.code, r.out]).toEqual([0, expect.stringMatching(/新增 created\s*│\s*40 │/)]);
    const bad = path.join(tmp.dir, 'one-bad.csv');
    writeFileSync(bad, readFileSync(SAMPLE_ROSTER, 'utf8').replace(/,15000001408,/, ',12345,'));
    const refused = await importCli('one-bad.csv', path.join(tmp.dir, 'here'), tmp.dir);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('1 bad row; nothing imported');
  });
});
