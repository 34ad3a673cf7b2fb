/**
 * Issue 28 through kill -9: the account is logged out past the grace period, the reminder is
 * moved to SMS and staff are alarmed; the process is killed while the provider holds the first
 * SMS unanswered. Restarted with the account back: every named landlord gets the SMS once, the
 * group's other post goes to WeChat once, the reminder never goes to the room as well, staff
 * hear of the outage once and of the recovery once.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { tempDir } from '../support/fixtures';
import { fakeSmsProvider, fakeWebhook, middayZone } from '../support/reach-fakes';
import { until } from '../support/sim-client';
import { childArgs } from '../support/child-script';

const ROOT = path.resolve(__dirname, '../..');
const KEY_ID = 'LTAI-crash-key';
const SECRET = 'crash-secret-5b2e';

function child(env: Record<string, string>) {
  const p = spawn(process.execPath, childArgs('test/support/reach-child'), { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  p.stderr!.on('data', (d) => { err += d; });
  let out = '';
  const ready = new Promise<void>((resolve) => p.stdout!.on('data', (d) => { out += d; if (/READY/.test(out)) resolve(); }));
  const exited = once(p, 'exit') as Promise<[number | null, string | null]>;
  return { p, ready, exited, err: () => err };
}

describe('reach through kill -9 (issue 28)', () => {
  it('sends each SMS once, the other post once, the reminder by one channel only, and tells staff once each way', async () => {
    const tmp = tempDir('anxin-reach-crash-');
    const [sms, hook] = await Promise.all([fakeSmsProvider({ provider: 'aliyun', keyId: KEY_ID, secret: SECRET, port: 3636 }), fakeWebhook(3637)]);
    try {
      const env = { DATA_DIR: tmp.dir, SEND_LOG: path.join(tmp.dir, 'wechat.log'), SMS_URL: sms.url, SMS_KEY_ID: KEY_ID, SMS_SECRET: SECRET, HOOK_URL: hook.url, TZ_ZONE: middayZone() };
      sms.script.push({ hang: true }); // the provider holds the first SMS: the kill comes inside that send
      const down = child({ ...env, PHASE: 'down' });
      await down.ready;
      // killed once staff's alarm is recorded as sent (a kill inside that send would repeat it: SPEC's one allowed repeat)
      // and while the provider holds the first SMS
      const alarmSent = () => {
        const db = new Database(path.join(tmp.dir, 'anxin.db'), { readonly: true, fileMustExist: true });
        try { return (db.prepare("SELECT count(*) AS n FROM outbox WHERE account = 'channel:staff' AND status = 'sent'").get() as { n: number }).n === 1; } finally { db.close(); }
      };
      await Promise.race([until(async () => (sms.requests() >= 1 && hook.received.length >= 1 && alarmSent()) || undefined), down.exited]);
      down.p.kill('SIGKILL');
      await down.exited;
      expect(down.err()).toBe('');
      const store = createSqliteStore({ dataDir: tmp.dir });
      try {
        expect(await store.outbox.findOne({ key: 'remind:round-1:g-1:2026-12-07' })).toMatchObject({ status: 'rerouted' });
        expect(await store.outbox.count({ account: 'channel:sms' })).toBe(3);
        expect(await store.outbox.count({ account: 'channel:sms', status: 'sent' })).toBe(0);
      } finally { await store.close(); }
      expect(sms.received).toHaveLength(0);

      const up = child({ ...env, PHASE: 'up' });
      const guard = setTimeout(() => up.p.kill('SIGKILL'), 60_000); // a hung run fails, not the suite
      const [code] = await up.exited;
      clearTimeout(guard);
      expect(up.err()).toBe('');
      expect(code).toBe(0);

      expect(sms.received.map((r) => r.phone).sort()).toEqual(['17000000001', '17000000002', '17000000003']);
      expect(sms.bad()).toBe(0);
      const wechat = readFileSync(env.SEND_LOG, 'utf8').trim().split('\n');
      expect(wechat).toEqual(['wechat broadcast:b-1:room-1@chatroom']);
      expect(hook.received.map((m) => (m.text.content.includes('恢复') ? 'ok' : m.text.content.includes('掉线') ? 'down' : m.text.content))).toEqual(['down', 'ok']);
    } finally {
      await Promise.all([sms.close(), hook.close()]);
      tmp.cleanup();
    }
  }, 120_000);
});
