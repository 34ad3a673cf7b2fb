/**
 * A process for issue 28's kill -9 test: one bound room with three registered landlords, a
 * round's reminder naming them and a plain group post, both queued for the account `bot`; the
 * real outbox worker (WeChat stood in by a port that logs each send, fsynced, to SEND_LOG),
 * the staff webhook's and the SMS channel's senders (real providers, to the test's fakes) and
 * the reach watch, composed as main.ts composes them.
 * PHASE=down: the account is logged out (since the start; grace 0). PHASE=up: it is logged in.
 * Prints READY once running; with PHASE=up exits 0 once nothing is left to send.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import pino from 'pino';
import { systemClock } from '../../src/domain/clock';
import { createTranslator } from '../../src/i18n';
import { createOutboxWorker } from '../../src/scheduler/outbox-worker';
import { startReachWatch } from '../../src/scheduler/reach-watch';
import { createDeps } from '../../src/services/create-deps';
import { CHANNEL, createSmsPort, createStaffWebhook } from '../../src/services/reach/channels';
import { enqueue } from '../../src/services/sending/outbox';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';

function append(file: string, line: string): void {
  const fd = openSync(file, 'a');
  try { writeSync(fd, `${line}\n`); fsyncSync(fd); } finally { closeSync(fd); }
}

async function main(): Promise<void> {
  const env = process.env;
  const store = createSqliteStore({ dataDir: env.DATA_DIR! });
  const deps = createDeps({ store, clock: systemClock, log: pino({ level: 'silent' }), timeZone: env.TZ_ZONE!, t: createTranslator('zh-CN'), locale: 'zh-CN' });
  if ((await store.groups.count({})) === 0) {
    const c = await store.communities.insert({ name: '测试社区' });
    const g = await store.grids.insert({ communityId: c.id, name: '测试网格' });
    const group = await store.groups.insert({ communityId: c.id, gridId: g.id, name: '联防1组', headHouseId: null, roomId: 'room-1@chatroom', locale: null, botId: 'bot' });
    for (let i = 1; i <= 3; i += 1) {
      const l = await store.landlords.insert({ name: `房东${i}`, phone: `1700000000${i}`, sms: null });
      const contact = await store.contacts.insert({ wechatId: `wx-${i}`, name: `房东${i}`, landlordId: l.id, userId: null, locale: null });
      await store.houses.insert({ communityId: c.id, gridId: g.id, groupId: group.id, code: `H00${i}`, address: `测试路${i}号`, landlordId: l.id, contactId: contact.id, pendingContactId: null, tenants: 3, rooms: 2, isKey: false });
    }
    await enqueue(deps, [
      { key: 'remind:round-1:g-1:2026-12-07', roomId: 'room-1@chatroom', account: 'bot', text: '请尽快完成本月自查', mentions: ['wx-1', 'wx-2', 'wx-3'] },
      { key: 'broadcast:b-1:room-1@chatroom', roomId: 'room-1@chatroom', account: 'bot', text: '冬季用火用电安全提醒' },
    ]);
  }
  // the account logs in; in the down phase WeChat logs it out at once
  deps.reach.loggedIn('bot', '安心房东', systemClock.now());
  if (env.PHASE !== 'up') deps.reach.loggedOut(systemClock.now());
  const leaseMs = 500;
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const base = { worker: String(process.pid), jitterMs: 0, roomSwitchMs: 0, dailyCap: 1000, tooFrequentPauseMs: 60_000, leaseMs, idleMs: 50 };
  const wechat = createOutboxWorker(deps, { send: async (e) => append(env.SEND_LOG!, `wechat ${e.key}`) }, { ...base, account: 'bot', intervalMs: 0, live: deps.reach, roomLeaseMs: leaseMs }, sleep);
  const sms = {
    provider: 'aliyun' as const, endpoint: env.SMS_URL!, accessKeyId: env.SMS_KEY_ID!, accessKeySecret: env.SMS_SECRET!, region: 'cn-hangzhou',
    signName: '安心房东', templates: { deadline: 'SMS_0001' }, dailyLimitPerNumber: 3, priceFen: 5,
  };
  const channels = [
    createOutboxWorker(deps, createStaffWebhook(env.HOOK_URL!), { ...base, account: CHANNEL.staff, intervalMs: 100, ownOnly: true }, sleep),
    createOutboxWorker(deps, createSmsPort(deps, sms), { ...base, account: CHANNEL.sms, intervalMs: 100, ownOnly: true }, sleep),
  ];
  for (const w of [wechat, ...channels]) w.start();
  const watch = startReachWatch(deps, { everyMs: 100, staffAlarms: true, sms, fallbackAfterMs: 0 });
  process.stdout.write('READY\n');
  if (env.PHASE !== 'up') return; // down: runs until killed
  for (;;) {
    await sleep(100);
    const left = await store.outbox.count({ status: { in: ['pending', 'sending'] } });
    const recovered = await store.outbox.count({ account: CHANNEL.staff, key: { gte: 'staff:bot:ok:', lt: 'staff:bot:ok;' }, status: 'sent' });
    if (left === 0 && recovered === 1) break;
  }
  await watch.stop();
  await Promise.all([wechat, ...channels].map((w) => w.stop()));
  await store.close();
  process.exit(0);
}

main().catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
