/**
 * Issue 13 (real WeChat): with the wechat4u puppet and no way to reach WeChat (as on
 * these machines), a failed login is retried with growing waits, one log line per
 * attempt, and the session file (memory card) is written in DATA_DIR, not the working
 * folder. Where WeChat can be reached, the QR code is printed instead; both are accepted.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { createBot } from '../../bots/create-bot';
import { tempDir } from '../support/fixtures';

it('retries a failing login with back-off, one line per attempt, and keeps its session in DATA_DIR', async () => {
  const tmp = tempDir('anxin-w4u-');
  const lines: { msg: string; attempt?: number; retryInS?: number }[] = [];
  let outcome: (v: 'retried' | 'qr') => void;
  const done = new Promise<'retried' | 'qr'>((r) => { outcome = r; });
  const log = pino({ level: 'info' }, { write: (s: string) => { const l = JSON.parse(s); lines.push(l); if (l.attempt === 3) outcome('retried'); } });
  const cwdBefore = new Set(readdirSync(process.cwd()));
  const bot = createBot({ name: 'anxin-test', puppet: 'wechaty-puppet-wechat4u', puppetName: 'wechaty-puppet-wechat4u', log, dataDir: tmp.dir, retryMs: 20, printQr: () => outcome('qr') });
  try {
    await bot.start().catch(() => undefined);
    const how = await done;
    if (how === 'retried') {
      const attempts = lines.filter((l) => l.attempt !== undefined);
      expect(attempts.map((l) => l.attempt)).toEqual([1, 2, 3]);
      expect(attempts.map((l) => l.retryInS)).toEqual([0, 0, 0]); // 20, 40, 80 ms here; 5 s, 10 s, 20 s… by default
      expect(lines.filter((l) => l.msg === 'wechaty error')).toEqual([]); // no flood of stack traces
    }
    expect(bot.status().loggedIn).toBe(false);
  } finally {
    await bot.stop().catch(() => undefined);
  }
  expect(existsSync(path.join(tmp.dir, 'anxin-test.memory-card.json'))).toBe(true);
  expect(readdirSync(process.cwd()).filter((f) => !cwdBefore.has(f))).toEqual([]);
  tmp.cleanup();
}, 30_000);
