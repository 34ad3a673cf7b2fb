/**
 * Issue 13 (real WeChat): with the wechat4u puppet and no way to reach WeChat (as on
 * these machines), a failed login is retried with growing waits, one log line per
 * attempt, and the session file (memory card) is written in DATA_DIR, not the working
 * folder. Where WeChat can be reached, the QR code is printed instead; both are accepted.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempDir } from '../support/fixtures';

const ROOT = path.resolve(__dirname, '../..');

it('retries a failing login with back-off, one line per attempt, and keeps its session in DATA_DIR', async () => {
  const data = tempDir('anxin-w4u-data-');
  const cwd = tempDir('anxin-w4u-cwd-');
  // started in an empty folder (tsx's loader named by path, since that folder has no node_modules)
  const tsx = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  const child = spawn(process.execPath, ['--import', tsx, path.join(ROOT, 'test/support/w4u-child.ts')], { cwd: cwd.dir, env: { ...process.env, DATA_DIR: data.dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: { msg?: string; attempt?: number; retryInS?: number }[] = [];
  const how = await new Promise<'retried' | 'qr'>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line === 'QR') return resolve('qr');
        if (!line.startsWith('{')) continue;
        const l = JSON.parse(line);
        lines.push(l);
        if (l.attempt === 3) resolve('retried');
      }
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before a retry or a QR`)));
  });
  child.kill('SIGKILL');
  if (how === 'retried') {
    const attempts = lines.filter((l) => l.attempt !== undefined);
    expect(attempts.map((l) => l.attempt)).toEqual([1, 2, 3]);
    expect(lines.filter((l) => l.msg === 'wechaty error')).toEqual([]); // no flood of stack traces
  }
  expect(existsSync(path.join(data.dir, 'anxin-test.memory-card.json'))).toBe(true);
  expect(readdirSync(cwd.dir)).toEqual([]); // nothing written where it was started
  data.cleanup();
  cwd.cleanup();
}, 180_000);
